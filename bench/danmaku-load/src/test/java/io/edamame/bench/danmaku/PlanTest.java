package io.edamame.bench.danmaku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PlanTest {

    @Test
    void windowsSplitTheScheduleByIntendedSendTime() {
        Plan plan = new Plan(100, 30, 30, 3);
        assertEquals(4, plan.windows());
        assertEquals(0, plan.firstMessage(0));
        assertEquals(3000, plan.firstMessage(1));
        assertEquals(6000, plan.firstMessage(2));
        assertEquals(12000, plan.messages());
        assertEquals(2_500_000_000L, plan.intendedNanos(250));
        Deliveries deliveries = new Deliveries(plan);
        assertEquals(0, deliveries.windowOf(2999));
        assertEquals(1, deliveries.windowOf(3000));
        assertEquals(3, deliveries.windowOf(11999));
    }

    @Test
    void fractionalRatesRoundUpToTheFirstMessageDueInTheWindow() {
        Plan plan = new Plan(2.5, 1, 1, 2);
        // Due at 0, 0.4, 0.8 | 1.2, 1.6 | 2.0, 2.4, 2.8
        assertEquals(3, plan.firstMessage(1));
        assertEquals(5, plan.firstMessage(2));
        assertEquals(8, plan.messages());
    }

    @Test
    void withoutWarmUpTheFirstWindowIsEmpty() {
        Plan plan = new Plan(10, 0, 2, 1);
        assertEquals(0, plan.firstMessage(1));
        assertEquals(1, new Deliveries(plan).windowOf(0), "message 0 belongs to run 1, not to the empty warm-up");
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Plan(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Plan(1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Plan(1, 1, 1, 0));
    }
}
