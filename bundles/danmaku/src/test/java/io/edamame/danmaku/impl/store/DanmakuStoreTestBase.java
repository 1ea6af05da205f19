package io.edamame.danmaku.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.store.DanmakuStore.Retraction;
import io.edamame.danmaku.impl.store.DanmakuStore.RoomKeyed;
import io.edamame.danmaku.impl.store.DanmakuStore.RoomRecord;
import io.edamame.danmaku.impl.store.DanmakuStore.Sanction;
import io.edamame.danmaku.impl.store.DanmakuStore.SanctionKind;
import io.edamame.danmaku.impl.store.DanmakuStore.StoredDanmaku;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The danmaku tables on a real database: each kind of database runs every test. */
abstract class DanmakuStoreTestBase extends DatabaseTest {

    /** Tests share the database of their class; each uses rooms of its own. */
    private static final AtomicLong ROOMS = new AtomicLong(100);

    DanmakuStore store;

    DanmakuStoreTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeAll
    void migrate() {
        if (core != null) {
            CoreServices.migrate(core.dataSource, DanmakuStore.CHANGELOG, DanmakuStore.class.getClassLoader());
            store = new DanmakuStore(core.dataSource);
        }
    }

    static long newRoom() {
        return ROOMS.incrementAndGet();
    }

    static StoredDanmaku danmaku(long tenant, long room, long id, long offsetMs) {
        return new StoredDanmaku(tenant, room, new FanoutItem.Danmaku(id, new FanoutItem.Sender(7, "Lin"),
                "text " + id, "#ffffff", DanmakuMode.TOP, 1_700_000_000_000L + offsetMs, offsetMs));
    }

    @Test
    void idBlocksNeverOverlap() {
        long first = store.nextIdBlock();
        long second = store.nextIdBlock();
        assertTrue(second >= first + DanmakuStore.ID_BLOCK, first + " then " + second);
        assertEquals(0, first % DanmakuStore.ID_BLOCK);
    }

    @Test
    void historyIsTheWindowOfTheRoomInOrderWithoutRetracted() {
        long room = newRoom();
        long other = newRoom();
        store.write(List.of(danmaku(1, room, 3, 300), danmaku(1, room, 1, 100), danmaku(1, room, 2, 200),
                danmaku(1, other, 4, 150), danmaku(2, room, 5, 150)), List.of(), Map.of());

        List<StoredDanmaku> window = store.history(1, room, 100, 300, 10);
        assertEquals(List.of(1L, 2L), window.stream().map(d -> d.danmaku().id()).toList(), "from inclusive, to exclusive");
        assertEquals(danmaku(1, room, 1, 100), window.get(0), "every field as written");

        store.write(List.of(), List.of(new Retraction(1, room, 2)), Map.of());
        assertEquals(List.of(1L, 3L), store.history(1, room, 0, Long.MAX_VALUE, 10).stream()
                .map(d -> d.danmaku().id()).toList());
        assertEquals(1, store.history(1, room, 0, Long.MAX_VALUE, 1).size(), "limit");
        assertTrue(store.exists(1, room, 2), "a retracted danmaku still exists");
        assertFalse(store.exists(2, other, 4), "not in another tenant");
    }

    @Test
    void aRetractionMayNameADanmakuOfItsOwnBatch() {
        long room = newRoom();
        store.write(List.of(danmaku(1, room, 10, 10)), List.of(new Retraction(1, room, 10)), Map.of());
        assertEquals(List.of(), store.history(1, room, 0, Long.MAX_VALUE, 10));
    }

    @Test
    void likesAddUpAcrossWrites() {
        long room = newRoom();
        store.write(List.of(), List.of(), Map.of(new RoomKeyed(1, room), 5L));
        store.write(List.of(), List.of(), Map.of(new RoomKeyed(1, room), 7L));
        assertEquals(12, store.room(1, room).likes());
        assertEquals(0, store.room(2, room).likes(), "per tenant");
    }

    @Test
    void moderationStateIsStoredPerRoom() {
        long room = newRoom();
        assertEquals(RoomRecord.EMPTY, store.room(1, room));

        store.setPin(1, room, "welcome", 1000);
        store.setSlowMode(1, room, 30);
        store.putSanction(1, room, new Sanction(7, SanctionKind.MUTE, 5000L, 1, 1000));
        store.putSanction(1, room, new Sanction(7, SanctionKind.MUTE, 9000L, 1, 2000));
        store.putSanction(1, room, new Sanction(8, SanctionKind.BAN, null, 1, 3000));

        RoomRecord record = store.room(1, room);
        assertEquals("welcome", record.pinText());
        assertEquals(1000L, record.pinAtMs());
        assertEquals(30, record.slowModeSeconds());
        assertEquals(List.of(new Sanction(7, SanctionKind.MUTE, 9000L, 1, 2000),
                new Sanction(8, SanctionKind.BAN, null, 1, 3000)), record.sanctions(), "a new mute replaces the old");
        assertTrue(record.sanctions().get(1).activeAt(Long.MAX_VALUE - 1), "a ban without end");
        assertFalse(record.sanctions().get(0).activeAt(9000));

        store.setPin(1, room, null, 4000);
        assertTrue(store.removeSanction(1, room, 8, SanctionKind.BAN));
        assertFalse(store.removeSanction(1, room, 8, SanctionKind.BAN));
        assertFalse(store.removeSanction(1, room, 7, SanctionKind.BAN), "kinds are separate");
        record = store.room(1, room);
        assertNull(record.pinText());
        assertEquals(1, record.sanctions().size());
    }

    @Test
    void wordListsAreReplacedWholeAndVersioned() {
        long tenant = newRoom();
        assertEquals(0, store.wordsVersion(tenant));
        long first = store.replaceWords(tenant, List.of("zeta", "alpha"));
        assertEquals(List.of("alpha", "zeta"), store.words(tenant));
        long second = store.replaceWords(tenant, List.of("beta"));
        assertNotEquals(first, second);
        assertEquals(second, store.wordsVersion(tenant));
        assertEquals(List.of("beta"), store.words(tenant));
        assertEquals(List.of(), store.words(tenant + 1000), "per tenant");
    }
}
