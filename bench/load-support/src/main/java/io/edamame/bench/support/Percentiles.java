package io.edamame.bench.support;

import java.util.Arrays;
import java.util.Locale;

/**
 * Exact percentiles of a few thousand latencies (one per viewer, login...), by the nearest-rank method: the p-th
 * percentile is the smallest value that at least p% of the values are at or below. No histogram
 * buckets, so a p99 of 1,000 values is the 990th, not an interpolation.
 */
public record Percentiles(int count, long p50, long p90, long p99, long max) {

    public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);

    /** Of {@code values[0..count)}, in nanoseconds; the array is sorted in place. */
    public static Percentiles of(long[] values, int count) {
        if (count == 0) {
            return NONE;
        }
        Arrays.sort(values, 0, count);
        return new Percentiles(count, rank(values, count, 50), rank(values, count, 90), rank(values, count, 99),
                values[count - 1]);
    }

    /** The nearest-rank percentile of sorted {@code values[0..count)}: the value at rank ceil(p/100 × count). */
    public static long rank(long[] sorted, int count, double p) {
        if (count == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile is in (0, 100]: " + p);
        }
        // The 1e-9 keeps 99% of 1,000 at rank 990 despite binary fractions (0.99 * 1000 = 989.9999...).
        int rank = (int) Math.ceil(p / 100 * count - 1e-9);
        return sorted[Math.max(1, Math.min(count, rank)) - 1];
    }

    public static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** {@code p50 1.23 ms, p90 ..., p99 ..., max ... (n)}. */
    public String describe() {
        if (count == 0) {
            return "none";
        }
        return String.format(Locale.ROOT, "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%d)", ms(p50), ms(p90),
                ms(p99), ms(max), count);
    }

    /** {@code name_p50_ms=1.234 name_p90_ms=...} for RESULT lines. */
    public String fields(String name) {
        return String.format(Locale.ROOT, "%1$s_p50_ms=%2$.3f %1$s_p90_ms=%3$.3f %1$s_p99_ms=%4$.3f %1$s_max_ms=%5$.3f",
                name, ms(p50), ms(p90), ms(p99), ms(max));
    }
}
