package io.edamame.bench.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void viewersAreDueAtFixedIntervals() {
        Schedule s = new Schedule(1000, 500);
        assertEquals(0, s.offsetNanos(0));
        assertEquals(2_000_000, s.offsetNanos(1));
        assertEquals(1_998_000_000L, s.offsetNanos(999));
        assertEquals(1_998_000_000L, s.lastOffsetNanos());
    }

    @Test
    void dueByCountsEveryViewerWhoseTimeHasComeEvenAfterALateWakeUp() {
        Schedule s = new Schedule(1000, 500);
        assertEquals(0, s.dueBy(-1));
        assertEquals(1, s.dueBy(0));
        assertEquals(1, s.dueBy(1_999_999));
        assertEquals(2, s.dueBy(2_000_000));
        // Woke up 50 ms late: 25 more are due at once, none skipped.
        assertEquals(26, s.dueBy(50_000_000));
        assertEquals(1000, s.dueBy(1_998_000_000L));
        assertEquals(1000, s.dueBy(Long.MAX_VALUE / 2));
        for (int i = 0; i < 1000; i++) {
            assertEquals(i + 1, s.dueBy(s.offsetNanos(i)), "viewer " + i + " is due at its own time");
            if (i > 0) {
                assertEquals(i, s.dueBy(s.offsetNanos(i) - 1), "viewer " + i + " is not due a nanosecond before");
            }
        }
    }

    @Test
    void fractionalRatesRound() {
        Schedule s = new Schedule(4, 3);
        assertEquals(333_333_333, s.offsetNanos(1));
        assertEquals(666_666_667, s.offsetNanos(2));
        assertEquals(2, s.dueBy(666_666_666));
        assertEquals(3, s.dueBy(666_666_667));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Schedule(10, 0));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(10, Double.POSITIVE_INFINITY));
        assertThrows(IndexOutOfBoundsException.class, () -> new Schedule(10, 1).offsetNanos(10));
        assertEquals(0, new Schedule(0, 1).dueBy(1_000_000_000L));
    }
}
