package io.edamame.danmaku.impl.fanout;

import io.edamame.core.api.SocketCloseCodes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out of one room on this node: what was published since the last tick, the room's viewers,
 * and the state a viewer who joins is told at once (online count, likes, pin).
 *
 * <p>Threads: publishers add to a lock-free queue and a likes counter; joins and leaves change a
 * concurrent map of viewers; only the tick thread drains, serialises, sends, and reads or writes the
 * plain fields below. So a publisher never waits for the tick, and the tick never waits for a publisher
 * or a viewer.
 */
final class RoomFanout {

    /**
     * Most items in one frame. A backlog beyond it waits for the next tick rather than making a frame
     * that slow clients cannot take; at the default tick that is 20,000 items a second per room.
     */
    static final int MAX_ITEMS_PER_FRAME = 1000;

    /** Fewer viewers than this per send thread are swept on the tick thread alone. */
    static final int MIN_VIEWERS_PER_SHARD = 500;

    private static final Logger LOG = LoggerFactory.getLogger(RoomFanout.class);

    private final RoomKey key;
    private final FanoutSettings settings;
    private final Frames frames;
    private final LongAdder droppedTotal;
    /** Where a large room's viewers are swept in parallel; null: on the tick thread alone. */
    private final SendThreads sendThreads;
    private final ConcurrentLinkedQueue<FanoutItem.RoomEvent> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingLikes = new AtomicLong();
    private final Map<String, Viewer> viewers = new ConcurrentHashMap<>();

    /** Set by the bus; read by the tick. */
    private volatile int remoteViewers;
    /** The stored state to start from, until the tick applies it; null once applied or if none. */
    private volatile RoomSeed pendingSeed;
    private boolean seeded;

    /** Tick thread only. */
    private long likesTotal;
    private FanoutItem.Pin pin;
    private int onlineSent;
    private long nextOnlineAt;

    RoomFanout(RoomKey key, FanoutSettings settings, Frames frames, LongAdder droppedTotal, long now,
            SendThreads sendThreads) {
        this.key = key;
        this.sendThreads = sendThreads;
        this.settings = settings;
        this.frames = frames;
        this.droppedTotal = droppedTotal;
        this.nextOnlineAt = now + settings.onlineEveryMillis();
    }

    /** @throws IllegalArgumentException if a viewer with the channel's id is already in the room */
    void join(ViewerChannel channel) {
        Viewer viewer = new Viewer(channel, frames, settings.viewerQueueFrames(), droppedTotal);
        if (viewers.putIfAbsent(channel.id(), viewer) != null) {
            throw new IllegalArgumentException("ROOM " + key + ": viewer " + channel.id() + " is already in the room");
        }
    }

    /** @return whether the viewer was in the room */
    boolean leave(String viewerId) {
        Viewer viewer = viewers.remove(viewerId);
        if (viewer == null) {
            return false;
        }
        viewer.discard();
        return true;
    }

    /**
     * Offers the room's stored state. Only the first offer counts, and it is applied at the next tick
     * before anything else, so that it never overrides a newer pin or loses likes counted meanwhile.
     */
    void seed(RoomSeed seed) {
        if (!seeded && pendingSeed == null && seed != RoomSeed.NONE) {
            pendingSeed = seed;
        }
    }

    void remoteViewers(int count) {
        remoteViewers = count;
    }

    void publish(FanoutItem.RoomEvent event) {
        incoming.add(event);
    }

    void like(long count) {
        pendingLikes.addAndGet(count);
    }

    /** Whether the room may be forgotten: no viewer, and nothing that a tick has yet to take. */
    boolean idle() {
        return viewers.isEmpty() && incoming.isEmpty() && pendingLikes.get() == 0;
    }

    int viewerCount() {
        return viewers.size();
    }

    Viewer viewer(String viewerId) {
        return viewers.get(viewerId);
    }

    /**
     * Merges what was published since the last tick into one batch, serialises it once and offers it
     * to every viewer; then closes viewers whose writes failed or stalled. Tick thread only.
     */
    void tick(long now) {
        applySeed();
        List<FanoutItem> items = drain();
        int online = viewers.size() + remoteViewers;
        if (now >= nextOnlineAt) {
            nextOnlineAt = now + settings.onlineEveryMillis();
            if (online != onlineSent) {
                items.add(new FanoutItem.Online(online));
                onlineSent = online;
            }
        }
        if (viewers.isEmpty()) {
            return;
        }
        Batch batch = items.isEmpty() ? null : Batch.shared(items, frames);
        StateFrame state = new StateFrame(online);
        int shards = sendThreads == null ? 1
                : Math.min(sendThreads.parallelism(), viewers.size() / MIN_VIEWERS_PER_SHARD);
        if (shards <= 1) {
            sweep(viewers.values(), batch, state, now);
            return;
        }
        List<Viewer> all = new ArrayList<>(viewers.values());
        // Each write goes to the socket on the thread that starts it: a room of many viewers spreads
        // them over the send threads, and the tick waits for all of them so frames stay in order.
        int size = (all.size() + shards - 1) / shards;
        List<CompletableFuture<Void>> others = new ArrayList<>(shards - 1);
        for (int from = size; from < all.size(); from += size) {
            List<Viewer> shard = all.subList(from, Math.min(all.size(), from + size));
            others.add(CompletableFuture.runAsync(() -> sweep(shard, batch, state, now), sendThreads.executor()));
        }
        sweep(all.subList(0, size), batch, state, now);
        for (CompletableFuture<Void> other : others) {
            other.join();
        }
    }

    /** Offers the tick's frames to some of the room's viewers and closes those that failed or stalled. */
    private void sweep(Collection<Viewer> shard, Batch batch, StateFrame state, long now) {
        for (Viewer viewer : shard) {
            if (viewer.takeFresh()) {
                viewer.offer(state.get());
            }
            if (batch != null) {
                viewer.offer(batch);
            }
            if (viewer.failed()) {
                remove(viewer, ViewerChannel.CLOSE_SEND_FAILED, "send failed");
            } else if (viewer.stalled(now, settings.stalledMillis())) {
                LOG.info("ROOM {}: viewer {} too slow, closed with {} after {} dropped danmaku", key, viewer.id(),
                        SocketCloseCodes.TOO_SLOW, viewer.dropped());
                remove(viewer, SocketCloseCodes.TOO_SLOW, "too slow");
            }
        }
    }

    /**
     * The room's state for viewers who joined since the last tick, serialised once, on the first
     * such viewer's thread. It reads fields of the tick thread, written before the sweep started.
     */
    private final class StateFrame {
        private final int online;
        private Batch batch;

        StateFrame(int online) {
            this.online = online;
        }

        synchronized Batch get() {
            if (batch == null) {
                batch = Batch.shared(state(online), frames);
            }
            return batch;
        }
    }

    private void applySeed() {
        RoomSeed seed = pendingSeed;
        if (seed == null || seeded) {
            return;
        }
        seeded = true;
        pendingSeed = null;
        if (pin == null && seed.pin() != null) {
            pin = seed.pin();
        }
        likesTotal = Math.max(likesTotal, seed.likes());
    }

    /** What was published, in order, then one {@code likes} item for every like since the last tick. */
    private List<FanoutItem> drain() {
        List<FanoutItem> items = new ArrayList<>();
        FanoutItem.RoomEvent event;
        while (items.size() < MAX_ITEMS_PER_FRAME && (event = incoming.poll()) != null) {
            items.add(event);
            if (event instanceof FanoutItem.Pin newPin) {
                pin = newPin.text() == null ? null : newPin;
            }
        }
        long likes = pendingLikes.getAndSet(0);
        if (likes != 0) {
            likesTotal += likes;
            items.add(new FanoutItem.Likes(likesTotal, likes));
        }
        return items;
    }

    /** The room as a viewer who just joined needs to see it. */
    private List<FanoutItem> state(int online) {
        List<FanoutItem> state = new ArrayList<>(3);
        state.add(new FanoutItem.Online(online));
        if (likesTotal != 0) {
            state.add(new FanoutItem.Likes(likesTotal, 0));
        }
        if (pin != null) {
            state.add(pin);
        }
        return state;
    }

    /** Closes every viewer, e.g. when the engine stops. */
    void closeAll(int code, String reason) {
        for (Viewer viewer : viewers.values()) {
            remove(viewer, code, reason);
        }
    }

    private void remove(Viewer viewer, int code, String reason) {
        viewers.remove(viewer.id(), viewer);
        viewer.discard();
        try {
            viewer.channel().close(code, reason);
        } catch (RuntimeException e) {
            LOG.warn("ROOM {}: closing viewer {} failed", key, viewer.id(), e);
        }
    }
}
