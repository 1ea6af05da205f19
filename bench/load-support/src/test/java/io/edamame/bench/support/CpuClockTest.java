package io.edamame.bench.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuClockTest {

    @Test
    void readsUserPlusSystemTicksEvenWithParenthesesInTheCommand() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 57 0 100 0 0";
        assertEquals(1750, CpuClock.parseProcessTicks(stat));
    }

    @Test
    void machineBusyLeavesOutIdleAndIowait() {
        String stat = "cpu  100 5 50 9000 300 7 8 9 0 0\ncpu0 50 2 25 4500 150 3 4 4 0 0\n";
        assertEquals(100 + 5 + 50 + 7 + 8 + 9, CpuClock.parseMachineBusyTicks(stat));
    }

    @Test
    void thisProcessHasSpentSomeCpu() {
        CpuClock clock = new CpuClock(100);
        long busy = 0;
        for (int i = 0; i < 50_000_000; i++) {
            busy += i % 7;
        }
        assertTrue(busy > 0 && clock.processTicks("self") > 0);
        assertEquals(-1, clock.processTicks("999999999"));
        assertTrue(clock.machineBusyTicks() > 0);
    }
}
