package io.edamame.danmaku.impl.filter;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-key state of a limit (a user's rate allowance, a recently seen text) with bounded memory.
 * Every entry says when it expires, i.e. when forgetting it changes nothing; expired entries read as
 * absent and are swept away at most every {@code sweepInterval} of the caller's clock, by one caller.
 *
 * <p>Entries are immutable and replaced inside {@link ConcurrentHashMap#compute}, so updates of one
 * key are atomic and a sweep never loses a concurrent update. If more than {@code maxEntries} are
 * still live after a sweep (a flood of distinct keys), arbitrary entries are dropped down to 90% of
 * the cap: memory stays bounded, and the cost is that some users' limits start afresh.
 */
final class ExpiringTable<K, V extends ExpiringTable.Expiring> {

    /** A value that may be forgotten once {@link #expiresAt()} is reached. */
    interface Expiring {
        Instant expiresAt();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ExpiringTable.class);

    private final String name;
    private final int maxEntries;
    private final long sweepIntervalMillis;
    private final Map<K, V> entries = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepMillis = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param name names the table in logs
     * @param maxEntries live entries kept at most (checked at each sweep)
     * @param sweepInterval how often expired entries are removed
     */
    ExpiringTable(String name, int maxEntries, Duration sweepInterval) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.name = name;
        this.maxEntries = maxEntries;
        this.sweepIntervalMillis = sweepInterval.toMillis();
    }

    /**
     * Replaces the entry of {@code key} atomically by {@code update} of it; {@code update} receives
     * null if there is no live entry, must be fast and side-effect free, and may return null to remove it.
     *
     * @return what {@code update} returned
     */
    V update(K key, Instant now, UnaryOperator<V> update) {
        sweepIfDue(now);
        return entries.compute(key, (k, current) -> update.apply(isLive(current, now) ? current : null));
    }

    int size() {
        return entries.size();
    }

    private void sweepIfDue(Instant now) {
        long nowMillis = now.toEpochMilli();
        long due = nextSweepMillis.get();
        boolean overCap = entries.size() > maxEntries;
        if ((nowMillis >= due || overCap) && nextSweepMillis.compareAndSet(due, nowMillis + sweepIntervalMillis)) {
            sweep(now);
        }
    }

    private void sweep(Instant now) {
        for (K key : entries.keySet()) {
            entries.computeIfPresent(key, (k, current) -> isLive(current, now) ? current : null);
        }
        int excess = entries.size() - maxEntries;
        if (excess > 0) {
            int dropped = dropArbitrary(excess + maxEntries / 10);
            LOG.warn("DANMAKU {}: over {} live entries, dropped {}; their limits start afresh", name, maxEntries,
                    dropped);
        }
    }

    private int dropArbitrary(int count) {
        int dropped = 0;
        for (Iterator<K> keys = entries.keySet().iterator(); keys.hasNext() && dropped < count; dropped++) {
            keys.next();
            keys.remove();
        }
        return dropped;
    }

    private static boolean isLive(Expiring entry, Instant now) {
        return entry != null && entry.expiresAt().isAfter(now);
    }
}
