package io.edamame.core.api;

import java.time.Instant;
import java.util.List;

/**
 * What a new room is made of. {@code password} is required for {@link RoomAccess#PASSWORD} rooms; a
 * null {@code replayAccess} is {@link ReplayAccess#AS_LIVE}.
 */
public record RoomDraft(String title, String description, String coverUrl, List<String> tags,
                        RoomType type, RoomAccess access, ReplayAccess replayAccess, String password,
                        Instant scheduledStart, long hostUserId) {

    public RoomDraft {
        if (replayAccess == null) {
            replayAccess = ReplayAccess.AS_LIVE;
        }
    }

    /**
     * The constructor of API 1.1, kept so that bundles built against it still link: the replay is
     * {@link ReplayAccess#AS_LIVE}.
     *
     * @deprecated since 1.2, use the constructor with {@code replayAccess}
     */
    @Deprecated(since = "1.2.0")
    public RoomDraft(String title, String description, String coverUrl, List<String> tags,
                     RoomType type, RoomAccess access, String password, Instant scheduledStart,
                     long hostUserId) {
        this(title, description, coverUrl, tags, type, access, ReplayAccess.AS_LIVE, password, scheduledStart,
                hostUserId);
    }
}
