package io.edamame.bench.support;

/**
 * The open-loop schedule: event {@code i} (a event, a login...) is due to connect at {@code t0 + i / rate} seconds, whether or
 * not the count before it have been answered, and its latencies that include waiting are measured from
 * that intended time. A tool or server that falls behind thus shows up as latency, instead of slowing
 * the load down and hiding it (coordinated omission).
 */
public record Schedule(int count, double rate) {

    public Schedule {
        if (count < 0 || !(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("count 0 or more, rate positive: " + count + ", " + rate);
        }
    }

    /** Nanoseconds after t0 at which event {@code i} (a event, a login...) is due. */
    public long offsetNanos(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i + " of " + count);
        }
        return Math.round(i * 1e9 / rate);
    }

    /** When the last event is due, in nanoseconds after t0: the schedule's length. */
    public long lastOffsetNanos() {
        return count == 0 ? 0 : offsetNanos(count - 1);
    }

    /**
     * The count due by {@code elapsedNanos} after t0: those with {@code offsetNanos(i) <= elapsedNanos}.
     * The sender starts all of them at once when it wakes late, so a late wake-up never drops one.
     */
    public int dueBy(long elapsedNanos) {
        if (elapsedNanos < 0) {
            return 0;
        }
        long due = Math.min(count, (long) Math.floor(elapsedNanos * rate / 1e9) + 1);
        // Rounding at the boundary: step to the exact answer.
        while (due > 0 && offsetNanos((int) due - 1) > elapsedNanos) {
            due--;
        }
        while (due < count && offsetNanos((int) due) <= elapsedNanos) {
            due++;
        }
        return (int) due;
    }
}
