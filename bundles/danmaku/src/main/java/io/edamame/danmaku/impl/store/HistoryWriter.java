package io.edamame.danmaku.impl.store;

import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.store.DanmakuStore.Retraction;
import io.edamame.danmaku.impl.store.DanmakuStore.RoomKeyed;
import io.edamame.danmaku.impl.store.DanmakuStore.StoredDanmaku;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists accepted danmaku, retractions and likes in batches, off the fan-out path: callers append
 * to a lock-free queue and return; one thread writes what has gathered every {@code flush.millis} in
 * one transaction.
 *
 * <p>Durability bound: a node that crashes loses what it accepted since its last successful flush,
 * that is at most {@code flush.millis} of danmaku (500 ms by default) while the database is up. While
 * the database is down, batches are kept and retried, up to {@code max.pending} items; beyond that the
 * oldest are dropped and counted, so an outage cannot exhaust the heap. A normal stop (bundle upgrade,
 * shutdown) flushes everything first.
 */
@Component(service = HistoryWriter.class, configurationPid = HistoryWriter.PID)
@Designate(ocd = HistoryWriter.Config.class)
public class HistoryWriter {

    public static final String PID = "io.edamame.danmaku.history";

    @ObjectClassDefinition(name = "Edamame danmaku history",
            description = "How accepted danmaku are written to the database.")
    public @interface Config {
        @AttributeDefinition(name = "Flush every (ms)", min = "10",
                description = "A crash loses at most this much history.")
        long flush_millis() default 500;

        @AttributeDefinition(name = "Most pending items", min = "1000",
                description = "Items kept for retry while the database is down; the oldest beyond are dropped.")
        int max_pending() default 200_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);

    /** What waits to be written, in the order it happened. */
    private sealed interface Pending permits Accepted, Retracted, Liked {
    }

    private record Accepted(StoredDanmaku row) implements Pending {
    }

    private record Retracted(Retraction retraction) implements Pending {
    }

    private record Liked(RoomKeyed room, long count) implements Pending {
    }

    private final DanmakuStore store;
    private final int maxPending;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    /** Taken from the queue but not yet written: retried first. Flush lock only. */
    private List<Pending> unwritten = new ArrayList<>();
    private final ScheduledExecutorService flusher;

    @Activate
    public HistoryWriter(@Reference DanmakuStore store, Config config) {
        this(store, config.max_pending());
        flusher.scheduleWithFixedDelay(this::flushQuietly, config.flush_millis(), config.flush_millis(),
                TimeUnit.MILLISECONDS);
    }

    HistoryWriter(DanmakuStore store, int maxPending) {
        this.store = store;
        this.maxPending = maxPending;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "edamame-danmaku-history"));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        flusher.shutdown();
        flusher.awaitTermination(5, TimeUnit.SECONDS);
        try {
            flush();
        } catch (StoreException e) {
            LOG.error("DANMAKU history: {} items could not be written at stop", unwritten.size() + queued.get(), e);
        }
    }

    public void accepted(long tenantId, long roomId, FanoutItem.Danmaku danmaku) {
        add(new Accepted(new StoredDanmaku(tenantId, roomId, danmaku)));
    }

    public void retracted(long tenantId, long roomId, long id) {
        add(new Retracted(new Retraction(tenantId, roomId, id)));
    }

    /** Likes given on this node (each node writes only its own, so the stored total is their sum). */
    public void liked(long tenantId, long roomId, long count) {
        add(new Liked(new RoomKeyed(tenantId, roomId), count));
    }

    /** Items dropped because the database was down for too long, since start. */
    public long dropped() {
        return dropped.sum();
    }

    private void add(Pending item) {
        queue.add(item);
        if (queued.incrementAndGet() > maxPending) {
            // Drop the oldest, not the newest: a replay most likely wants the end of a live.
            if (queue.poll() != null) {
                queued.decrementAndGet();
                dropped.increment();
            }
        }
    }

    /**
     * Writes everything added before this call, in one transaction. Called by the flush thread, and
     * by moderation before it looks up a danmaku that may still be queued.
     *
     * @throws StoreException if the database failed; the items are kept for the next flush
     */
    public synchronized void flush() {
        Pending item;
        while ((item = queue.poll()) != null) {
            queued.decrementAndGet();
            unwritten.add(item);
        }
        if (unwritten.isEmpty()) {
            return;
        }
        List<StoredDanmaku> rows = new ArrayList<>();
        List<Retraction> retractions = new ArrayList<>();
        Map<RoomKeyed, Long> likes = new HashMap<>();
        for (Pending pending : unwritten) {
            if (pending instanceof Accepted a) {
                rows.add(a.row());
            } else if (pending instanceof Retracted r) {
                retractions.add(r.retraction());
            } else if (pending instanceof Liked l) {
                likes.merge(l.room(), l.count(), Long::sum);
            }
        }
        store.write(rows, retractions, likes);
        unwritten = new ArrayList<>();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // Kept in `unwritten` and retried at the next flush; bound it like the queue.
            synchronized (this) {
                int excess = unwritten.size() - maxPending;
                if (excess > 0) {
                    unwritten.subList(0, excess).clear();
                    dropped.add(excess);
                }
            }
            LOG.warn("DANMAKU history: writing {} items failed, will retry: {}", unwritten.size(), e.getMessage());
        }
    }
}
