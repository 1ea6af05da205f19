package io.edamame.core.api;

import java.time.Instant;
import java.util.List;

/** A partial update of a room: null fields stay as they are. */
public record RoomChanges(String title, String description, String coverUrl, List<String> tags,
                          RoomType type, RoomAccess access, String password, Instant scheduledStart,
                          Long hostUserId) {
}
