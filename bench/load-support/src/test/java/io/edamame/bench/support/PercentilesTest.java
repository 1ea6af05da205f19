package io.edamame.bench.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfAThousandIsTheValueAtThatRank() {
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            // Shuffled: 1..1000 in a scrambled order, so that sorting is part of what is tested.
            values[i] = (i * 7919L) % 1000 + 1;
        }
        Percentiles p = Percentiles.of(values, 1000);
        assertEquals(500, p.p50());
        assertEquals(900, p.p90());
        assertEquals(990, p.p99(), "the 990th of 1,000, not an interpolation");
        assertEquals(1000, p.max());
        assertEquals(1000, p.count());
    }

    @Test
    void onlyTheFirstCountValuesCount() {
        long[] values = {5, 1, 3, 1_000_000, 1_000_000};
        Percentiles p = Percentiles.of(values, 3);
        assertEquals(3, p.p50());
        assertEquals(5, p.p99());
        assertEquals(5, p.max());
    }

    @Test
    void smallSamplesRoundUp() {
        long[] values = {10, 20};
        assertEquals(10, Percentiles.rank(values, 2, 50));
        assertEquals(20, Percentiles.rank(values, 2, 50.1));
        assertEquals(20, Percentiles.rank(values, 2, 99));
        assertEquals(10, Percentiles.rank(new long[] {10}, 1, 1));
        assertEquals(10, Percentiles.rank(new long[] {10}, 1, 100));
    }

    @Test
    void noValuesIsNone() {
        assertEquals(Percentiles.NONE, Percentiles.of(new long[0], 0));
        assertEquals("none", Percentiles.NONE.describe());
        assertThrows(IllegalArgumentException.class, () -> Percentiles.rank(new long[0], 0, 50));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.rank(new long[] {1}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.rank(new long[] {1}, 1, 101));
    }

    @Test
    void fieldsAreMillisecondsForResultLines() {
        Percentiles p = new Percentiles(3, 1_500_000, 2_000_000, 12_345_678, 20_000_000);
        assertEquals("x_p50_ms=1.500 x_p90_ms=2.000 x_p99_ms=12.346 x_max_ms=20.000", p.fields("x"));
        assertEquals("p50 1.50 ms, p90 2.00 ms, p99 12.35 ms, max 20.00 ms (3)", p.describe());
    }
}
