package io.edamame.danmaku.impl.fanout;

import static io.edamame.danmaku.impl.fanout.RoomFanoutsTest.danmaku;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    private final Frames frames = new Frames(FakeChannel.JSON);

    private Batch batch(FanoutItem... items) {
        return Batch.shared(List.of(items), frames);
    }

    @Test
    void aSharedBatchIsSerialisedOnce() {
        Batch batch = batch(danmaku(1));

        assertSame(batch.frame(frames), batch.frame(frames));
    }

    @Test
    void coalescingDropsTheOlderDanmakuAndWhatTheNewerBatchSupersedes() {
        Batch older = batch(danmaku(1), new FanoutItem.Retract(9), new FanoutItem.Likes(3, 3),
                new FanoutItem.Online(2), new FanoutItem.Pin("a", 1), new FanoutItem.Notice("n"), danmaku(2));
        Batch newer = batch(danmaku(3), new FanoutItem.Likes(5, 2), new FanoutItem.Pin("b", 2));

        Batch merged = Batch.coalesce(older, newer);

        assertEquals(List.of(new FanoutItem.Retract(9), new FanoutItem.Online(2), new FanoutItem.Notice("n"),
                danmaku(3), new FanoutItem.Likes(5, 5), new FanoutItem.Pin("b", 2)), merged.items());
        assertEquals(2, older.danmakuCount());
    }

    @Test
    void coalescingKeepsTheOlderCountersWhenTheNewerBatchHasNone() {
        Batch older = batch(new FanoutItem.Likes(3, 3), new FanoutItem.Online(2), new FanoutItem.Pin(null, 1));
        Batch newer = batch(danmaku(3));

        assertEquals(List.of(new FanoutItem.Likes(3, 3), new FanoutItem.Online(2), new FanoutItem.Pin(null, 1),
                danmaku(3)), Batch.coalesce(older, newer).items());
    }

    @Test
    void aCoalescedBatchIsSerialisedWhenSent() {
        Batch merged = Batch.coalesce(batch(danmaku(1)), batch(new FanoutItem.Notice("n")));

        assertEquals(frames.batch(List.of(new FanoutItem.Notice("n"))), merged.frame(frames));
    }
}
