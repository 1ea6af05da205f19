package io.edamame.danmaku.impl.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A room large enough to be swept on several send threads still gives every viewer every frame, in order. */
class ShardedFanoutTest {

    private static final FanoutSettings SETTINGS = new FanoutSettings(50, 64, 10_000, 5_000);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RoomFanouts fanouts = new RoomFanouts(SETTINGS, now::get, FakeChannel.JSON, 3);
    private final Set<String> sendingThreads = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() {
        fanouts.shutdownHelpers();
    }

    /** Records which thread started each write. */
    private ViewerChannel recording(FakeChannel channel) {
        return new ViewerChannel() {
            @Override
            public String id() {
                return channel.id();
            }

            @Override
            public void send(String frame, Consumer<Throwable> whenDone) {
                sendingThreads.add(Thread.currentThread().getName());
                channel.send(frame, whenDone);
            }

            @Override
            public void close(int code, String reason) {
                channel.close(code, reason);
            }
        };
    }

    @Test
    void everyViewerOfALargeRoomGetsEveryFrameInOrder() {
        int viewerCount = 3 * RoomFanout.MIN_VIEWERS_PER_SHARD;
        List<FakeChannel> channels = new ArrayList<>();
        for (int i = 0; i < viewerCount; i++) {
            FakeChannel channel = FakeChannel.fast("v" + i);
            channels.add(channel);
            fanouts.join(RoomFanoutsTest.ROOM, recording(channel));
        }
        for (long id = 1; id <= 20; id++) {
            fanouts.publish(RoomFanoutsTest.ROOM, RoomFanoutsTest.danmaku(id));
            if (id % 4 == 0) {
                now.addAndGet(SETTINGS.tickMillis());
                fanouts.tick();
            }
        }

        List<Long> expected = LongStream.rangeClosed(1, 20).boxed().toList();
        for (FakeChannel channel : channels) {
            assertEquals(expected, channel.danmakuIds(), channel.id());
            assertEquals("online", channel.types().get(0), "the state first");
        }
        assertTrue(sendingThreads.size() > 1, "swept on several threads: " + sendingThreads);
        assertTrue(sendingThreads.stream().anyMatch(name -> name.startsWith("edamame-danmaku-send-")), sendingThreads.toString());
    }
}
