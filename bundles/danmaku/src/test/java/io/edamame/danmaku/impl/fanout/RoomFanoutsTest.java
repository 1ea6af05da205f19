package io.edamame.danmaku.impl.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.danmaku.api.DanmakuMode;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomFanoutsTest {

    static final RoomKey ROOM = new RoomKey(1, 10);
    private static final FanoutSettings SETTINGS = new FanoutSettings(50, 3, 1_000, 5_000);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private RoomFanouts fanouts = new RoomFanouts(SETTINGS, now::get, FakeChannel.JSON);

    static FanoutItem.Danmaku danmaku(long id) {
        return new FanoutItem.Danmaku(id, new FanoutItem.Sender(7, "amy"), "d" + id, null, DanmakuMode.SCROLL,
                1_700_000_000_000L + id, id * 10);
    }

    /** A tick one tick length after the previous one. */
    private void tick() {
        now.addAndGet(SETTINGS.tickMillis());
        fanouts.tick();
    }

    /** Joins a viewer and lets it receive the room's state, then forgets that frame. */
    private FakeChannel joined(FakeChannel channel) {
        fanouts.join(ROOM, channel);
        tick();
        channel.clear();
        return channel;
    }

    /** Danmaku 1 to {@code lastId}, each in its own tick. */
    private void publishOnePerTick(long lastId) {
        for (long id = 1; id <= lastId; id++) {
            publish(id);
            tick();
        }
    }

    private void publish(long... ids) {
        for (long id : ids) {
            fanouts.publish(ROOM, danmaku(id));
        }
    }

    @Test
    void mergesEverythingPublishedInATickIntoOneFrame() {
        FakeChannel viewer = joined(FakeChannel.fast("a"));

        publish(1, 2, 3);
        fanouts.publish(ROOM, new FanoutItem.Retract(2));
        fanouts.publish(ROOM, new FanoutItem.Notice("slow mode is on"));
        fanouts.like(ROOM, 2);
        fanouts.like(ROOM, 3);
        tick();

        assertEquals(1, viewer.frames().size());
        assertEquals("batch", FakeChannel.parse(viewer.frames().get(0)).get("type").asText());
        assertEquals(List.of("danmaku", "danmaku", "danmaku", "retract", "notice", "likes"), viewer.types());
        assertEquals(List.of(1L, 2L, 3L), viewer.danmakuIds());
    }

    @Test
    void sendsOneStringSerialisedOnceToEveryUpToDateViewer() {
        List<FakeChannel> viewers = List.of(joined(FakeChannel.fast("a")), joined(FakeChannel.fast("b")),
                joined(FakeChannel.manual("c")));
        viewers.get(2).complete();

        publish(1);
        tick();

        String frame = viewers.get(0).frames().get(0);
        for (FakeChannel viewer : viewers) {
            assertEquals(1, viewer.frames().size());
            assertSame(frame, viewer.frames().get(0), viewer.id());
        }
    }

    @Test
    void aTickWithNothingToSendSendsNothing() {
        FakeChannel viewer = joined(FakeChannel.fast("a"));

        for (int i = 0; i < 10; i++) {
            tick();
        }

        assertEquals(List.of(), viewer.frames());
    }

    @Test
    void keepsThePublishedOrderWithinAndAcrossTicks() {
        FakeChannel viewer = joined(FakeChannel.fast("a"));

        publish(5, 3, 9);
        tick();
        publish(1, 8);
        tick();

        assertEquals(2, viewer.frames().size());
        assertEquals(List.of(5L, 3L, 9L, 1L, 8L), viewer.danmakuIds());
    }

    @Test
    void aggregatesTheLikesOfATickIntoOneItemWithTheRunningTotal() {
        FakeChannel viewer = joined(FakeChannel.fast("a"));

        for (int i = 0; i < 100; i++) {
            fanouts.like(ROOM, 1);
        }
        tick();
        tick();
        fanouts.like(ROOM, 5);
        tick();

        List<JsonNode> items = viewer.items();
        assertEquals(List.of("likes", "likes"), viewer.types(), "one item per tick with likes, none without");
        assertEquals(100, items.get(0).get("count").asLong());
        assertEquals(100, items.get(0).get("delta").asLong());
        assertEquals(105, items.get(1).get("count").asLong());
        assertEquals(5, items.get(1).get("delta").asLong());
    }

    @Test
    void refusesLikesThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> fanouts.like(ROOM, 0));
        assertThrows(IllegalArgumentException.class, () -> fanouts.like(ROOM, -3));
    }

    @Test
    void pushesTheOnlineCountOnItsPeriodAndOnlyWhenItChanged() {
        long created = now.get();
        FakeChannel first = joined(FakeChannel.fast("a"));
        joined(FakeChannel.fast("b"));
        first.clear();

        while (now.get() + SETTINGS.tickMillis() < created + SETTINGS.onlineEveryMillis()) {
            tick();
        }
        assertEquals(List.of(), first.frames(), "nothing before the period");

        tick();
        assertEquals(List.of("online"), first.types());
        assertEquals(2, first.items().get(0).get("count").asInt());

        first.clear();
        now.addAndGet(SETTINGS.onlineEveryMillis());
        tick();
        assertEquals(List.of(), first.frames(), "unchanged count is not sent again");

        fanouts.leave(ROOM, "b");
        tick();
        assertEquals(List.of(), first.frames(), "a change waits for the period");
        now.addAndGet(SETTINGS.onlineEveryMillis());
        tick();
        assertEquals(List.of("online"), first.types());
        assertEquals(1, first.items().get(0).get("count").asInt());
    }

    @Test
    void aViewerWhoJoinsIsSentTheRoomsStateAtTheNextTick() {
        FakeChannel early = joined(FakeChannel.fast("a"));
        fanouts.like(ROOM, 4);
        fanouts.publish(ROOM, new FanoutItem.Pin("welcome", 1_700_000_000_000L));
        tick();
        early.clear();

        FakeChannel late = FakeChannel.fast("b");
        fanouts.join(ROOM, late);
        tick();

        assertEquals(List.of("online", "likes", "pin"), late.types());
        List<JsonNode> state = late.items();
        assertEquals(2, state.get(0).get("count").asInt());
        assertEquals(4, state.get(1).get("count").asLong());
        assertEquals(0, state.get(1).get("delta").asLong());
        assertEquals("welcome", state.get(2).get("text").asText());
        assertEquals(List.of(), early.frames(), "the state goes to the new viewer only");
    }

    @Test
    void anUnpinnedRoomSendsNoPinToNewViewers() {
        joined(FakeChannel.fast("a"));
        fanouts.publish(ROOM, new FanoutItem.Pin("welcome", 1L));
        fanouts.publish(ROOM, new FanoutItem.Pin(null, 2L));
        tick();

        FakeChannel late = FakeChannel.fast("b");
        fanouts.join(ROOM, late);
        tick();

        assertEquals(List.of("online"), late.types());
    }

    @Test
    void aStalledViewerDoesNotDelayOthersLosesItsOldestDanmakuAndIsClosed() {
        FakeChannel fast = joined(FakeChannel.fast("fast"));
        FakeChannel stalled = joined(FakeChannel.manual("stalled"));

        publishOnePerTick(6);

        assertEquals(6, fast.frames().size(), "one frame per tick, whatever the stalled viewer does");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), fast.danmakuIds());
        assertEquals(3, fanouts.droppedDanmaku(), "three batches over a queue of three");
        assertEquals(3, fanouts.room(ROOM).viewer("stalled").dropped());
        assertNull(stalled.closeCode(), "not yet stalled for a second");

        now.addAndGet(SETTINGS.stalledMillis());
        tick();

        assertEquals(SocketCloseCodes.TOO_SLOW, stalled.closeCode());
        assertEquals(4408, stalled.closeCode());
        assertEquals("too slow", stalled.closeReason());
        assertEquals(1, fanouts.viewerCount(ROOM));
        assertFalse(fanouts.leave(ROOM, "stalled"), "already removed");
    }

    @Test
    void aViewerThatCompletesLateCatchesUpInOrderWithTheSharedFrames() {
        FakeChannel fast = joined(FakeChannel.fast("fast"));
        FakeChannel slow = joined(FakeChannel.manual("slow"));

        publishOnePerTick(3);
        assertEquals(List.of(), slow.frames(), "its state frame is still in flight");

        for (int i = 0; i < 4; i++) {
            slow.complete();
        }

        assertEquals(List.of(1L, 2L, 3L), slow.danmakuIds());
        assertEquals(3, slow.frames().size());
        for (int i = 0; i < 3; i++) {
            assertSame(fast.frames().get(i), slow.frames().get(i), "queued frames are the shared strings");
        }
        assertEquals(0, fanouts.droppedDanmaku());
    }

    @Test
    void aViewerThatKeepsCompletingIsNeverClosedForBeingSlow() {
        FakeChannel slow = FakeChannel.manual("slow");
        fanouts.join(ROOM, slow);
        for (long id = 1; id <= 5; id++) {
            publish(id);
            now.addAndGet(SETTINGS.stalledMillis() - 1);
            fanouts.tick();
            slow.complete();
        }

        assertNull(slow.closeCode());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), slow.danmakuIds(), "each sent as the previous completed");
    }

    @Test
    void droppingKeepsWhatIsNotADanmaku() {
        FakeChannel slow = FakeChannel.manual("slow");
        fanouts.join(ROOM, slow);
        tick();
        fanouts.publish(ROOM, new FanoutItem.Notice("n"));
        fanouts.publish(ROOM, new FanoutItem.Retract(99));
        fanouts.like(ROOM, 2);
        publish(1);
        tick();
        for (long id = 2; id <= 4; id++) {
            fanouts.like(ROOM, 1);
            publish(id);
            tick();
        }
        while (fanouts.room(ROOM).viewer("slow").queuedCount() > 0) {
            slow.complete();
        }
        slow.complete();

        assertEquals(List.of(2L, 3L, 4L), slow.danmakuIds());
        List<JsonNode> likes = slow.items().stream().filter(i -> i.get("type").asText().equals("likes")).toList();
        assertEquals(5, likes.get(likes.size() - 1).get("count").asLong());
        assertEquals(5, likes.stream().mapToLong(i -> i.get("delta").asLong()).sum(), "every like animated once");
        assertTrue(slow.types().containsAll(List.of("notice", "retract")));
    }

    @Test
    void aViewerThatLeavesIsSentNothingMoreAndTheEmptyRoomGoesAway() {
        FakeChannel staying = joined(FakeChannel.fast("a"));
        FakeChannel leaving = joined(FakeChannel.manual("b"));
        leaving.complete();
        publish(1);
        tick();
        publish(2);
        tick();

        assertTrue(fanouts.leave(ROOM, "b"));
        leaving.complete();
        publish(3);
        tick();

        assertEquals(List.of(1L), leaving.danmakuIds(), "the queued frame is dropped, nothing new is sent");
        assertEquals(List.of(1L, 2L, 3L), staying.danmakuIds());
        assertNull(leaving.closeCode(), "the transport closed it; the engine does not close it again");

        fanouts.leave(ROOM, "a");
        assertEquals(1, fanouts.roomCount(), "removed by the next tick");
        tick();
        assertEquals(0, fanouts.roomCount());
        assertFalse(fanouts.leave(ROOM, "a"));
    }

    @Test
    void aRoomWithoutViewersDropsWhatIsPublishedAndGoesAway() {
        publish(1);
        fanouts.like(ROOM, 1);
        assertEquals(1, fanouts.roomCount());

        tick();

        assertEquals(0, fanouts.roomCount());
    }

    @Test
    void aFailedWriteClosesAndRemovesTheViewer() {
        FakeChannel broken = joined(FakeChannel.manual("broken"));
        broken.fail(new IOException("connection reset"));
        publish(1);
        tick();

        assertEquals(ViewerChannel.CLOSE_SEND_FAILED, broken.closeCode());
        assertEquals(0, fanouts.viewerCount(ROOM));
    }

    @Test
    void aSendThatThrowsCountsAsAFailedWrite() {
        FakeChannel throwing = FakeChannel.throwing("t");
        fanouts.join(ROOM, throwing);
        tick();

        assertEquals(ViewerChannel.CLOSE_SEND_FAILED, throwing.closeCode());
        assertEquals(0, fanouts.viewerCount(ROOM));
    }

    @Test
    void refusesASecondViewerWithTheSameId() {
        fanouts.join(ROOM, FakeChannel.fast("a"));

        assertThrows(IllegalArgumentException.class, () -> fanouts.join(ROOM, FakeChannel.fast("a")));
        assertEquals(1, fanouts.viewerCount(ROOM));
    }

    @Test
    void roomsAreSeparatedByTenant() {
        RoomKey sameIdOtherTenant = new RoomKey(2, ROOM.roomId());
        FakeChannel here = joined(FakeChannel.fast("a"));
        FakeChannel there = FakeChannel.fast("b");
        fanouts.join(sameIdOtherTenant, there);
        tick();
        there.clear();

        publish(1);
        tick();

        assertEquals(List.of(1L), here.danmakuIds());
        assertEquals(List.of(), there.frames());
    }

    @Test
    void closingTheEngineClosesEveryViewerForReconnect() {
        FakeChannel a = joined(FakeChannel.fast("a"));
        FakeChannel b = FakeChannel.fast("b");
        fanouts.join(new RoomKey(1, 11), b);

        fanouts.closeAll();

        assertEquals(SocketCloseCodes.RESTARTING, a.closeCode());
        assertEquals(SocketCloseCodes.RESTARTING, b.closeCode());
        assertEquals(0, fanouts.roomCount());
    }

    @Test
    void aBacklogBeyondOneFrameWaitsForTheNextTick() {
        FakeChannel viewer = joined(FakeChannel.fast("a"));
        publish(LongStream.rangeClosed(1, RoomFanout.MAX_ITEMS_PER_FRAME + 5).toArray());

        tick();
        assertEquals(RoomFanout.MAX_ITEMS_PER_FRAME, viewer.danmakuIds().size());
        tick();

        assertEquals(LongStream.rangeClosed(1, RoomFanout.MAX_ITEMS_PER_FRAME + 5).boxed().toList(),
                viewer.danmakuIds());
        assertEquals(2, viewer.frames().size());
    }

    @Test
    void theSettingsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FanoutSettings(0, 64, 10_000, 5_000));
        assertTrue(e.getMessage().contains("tick.millis"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FanoutSettings(50, 0, 10_000, 5_000))
                .getMessage().contains("viewer.queue.frames"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FanoutSettings(50, 64, 10, 5_000))
                .getMessage().contains("stalled.millis"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FanoutSettings(50, 64, 10_000, 0))
                .getMessage().contains("online.every.millis"));
        assertEquals(new FanoutSettings(50, 64, 10_000, 5_000), FanoutSettings.DEFAULTS);
    }
}
