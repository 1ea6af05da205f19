package io.edamame.danmaku.impl.live;

import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.store.DanmakuStore.SanctionKind;

/**
 * What one node tells the others about a room, or a tenant, through the bus; {@link LiveRooms#apply}
 * gives each the same effect on every node, the one where it happened included. Encoded by
 * {@link BusCodec}.
 */
public sealed interface BusMessage {

    /** The room it concerns; null for tenant-wide messages. */
    RoomKey room();

    /** An accepted danmaku, retract, pin or notice: fanned out to the room's viewers. */
    record Event(RoomKey room, FanoutItem.RoomEvent event) implements BusMessage {
    }

    /** Likes given on one node since its last report. */
    record Liked(RoomKey room, long count) implements BusMessage {
    }

    /** How many viewers the room has on node {@code node}. */
    record Online(RoomKey room, String node, int count) implements BusMessage {
    }

    /** A user muted or banned, until {@code untilMs} (null: until lifted). */
    record Sanctioned(RoomKey room, long userId, SanctionKind kind, Long untilMs) implements BusMessage {
    }

    record Lifted(RoomKey room, long userId, SanctionKind kind) implements BusMessage {
    }

    /** Slow mode: a user may send one danmaku per {@code seconds}; 0 turns it off. */
    record SlowMode(RoomKey room, int seconds) implements BusMessage {
    }

    /** The room went live at {@code startedAtMs}. */
    record Started(RoomKey room, long startedAtMs) implements BusMessage {
    }

    /** The room ended, or was deleted: its viewers are closed. */
    record Ended(RoomKey room, boolean deleted) implements BusMessage {
    }

    /** The tenant's sensitive words changed. */
    record WordsChanged(long tenantId) implements BusMessage {
        @Override
        public RoomKey room() {
            return null;
        }
    }

    /** The tenant switched danmaku off, or was suspended: its viewers are closed with {@code code}. */
    record TenantOff(long tenantId, String reason) implements BusMessage {
        @Override
        public RoomKey room() {
            return null;
        }
    }
}
