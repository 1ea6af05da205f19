package io.edamame.core.api;

import java.time.Instant;
import java.util.List;

/**
 * A live room of a tenant. {@code passwordProtected} tells whether a password is set; the password
 * itself never leaves the core. {@code access} says who may enter the live, {@code replayAccess} who may
 * watch its replay.
 */
public record Room(long id, long tenantId, String title, String description, String coverUrl,
                   List<String> tags, RoomType type, RoomStatus status, RoomAccess access,
                   ReplayAccess replayAccess, boolean passwordProtected, Instant scheduledStart,
                   long hostUserId, Instant startedAt, Instant endedAt, Instant createdAt, Instant updatedAt) {

    public Room {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /**
     * The constructor of API 1.1, kept so that bundles built against it still link: the replay is
     * {@link ReplayAccess#AS_LIVE}.
     *
     * @deprecated since 1.2, use the constructor with {@code replayAccess}
     */
    @Deprecated(since = "1.2.0")
    public Room(long id, long tenantId, String title, String description, String coverUrl,
                List<String> tags, RoomType type, RoomStatus status, RoomAccess access,
                boolean passwordProtected, Instant scheduledStart, long hostUserId,
                Instant startedAt, Instant endedAt, Instant createdAt, Instant updatedAt) {
        this(id, tenantId, title, description, coverUrl, tags, type, status, access, ReplayAccess.AS_LIVE,
                passwordProtected, scheduledStart, hostUserId, startedAt, endedAt, createdAt, updatedAt);
    }
}
