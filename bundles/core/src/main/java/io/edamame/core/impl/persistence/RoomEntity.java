package io.edamame.core.impl.persistence;

import io.edamame.core.api.ReplayAccess;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.RoomType;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;
import javax.persistence.Version;

@Entity
@Table(name = "room")
public class RoomEntity {

    /** Tags are stored as {@code ,a,b,} so that one tag matches with {@code LIKE '%,a,%'}. */
    static final String TAG_SEPARATOR = ",";

    @Id
    @SequenceGenerator(name = "room_seq", sequenceName = "room_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "room_seq")
    private Long id;

    @Column(name = "tenant_id", nullable = false)
    private long tenantId;

    @Column(nullable = false, length = 200)
    private String title;

    @Column(length = 4000)
    private String description;

    @Column(name = "cover_url", length = 1024)
    private String coverUrl;

    @Column(length = 1024)
    private String tags;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 24)
    private RoomType type;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private RoomStatus status;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private RoomAccess access;

    @Column(name = "password_hash", length = 255)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(name = "replay_access", nullable = false, length = 16)
    private ReplayAccess replayAccess;

    @Column(name = "scheduled_start", nullable = false)
    private Instant scheduledStart;

    @Column(name = "host_user_id", nullable = false)
    private long hostUserId;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    /** Optimistic lock: two concurrent transitions of one room cannot both win. */
    @Version
    private int version;

    protected RoomEntity() {
    }

    public RoomEntity(long tenantId, RoomType type, Instant now) {
        this.tenantId = tenantId;
        this.type = type;
        this.status = RoomStatus.SCHEDULED;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public static String encodeTags(List<String> tags) {
        return tags == null || tags.isEmpty() ? null : TAG_SEPARATOR + String.join(TAG_SEPARATOR, tags) + TAG_SEPARATOR;
    }

    public static List<String> decodeTags(String tags) {
        return tags == null ? List.of()
                : Arrays.stream(tags.split(TAG_SEPARATOR)).filter(t -> !t.isEmpty()).toList();
    }

    public Long getId() {
        return id;
    }

    public long getTenantId() {
        return tenantId;
    }

    public RoomStatus getStatus() {
        return status;
    }

    public RoomAccess getAccess() {
        return access;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public void setCoverUrl(String coverUrl) {
        this.coverUrl = coverUrl;
    }

    public void setTags(List<String> tags) {
        this.tags = encodeTags(tags);
    }

    public void setType(RoomType type) {
        this.type = type;
    }

    public RoomType getType() {
        return type;
    }

    public void setAccess(RoomAccess access, String passwordHash) {
        this.access = access;
        this.passwordHash = passwordHash;
    }

    public void setReplayAccess(ReplayAccess replayAccess) {
        this.replayAccess = replayAccess;
    }

    public void setScheduledStart(Instant scheduledStart) {
        this.scheduledStart = scheduledStart;
    }

    public void setHostUserId(long hostUserId) {
        this.hostUserId = hostUserId;
    }

    public void touch(Instant now) {
        this.updatedAt = now;
    }

    public void moveTo(RoomStatus next, Instant now) {
        this.status = next;
        if (next == RoomStatus.LIVE) {
            this.startedAt = now;
        } else if (next == RoomStatus.ENDED) {
            this.endedAt = now;
        }
        this.updatedAt = now;
    }

    public Room toRoom() {
        return new Room(id, tenantId, title, description, coverUrl, decodeTags(tags), type, status, access,
                replayAccess, passwordHash != null, scheduledStart, hostUserId, startedAt, endedAt, createdAt,
                updatedAt);
    }
}
