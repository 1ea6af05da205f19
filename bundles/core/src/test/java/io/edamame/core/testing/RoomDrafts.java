package io.edamame.core.testing;

import io.edamame.core.api.ReplayAccess;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.RoomDraft;
import io.edamame.core.api.RoomType;
import java.time.Instant;
import java.util.List;

/** Builds {@link RoomDraft}s: a public audio room an hour after {@link CoreServices#NOW} unless told otherwise. */
public final class RoomDrafts {

    private String title = "A room";
    private String description;
    private String coverUrl;
    private List<String> tags = List.of();
    private RoomType type = RoomType.AUDIO_SLIDES;
    private RoomAccess access = RoomAccess.PUBLIC;
    private ReplayAccess replayAccess;
    private String password;
    private Instant scheduledStart = CoreServices.NOW.plusSeconds(3600);
    private final long hostUserId;

    private RoomDrafts(long hostUserId) {
        this.hostUserId = hostUserId;
    }

    public static RoomDrafts hostedBy(long hostUserId) {
        return new RoomDrafts(hostUserId);
    }

    public RoomDrafts title(String title) {
        this.title = title;
        return this;
    }

    public RoomDrafts description(String description) {
        this.description = description;
        return this;
    }

    public RoomDrafts coverUrl(String coverUrl) {
        this.coverUrl = coverUrl;
        return this;
    }

    public RoomDrafts tags(String... tags) {
        this.tags = List.of(tags);
        return this;
    }

    public RoomDrafts tags(List<String> tags) {
        this.tags = tags;
        return this;
    }

    public RoomDrafts type(RoomType type) {
        this.type = type;
        return this;
    }

    public RoomDrafts passwordProtected(String password) {
        this.access = RoomAccess.PASSWORD;
        this.password = password;
        return this;
    }

    public RoomDrafts access(RoomAccess access) {
        this.access = access;
        return this;
    }

    /** Null leaves the default, {@link ReplayAccess#AS_LIVE}. */
    public RoomDrafts replayAccess(ReplayAccess replayAccess) {
        this.replayAccess = replayAccess;
        return this;
    }

    /** Starts {@code hours} after {@link CoreServices#NOW}. */
    public RoomDrafts startingInHours(int hours) {
        this.scheduledStart = CoreServices.NOW.plusSeconds(hours * 3600L);
        return this;
    }

    public RoomDrafts scheduledStart(Instant scheduledStart) {
        this.scheduledStart = scheduledStart;
        return this;
    }

    public RoomDraft build() {
        return new RoomDraft(title, description, coverUrl, tags, type, access, replayAccess, password, scheduledStart,
                hostUserId);
    }
}
