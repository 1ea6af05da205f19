package io.edamame.danmaku.impl.fanout;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's side of one {@link ViewerChannel}: at most one write in flight, and a bounded queue of
 * batches waiting behind it.
 *
 * <p>Threads: the tick thread offers batches and checks for stalls; write completions arrive on the
 * transport's I/O threads; a leave comes from a connection thread. The queue and the sending state
 * are guarded by this object's lock, which is held only to move batches, never while calling the
 * channel, so a transport that completes inside {@code send} or blocks in it cannot deadlock the
 * engine or hold up the tick. The stall bookkeeping ({@code fresh}, {@code progressAt},
 * {@code completedAtCheck}) is touched by the tick thread only.
 */
final class Viewer {

    private final ViewerChannel channel;
    private final Frames frames;
    private final int maxQueued;
    private final LongAdder droppedTotal;

    /** Guarded by {@code this}. */
    private final ArrayDeque<Batch> queued = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;
    private boolean failed;
    private long completedSends;
    private long dropped;

    /** Tick thread only: whether it has yet to be sent the room's state (online, likes, pin). */
    private boolean fresh = true;
    private long completedAtCheck = -1;
    private long progressAt;

    /**
     * @param maxQueued batches that may wait behind the one in flight
     * @param droppedTotal the engine's count of dropped danmaku, which this viewer adds to
     */
    Viewer(ViewerChannel channel, Frames frames, int maxQueued, LongAdder droppedTotal) {
        this.channel = channel;
        this.frames = frames;
        this.maxQueued = maxQueued;
        this.droppedTotal = droppedTotal;
    }

    ViewerChannel channel() {
        return channel;
    }

    String id() {
        return channel.id();
    }

    /** Tick thread: true once, for the first tick that sees this viewer. */
    boolean takeFresh() {
        boolean wasFresh = fresh;
        fresh = false;
        return wasFresh;
    }

    /**
     * Sends {@code batch} now if nothing is in flight, else queues it. A full queue makes room by
     * folding its oldest batch into the next one without its danmaku ({@link Batch#coalesce}).
     */
    void offer(Batch batch) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (sending) {
                queued.addLast(batch);
                while (queued.size() > maxQueued) {
                    Batch oldest = queued.pollFirst();
                    Batch next = queued.pollFirst();
                    int lost = oldest.danmakuCount();
                    dropped += lost;
                    droppedTotal.add(lost);
                    queued.addFirst(Batch.coalesce(oldest, next));
                }
                return;
            }
            sending = true;
        }
        send(batch);
    }

    private void send(Batch batch) {
        try {
            channel.send(batch.frame(frames), this::completed);
        } catch (RuntimeException e) {
            completed(e);
        }
    }

    /**
     * A write ended: send what waited behind it, as its own frame. Queued batches are not merged into
     * one frame: shared ones are already serialised, and sending that same string again costs less
     * than serialising a private merge for each viewer that is behind.
     */
    private void completed(Throwable failure) {
        Batch next;
        synchronized (this) {
            if (failure != null) {
                failed = true;
                discard();
                return;
            }
            completedSends++;
            next = closed ? null : queued.pollFirst();
            if (next == null) {
                sending = false;
                return;
            }
        }
        send(next);
    }

    /** Stops sending: what is queued is forgotten and a write still in flight sends nothing after it. */
    synchronized void discard() {
        closed = true;
        queued.clear();
    }

    synchronized boolean failed() {
        return failed;
    }

    /**
     * Tick thread: whether the viewer has been writing without completing anything for at least
     * {@code stalledMillis}. Progress is sampled at each tick, so the stall is measured from the last
     * tick that saw the viewer idle or progressing: at most one tick before its write began.
     */
    boolean stalled(long now, long stalledMillis) {
        long completed;
        boolean busy;
        synchronized (this) {
            completed = completedSends;
            busy = sending;
        }
        if (!busy || completed != completedAtCheck) {
            completedAtCheck = completed;
            progressAt = now;
            return false;
        }
        return now - progressAt >= stalledMillis;
    }

    /** Danmaku this viewer was never sent because it read too slowly. */
    synchronized long dropped() {
        return dropped;
    }

    /** Batches waiting behind the write in flight. */
    synchronized int queuedCount() {
        return queued.size();
    }
}
