package io.edamame.danmaku.impl.filter;

import static io.edamame.danmaku.impl.filter.Drafts.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiringTableTest {

    private record Entry(Instant expiresAt, int count) implements ExpiringTable.Expiring {
    }

    private final ExpiringTable<String, Entry> table = new ExpiringTable<>("test", 10, Duration.ofSeconds(30));

    private Entry increment(String key, Instant now) {
        return table.update(key, now, current -> new Entry(now.plusSeconds(5),
                current == null ? 1 : current.count() + 1));
    }

    @Test
    void updatesALiveEntry() {
        increment("a", T0);

        assertEquals(2, increment("a", T0.plusSeconds(4)).count());
    }

    @Test
    void anExpiredEntryReadsAsAbsentEvenBeforeItIsSwept() {
        increment("a", T0);
        List<Entry> seen = new ArrayList<>();

        table.update("a", T0.plusSeconds(5), current -> {
            seen.add(current);
            return current;
        });

        assertEquals(1, seen.size());
        assertNull(seen.get(0));
    }

    @Test
    void sweepsExpiredEntriesOncePerInterval() {
        increment("a", T0);
        increment("b", T0);

        increment("c", T0.plusSeconds(20));
        assertEquals(3, table.size(), "no sweep before the interval");

        increment("c", T0.plusSeconds(31));
        assertEquals(1, table.size());
    }

    @Test
    void anUpdateReturningNullRemovesTheEntry() {
        increment("a", T0);

        table.update("a", T0, current -> null);

        assertEquals(0, table.size());
    }

    @Test
    void refusesANonPositiveCap() {
        assertThrows(IllegalArgumentException.class, () -> new ExpiringTable<>("bad", 0, Duration.ofSeconds(1)));
    }
}
