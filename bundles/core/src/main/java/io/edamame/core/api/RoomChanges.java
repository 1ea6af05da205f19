package io.edamame.core.api;

import java.time.Instant;
import java.util.List;

/** A partial update of a room: null fields stay as they are. */
public record RoomChanges(String title, String description, String coverUrl, List<String> tags,
                          RoomType type, RoomAccess access, ReplayAccess replayAccess, String password,
                          Instant scheduledStart, Long hostUserId) {

    /**
     * The constructor of API 1.1, kept so that bundles built against it still link: the replay access
     * stays as it is.
     *
     * @deprecated since 1.2, use the constructor with {@code replayAccess}
     */
    @Deprecated(since = "1.2.0")
    public RoomChanges(String title, String description, String coverUrl, List<String> tags,
                       RoomType type, RoomAccess access, String password, Instant scheduledStart,
                       Long hostUserId) {
        this(title, description, coverUrl, tags, type, access, null, password, scheduledStart, hostUserId);
    }
}
