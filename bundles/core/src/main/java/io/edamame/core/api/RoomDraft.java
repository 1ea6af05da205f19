package io.edamame.core.api;

import java.time.Instant;
import java.util.List;

/**
 * What a new room is made of. {@code password} is required for {@link RoomAccess#PASSWORD} rooms.
 */
public record RoomDraft(String title, String description, String coverUrl, List<String> tags,
                        RoomType type, RoomAccess access, String password, Instant scheduledStart,
                        long hostUserId) {
}
