package io.edamame.redis.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.redis.api.RedisMessageListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ListenerRegistryTest {

    private final ListenerRegistry registry = new ListenerRegistry();

    /** Remembers what it received, as "channel:text". */
    private static final class Recorder implements RedisMessageListener {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(String channel, byte[] message) {
            received.add(channel + ":" + new String(message, StandardCharsets.UTF_8));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void channelPropertyMayBeAStringAnArrayOrACollection() {
        assertEquals(Set.of("rooms"), ListenerRegistry.channelsOf("rooms"));
        assertEquals(Set.of("a", "b"), ListenerRegistry.channelsOf(new String[] {"a", " b "}));
        assertEquals(Set.of("a", "b"), ListenerRegistry.channelsOf(List.of("a", "b", "a")));
        assertEquals(Set.of("a"), ListenerRegistry.channelsOf(new String[] {"a", "", "  ", null}));
        assertEquals(Set.of(), ListenerRegistry.channelsOf(null));
        assertEquals(Set.of(), ListenerRegistry.channelsOf(42));
    }

    @Test
    void subscriptionsChangeOnlyWhenTheUnionOfChannelsChanges() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();

        assertTrue(registry.put(1, first, Set.of("a")), "first listener of a");
        assertFalse(registry.put(2, second, Set.of("a")), "a already subscribed");
        assertTrue(registry.put(2, second, Set.of("a", "b")), "b is new");
        assertEquals(Set.of("a", "b"), registry.channels());

        assertFalse(registry.remove(1), "a still has the second listener");
        assertTrue(registry.put(2, second, Set.of("b")), "a lost its last listener");
        assertEquals(Set.of("b"), registry.channels());

        assertTrue(registry.remove(2));
        assertEquals(Set.of(), registry.channels());
        assertFalse(registry.remove(2), "unknown service");
    }

    @Test
    void aListenerWithoutChannelsIsDropped() {
        Recorder listener = new Recorder();
        registry.put(1, listener, Set.of("a"));

        assertTrue(registry.put(1, listener, Set.of()));

        assertEquals(Set.of(), registry.channels());
        assertEquals(0, registry.dispatch("a", bytes("x")));
        assertFalse(registry.put(1, listener, Set.of()), "nothing to change");
    }

    @Test
    void aMessageReachesExactlyTheListenersOfItsChannel() {
        Recorder onA = new Recorder();
        Recorder onAB = new Recorder();
        Recorder onC = new Recorder();
        registry.put(1, onA, Set.of("a"));
        registry.put(2, onAB, Set.of("a", "b"));
        registry.put(3, onC, Set.of("c"));

        assertEquals(2, registry.dispatch("a", bytes("1")));
        assertEquals(1, registry.dispatch("b", bytes("2")));
        assertEquals(0, registry.dispatch("unknown", bytes("3")));

        assertEquals(List.of("a:1"), onA.received);
        assertEquals(List.of("a:1", "b:2"), onAB.received);
        assertEquals(List.of(), onC.received);
    }

    @Test
    void listenersGetTheBytesAsPublished() {
        List<byte[]> received = new ArrayList<>();
        registry.put(1, (channel, message) -> received.add(message), Set.of("a"));
        byte[] binary = {0, -1, 10, 13, 127, -128};

        registry.dispatch("a", binary);

        assertEquals(1, received.size());
        assertArrayEquals(new byte[] {0, -1, 10, 13, 127, -128}, received.get(0));
    }

    @Test
    void aFailingListenerDoesNotKeepTheOthersFromTheirMessages() {
        Recorder before = new Recorder();
        Recorder after = new Recorder();
        registry.put(1, before, Set.of("a"));
        registry.put(2, (channel, message) -> {
            throw new IllegalStateException("listener bug");
        }, Set.of("a"));
        registry.put(3, (channel, message) -> {
            throw new NoClassDefFoundError("bundle of the listener is gone");
        }, Set.of("a"));
        registry.put(4, after, Set.of("a"));

        assertEquals(4, registry.dispatch("a", bytes("1")));
        assertEquals(4, registry.dispatch("a", bytes("2")));

        assertEquals(List.of("a:1", "a:2"), before.received);
        assertEquals(List.of("a:1", "a:2"), after.received);
    }

    @Test
    void errorsThatAreNotTheListenersFaultAreNotSwallowed() {
        registry.put(1, (channel, message) -> {
            throw new OutOfMemoryError("simulated");
        }, Set.of("a"));

        assertThrows(OutOfMemoryError.class, () -> registry.dispatch("a", bytes("1")));
    }

    @Test
    void listenersAreCalledInTheOrderTheyRegistered() {
        List<Integer> order = new CopyOnWriteArrayList<>();
        registry.put(7, (channel, message) -> order.add(7), Set.of("a"));
        registry.put(3, (channel, message) -> order.add(3), Set.of("a"));
        registry.put(5, (channel, message) -> order.add(5), Set.of("a"));

        registry.dispatch("a", bytes("1"));

        assertEquals(List.of(7, 3, 5), order);
    }

    @Test
    void theChannelSnapshotDoesNotChangeUnderItsReader() {
        registry.put(1, new Recorder(), Set.of("a"));
        Set<String> snapshot = registry.channels();

        registry.put(2, new Recorder(), Set.of("b"));

        assertEquals(Set.of("a"), snapshot);
        assertThrows(UnsupportedOperationException.class, () -> snapshot.add("c"));
    }

    /** The I/O thread dispatches while listener services come and go; it must never see a broken map. */
    @Test
    void dispatchRunsWhileListenersComeAndGo() throws Exception {
        Recorder steady = new Recorder();
        registry.put(0, steady, Set.of("a"));
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch churned = new CountDownLatch(1);
        Thread churn = new Thread(() -> {
            try {
                for (int id = 1; id <= 2_000; id++) {
                    registry.put(id, new Recorder(), Set.of("a", "x" + id));
                    if (id > 1) {
                        registry.remove(id - 1);
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
            } finally {
                churned.countDown();
            }
        });
        churn.start();
        int dispatched = 0;
        while (!churned.await(0, TimeUnit.MILLISECONDS)) {
            registry.dispatch("a", bytes(Integer.toString(dispatched++)));
        }
        churn.join();

        assertEquals(List.of(), failures);
        assertEquals(dispatched, steady.received.size(), "the steady listener got every message");
        assertEquals(Set.of("a", "x2000"), registry.channels());
    }
}
