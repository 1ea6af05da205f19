package io.edamame.bench.media;

/**
 * The open-loop schedule: viewer {@code i} is due to connect at {@code t0 + i / rate} seconds, whether or
 * not the viewers before it have been answered, and its latencies that include waiting are measured from
 * that intended time. A tool or server that falls behind thus shows up as latency, instead of slowing
 * the load down and hiding it (coordinated omission).
 */
record Schedule(int viewers, double rate) {

    Schedule {
        if (viewers < 0 || !(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("viewers 0 or more, rate positive: " + viewers + ", " + rate);
        }
    }

    /** Nanoseconds after t0 at which viewer {@code i} is due. */
    long offsetNanos(int i) {
        if (i < 0 || i >= viewers) {
            throw new IndexOutOfBoundsException(i + " of " + viewers);
        }
        return Math.round(i * 1e9 / rate);
    }

    /** When the last viewer is due, in nanoseconds after t0: the schedule's length. */
    long lastOffsetNanos() {
        return viewers == 0 ? 0 : offsetNanos(viewers - 1);
    }

    /**
     * The viewers due by {@code elapsedNanos} after t0: those with {@code offsetNanos(i) <= elapsedNanos}.
     * The sender starts all of them at once when it wakes late, so a late wake-up never drops one.
     */
    int dueBy(long elapsedNanos) {
        if (elapsedNanos < 0) {
            return 0;
        }
        long due = Math.min(viewers, (long) Math.floor(elapsedNanos * rate / 1e9) + 1);
        // Rounding at the boundary: step to the exact answer.
        while (due > 0 && offsetNanos((int) due - 1) > elapsedNanos) {
            due--;
        }
        while (due < viewers && offsetNanos((int) due) <= elapsedNanos) {
            due++;
        }
        return (int) due;
    }
}
