package io.edamame.danmaku.impl.live;

import io.edamame.core.api.Room;
import io.edamame.core.api.RoomStatus;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.store.DanmakuStore;
import io.edamame.danmaku.impl.store.DanmakuStore.Sanction;
import io.edamame.danmaku.impl.store.DanmakuStore.SanctionKind;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node knows of a room while it has viewers here: whether it is live and since when, who
 * hosts it, and its moderation (slow mode, pin, mutes, bans). Loaded from the database when the first
 * viewer of the node joins and kept current by {@link LiveRooms#apply}, through which every change of
 * every node passes; forgotten when the last viewer leaves. Fields are read on connection threads and
 * written by whoever applies a change, hence volatile fields and concurrent maps.
 */
public final class RoomState {

    private final RoomKey key;
    private final long hostUserId;
    private volatile RoomStatus status;
    /** The room was deleted: connections still opening are told it does not exist. */
    private volatile boolean deleted;
    /** When the status was last re-read from the core while not live (see {@link LiveRooms#refresh}). */
    private volatile long refreshedAtMs;
    private volatile long startedAtMs;
    private volatile int slowModeSeconds;
    private volatile FanoutItem.Pin pin;
    private final long likes;
    /** User id to the end of the sanction in epoch ms; {@link Long#MAX_VALUE} until lifted. */
    private final Map<Long, Long> mutedUntil = new ConcurrentHashMap<>();
    private final Map<Long, Long> bannedUntil = new ConcurrentHashMap<>();
    /** Slow mode: when each user last sent, epoch ms. */
    private final Map<Long, Long> lastSentMs = new ConcurrentHashMap<>();
    /** The connections of the room on this node. */
    final Set<LiveViewer> viewers = ConcurrentHashMap.newKeySet();

    RoomState(Room room, DanmakuStore.RoomRecord record) {
        this.key = new RoomKey(room.tenantId(), room.id());
        this.hostUserId = room.hostUserId();
        this.status = room.status();
        this.startedAtMs = room.startedAt() == null ? 0 : room.startedAt().toEpochMilli();
        this.slowModeSeconds = record.slowModeSeconds();
        this.pin = record.pinText() == null ? null : new FanoutItem.Pin(record.pinText(), record.pinAtMs());
        this.likes = record.likes();
        for (Sanction sanction : record.sanctions()) {
            sanction(sanction.userId(), sanction.kind(), sanction.untilMs());
        }
    }

    public RoomKey key() {
        return key;
    }

    public long hostUserId() {
        return hostUserId;
    }

    public RoomStatus status() {
        return status;
    }

    /** Milliseconds since the room went live, for a danmaku received at {@code nowMs}. */
    public long offsetMs(long nowMs) {
        return Math.max(0, nowMs - startedAtMs);
    }

    public FanoutItem.Pin pin() {
        return pin;
    }

    /** Likes stored when the state was loaded. */
    public long storedLikes() {
        return likes;
    }

    public int slowModeSeconds() {
        return slowModeSeconds;
    }

    public boolean isMuted(long userId, long nowMs) {
        return activeAt(mutedUntil, userId, nowMs);
    }

    public boolean isBanned(long userId, long nowMs) {
        return activeAt(bannedUntil, userId, nowMs);
    }

    /**
     * Slow mode: whether the user may send now, and if so, counts this as their send. Slow mode is
     * judged per node; a user's connections to one room normally live on one node.
     */
    public boolean trySendUnderSlowMode(long userId, long nowMs) {
        int seconds = slowModeSeconds;
        if (seconds <= 0) {
            return true;
        }
        boolean[] allowed = {false};
        lastSentMs.compute(userId, (id, last) -> {
            if (last == null || nowMs - last >= seconds * 1000L) {
                allowed[0] = true;
                return nowMs;
            }
            return last;
        });
        return allowed[0];
    }

    public boolean deleted() {
        return deleted;
    }

    void started(long atMs) {
        if (status != RoomStatus.ENDED) {
            status = RoomStatus.LIVE;
            startedAtMs = atMs;
        }
    }

    /** Final: a room that ended never goes live again, whatever arrives late. */
    void ended(boolean wasDeleted) {
        status = RoomStatus.ENDED;
        deleted = wasDeleted;
    }

    /** Whether a re-read of the status is due, at most once a second; claims it if so. */
    boolean claimRefresh(long nowMs) {
        if (nowMs - refreshedAtMs < 1000) {
            return false;
        }
        refreshedAtMs = nowMs;
        return true;
    }

    void pinned(FanoutItem.Pin newPin) {
        pin = newPin.text() == null ? null : newPin;
    }

    void slowMode(int seconds) {
        slowModeSeconds = seconds;
        lastSentMs.clear();
    }

    void sanction(long userId, SanctionKind kind, Long untilMs) {
        (kind == SanctionKind.MUTE ? mutedUntil : bannedUntil).put(userId, untilMs == null ? Long.MAX_VALUE : untilMs);
    }

    void lift(long userId, SanctionKind kind) {
        (kind == SanctionKind.MUTE ? mutedUntil : bannedUntil).remove(userId);
    }

    private static boolean activeAt(Map<Long, Long> until, long userId, long nowMs) {
        Long end = until.get(userId);
        return end != null && end > nowMs;
    }
}
