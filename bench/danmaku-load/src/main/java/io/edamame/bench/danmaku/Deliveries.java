package io.edamame.bench.danmaku;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Records what viewers receive. Latency is from the message's intended send time to the moment the
 * frame holding it was read, in microseconds, into one histogram per window and per I/O thread (no
 * shared writes on a path taken a million times a second); they are merged once the I/O threads stop.
 */
final class Deliveries {

    static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(300);

    private final Plan plan;
    private final int[] firstMessages;
    private final int messages;
    private final Queue<Histogram[]> allHistograms = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Histogram[]> histograms = ThreadLocal.withInitial(this::newHistograms);
    /** Distinct deliveries so far, read at window boundaries for deliveries per second. */
    final LongAdder received = new LongAdder();
    final LongAdder frames = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    /** Items with this run's tag but a number outside the schedule. */
    final LongAdder unknown = new LongAdder();
    private volatile long t0Nanos = Long.MIN_VALUE;

    Deliveries(Plan plan) {
        this.plan = plan;
        this.firstMessages = plan.firstMessages();
        this.messages = plan.messages();
    }

    void start(long t0Nanos) {
        this.t0Nanos = t0Nanos;
    }

    private Histogram[] newHistograms() {
        Histogram[] perWindow = new Histogram[plan.windows()];
        for (int w = 0; w < perWindow.length; w++) {
            perWindow[w] = new Histogram(HIGHEST_MICROS, 3);
        }
        allHistograms.add(perWindow);
        return perWindow;
    }

    /** A frame that {@code link} read at {@code nowNanos}, holding messages {@code ks[0..n)}. */
    void frame(Link link, int[] ks, int n, long nowNanos) {
        link.frames++;
        frames.increment();
        if (n == 0) {
            return;
        }
        long t0 = t0Nanos;
        Histogram[] perWindow = histograms.get();
        int fresh = 0;
        for (int i = 0; i < n; i++) {
            int k = ks[i];
            if (k >= messages || t0 == Long.MIN_VALUE) {
                unknown.increment();
                continue;
            }
            if (!link.markSeen(k)) {
                duplicates.increment();
                continue;
            }
            fresh++;
            long micros = (nowNanos - t0 - plan.intendedNanos(k)) / 1000;
            perWindow[windowOf(k)].recordValue(Math.max(0, Math.min(micros, HIGHEST_MICROS)));
        }
        link.delivered += fresh;
        received.add(fresh);
    }

    int windowOf(int k) {
        int w = firstMessages.length - 2;
        while (w > 0 && k < firstMessages[w]) {
            w--;
        }
        return w;
    }

    /** Latencies of window {@code w}'s messages; call only once the I/O threads have stopped. */
    Histogram latencies(int w) {
        Histogram merged = new Histogram(HIGHEST_MICROS, 3);
        for (Histogram[] perWindow : allHistograms) {
            merged.add(perWindow[w]);
        }
        return merged;
    }
}
