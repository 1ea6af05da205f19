package io.edamame.danmaku.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.store.DanmakuStore.Retraction;
import io.edamame.danmaku.impl.store.DanmakuStore.RoomKeyed;
import io.edamame.danmaku.impl.store.DanmakuStore.StoredDanmaku;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batching, ordering and the bounds of the history writer, over a store that records its batches. */
class HistoryWriterTest {

    /** A store that records each batch and fails while {@code down}. */
    static final class RecordingStore extends DanmakuStore {
        record Written(List<Long> danmaku, List<Long> retracted, Map<RoomKeyed, Long> likes) {
        }

        final List<Written> batches = new ArrayList<>();
        boolean down;

        RecordingStore() {
            super(memoryDatabase());
        }

        private static javax.sql.DataSource memoryDatabase() {
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL("jdbc:h2:mem:history-writer-test");
            return h2;
        }

        @Override
        public void write(Collection<StoredDanmaku> danmaku, Collection<Retraction> retractions,
                Map<RoomKeyed, Long> likes) {
            if (down) {
                throw new StoreException("write", new SQLException("database down"));
            }
            batches.add(new Written(danmaku.stream().map(d -> d.danmaku().id()).toList(),
                    retractions.stream().map(Retraction::id).toList(), Map.copyOf(likes)));
        }
    }

    private final RecordingStore store = new RecordingStore();

    private static FanoutItem.Danmaku danmaku(long id) {
        return new FanoutItem.Danmaku(id, new FanoutItem.Sender(1, "a"), "t" + id, null, DanmakuMode.SCROLL, 0, id);
    }

    @Test
    void oneFlushWritesEverythingAddedInOneBatchWithLikesSummedPerRoom() {
        HistoryWriter writer = new HistoryWriter(store, 1000);
        writer.accepted(1, 10, danmaku(1));
        writer.accepted(1, 10, danmaku(2));
        writer.retracted(1, 10, 1);
        writer.liked(1, 10, 3);
        writer.liked(1, 10, 4);
        writer.liked(1, 11, 1);
        writer.flush();
        writer.flush();

        assertEquals(List.of(new RecordingStore.Written(List.of(1L, 2L), List.of(1L),
                Map.of(new RoomKeyed(1, 10), 7L, new RoomKeyed(1, 11), 1L))), store.batches, "one batch; an empty flush writes nothing");
    }

    @Test
    void aFailedBatchIsKeptAndWrittenFirstWhenTheDatabaseIsBack() {
        HistoryWriter writer = new HistoryWriter(store, 1000);
        writer.accepted(1, 10, danmaku(1));
        store.down = true;
        assertThrows(StoreException.class, writer::flush);
        writer.accepted(1, 10, danmaku(2));
        store.down = false;
        writer.flush();

        assertEquals(List.of(1L, 2L), store.batches.get(0).danmaku());
    }

    @Test
    void pastTheBoundTheOldestAreDroppedAndCounted() {
        HistoryWriter writer = new HistoryWriter(store, 1000);
        for (long id = 1; id <= 1005; id++) {
            writer.accepted(1, 10, danmaku(id));
        }
        writer.flush();

        assertEquals(5, writer.dropped());
        assertEquals(1000, store.batches.get(0).danmaku().size());
        assertEquals(6L, store.batches.get(0).danmaku().get(0), "the oldest went");
    }
}
