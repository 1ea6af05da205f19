package io.edamame.core.api;

import java.time.Instant;
import java.util.List;

/**
 * A live room of a tenant. {@code passwordProtected} tells whether a password is set; the password
 * itself never leaves the core.
 */
public record Room(long id, long tenantId, String title, String description, String coverUrl,
                   List<String> tags, RoomType type, RoomStatus status, RoomAccess access,
                   boolean passwordProtected, Instant scheduledStart, long hostUserId,
                   Instant startedAt, Instant endedAt, Instant createdAt, Instant updatedAt) {

    public Room {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
