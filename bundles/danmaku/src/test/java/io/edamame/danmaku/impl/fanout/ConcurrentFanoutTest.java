package io.edamame.danmaku.impl.fanout;

import static io.edamame.danmaku.impl.fanout.RoomFanoutsTest.ROOM;
import static io.edamame.danmaku.impl.fanout.RoomFanoutsTest.danmaku;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Publishers, the tick and write completions on their own threads. The assertions are about what
 * arrives, never about when: each test waits for its threads, then ticks until everything is out.
 */
class ConcurrentFanoutTest {

    private static final int PUBLISHERS = 8;
    private static final int PER_PUBLISHER = 5_000;

    private final AtomicLong now = new AtomicLong();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Ticks until every publisher has finished, then once more for what they published last. */
    private void tickWhileRunning(RoomFanouts fanouts, List<Future<?>> publishers) throws Exception {
        while (!publishers.stream().allMatch(Future::isDone)) {
            now.addAndGet(1);
            fanouts.tick();
        }
        for (Future<?> publisher : publishers) {
            publisher.get();
        }
        for (int i = 0; i <= PUBLISHERS * PER_PUBLISHER / RoomFanout.MAX_ITEMS_PER_FRAME; i++) {
            fanouts.tick();
        }
    }

    private List<Future<?>> startPublishers(RoomFanouts fanouts) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> publishers = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            long first = p * 1_000_000L;
            publishers.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < PER_PUBLISHER; i++) {
                    fanouts.publish(ROOM, danmaku(first + i));
                    fanouts.like(ROOM, 1);
                }
                return null;
            }));
        }
        start.countDown();
        return publishers;
    }

    /** Every publisher's danmaku arrive once each and in the order that publisher sent them. */
    private static void assertAllArrivedInPublisherOrder(List<Long> ids) {
        assertEquals(PUBLISHERS * PER_PUBLISHER, ids.size());
        long[] next = new long[PUBLISHERS];
        for (long id : ids) {
            int publisher = (int) (id / 1_000_000L);
            assertEquals(next[publisher]++, id % 1_000_000L, "publisher " + publisher);
        }
    }

    @Test
    void concurrentPublishersLoseNothingAndKeepTheirOwnOrder() throws Exception {
        RoomFanouts fanouts = new RoomFanouts(FanoutSettings.DEFAULTS, now::get, FakeChannel.JSON);
        FakeChannel viewer = FakeChannel.fast("a");
        fanouts.join(ROOM, viewer);

        tickWhileRunning(fanouts, startPublishers(fanouts));

        assertAllArrivedInPublisherOrder(viewer.danmakuIds());
        List<JsonNode> likes = viewer.items().stream().filter(i -> i.get("type").asText().equals("likes")).toList();
        assertEquals(PUBLISHERS * PER_PUBLISHER, likes.get(likes.size() - 1).get("count").asLong());
        assertEquals(PUBLISHERS * PER_PUBLISHER, likes.stream().mapToLong(i -> i.get("delta").asLong()).sum());
        assertEquals(0, fanouts.droppedDanmaku());
    }

    @Test
    @Timeout(60)
    void writesCompletingOnOtherThreadsLoseNothing() throws Exception {
        RoomFanouts fanouts = new RoomFanouts(new FanoutSettings(50, 1_000_000, 10_000, 5_000), now::get,
                FakeChannel.JSON);
        ExecutorService io = Executors.newFixedThreadPool(2);
        List<String> received = new ArrayList<>();
        // Raised before a write starts, lowered after its completion has run (and started the next).
        AtomicInteger writing = new AtomicInteger();
        ViewerChannel viewer = new ViewerChannel() {
            @Override
            public String id() {
                return "async";
            }

            @Override
            public void send(String frame, Consumer<Throwable> whenDone) {
                synchronized (received) {
                    received.add(frame);
                }
                writing.incrementAndGet();
                io.execute(() -> {
                    whenDone.accept(null);
                    writing.decrementAndGet();
                });
            }

            @Override
            public void close(int code, String reason) {
                throw new AssertionError("closed with " + code);
            }
        };
        fanouts.join(ROOM, viewer);

        tickWhileRunning(fanouts, startPublishers(fanouts));
        Viewer state = fanouts.room(ROOM).viewer("async");
        while (writing.get() > 0 || state.queuedCount() > 0) {
            Thread.onSpinWait();
        }
        io.shutdown();

        List<Long> ids = new ArrayList<>();
        synchronized (received) {
            for (String frame : received) {
                for (JsonNode item : FakeChannel.parse(frame).get("items")) {
                    if (item.get("type").asText().equals("danmaku")) {
                        ids.add(item.get("id").asLong());
                    }
                }
            }
        }
        assertAllArrivedInPublisherOrder(ids);
    }
}
