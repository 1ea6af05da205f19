package io.edamame.redis.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edamame.redis.api.RedisMessageListener;
import io.edamame.redis.api.RedisUnavailableException;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

/**
 * The component against a real Redis, the way Declarative Services drives it: each instance is one node.
 * Every test uses channels of its own, so that other users of the same Redis do not disturb it. Waits are
 * bounded and every assertion is on what arrived, not on how fast.
 */
class LettuceRedisPubSubTest {

    private static final long WAIT_SECONDS = 30;

    private static RedisClient adminClient;
    private static StatefulRedisConnection<String, String> adminConnection;
    /** Stands for redis-cli: publishes as a foreign node and looks at Redis's side. */
    private static RedisCommands<String, String> admin;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String channel = "edamame-test:" + run + ":rooms";
    private final List<LettuceRedisPubSub> nodes = new ArrayList<>();
    private long nextComponentId = 9_000 + (long) (Math.random() * 1_000_000);

    /** Per test rather than per class, so that a skipped run reports each test skipped, with the reason. */
    @BeforeEach
    void requireRedis() {
        TestRedis.assumeReachable();
        if (adminClient == null) {
            adminClient = RedisClient.create(TestRedis.uri());
            adminConnection = adminClient.connect();
            admin = adminConnection.sync();
        }
    }

    @AfterAll
    static void closeAdmin() {
        if (adminClient != null) {
            adminConnection.close();
            adminClient.shutdown();
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(LettuceRedisPubSub::deactivate);
    }

    @Test
    void aMessageGoesFromOneNodeToTheOthersListenersAndBack() throws Exception {
        Inbox onA = new Inbox();
        Inbox onB = new Inbox();
        LettuceRedisPubSub nodeA = node(TestRedis.uri());
        LettuceRedisPubSub nodeB = node(TestRedis.uri());
        listen(nodeA, 1, onA, channel);
        listen(nodeB, 2, onB, channel);
        awaitSubscribers(channel, 2);
        await("both nodes connected", () -> nodeA.isConnected() && nodeB.isConnected());

        assertEquals(2L, nodeA.publish(channel, text("hello from A")).toCompletableFuture().get(WAIT_SECONDS,
                TimeUnit.SECONDS), "both nodes' subscriptions received it");
        assertEquals(channel + " hello from A", onB.next());
        assertEquals(channel + " hello from A", onA.next(), "the publishing node hears itself too");

        byte[] binary = {0, -1, 13, 10, 42, -128, 127};
        nodeB.publish(channel, binary).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(binary, onA.nextBytes());
        assertArrayEquals(binary, onB.nextBytes());
    }

    @Test
    void subscriptionsFollowListenersThatComeChangeAndGo() throws Exception {
        String other = "edamame-test:" + run + ":other";
        LettuceRedisPubSub node = node(TestRedis.uri());
        await("connected", node::isConnected);
        Inbox first = new Inbox();
        Inbox second = new Inbox();

        listen(node, 1, first, channel);
        awaitSubscribers(channel, 1);
        assertEquals(1L, admin.publish(channel, "one"));
        assertEquals(channel + " one", first.next());

        listen(node, 2, second, new String[] {channel, other});
        awaitSubscribers(other, 1);
        assertEquals(1L, admin.publish(other, "two"), "one connection per node, whatever the listeners");
        assertEquals(other + " two", second.next());
        admin.publish(channel, "three");
        assertEquals(channel + " three", first.next());
        assertEquals(channel + " three", second.next());

        node.updateListener(second, properties(2, other));
        node.removeListener(first, properties(1, channel));
        awaitSubscribers(channel, 0);
        assertEquals(0L, admin.publish(channel, "nobody"));
        admin.publish(other, "four");
        assertEquals(other + " four", second.next());

        node.removeListener(second, properties(2, other));
        awaitSubscribers(other, 0);
        assertEquals(0L, admin.publish(other, "nobody"));
        assertNull(first.poll(0), "nothing after its removal");
        assertNull(second.poll(0), "nothing after its removal");
    }

    @Test
    void listenersBoundBeforeActivationAreSubscribedOnConnect() throws Exception {
        Inbox inbox = new Inbox();
        LettuceRedisPubSub node = new LettuceRedisPubSub();
        listen(node, 1, inbox, channel);
        activate(node, TestRedis.uri());

        awaitSubscribers(channel, 1);
        admin.publish(channel, "early");
        assertEquals(channel + " early", inbox.next());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthersOrTheConnection() throws Exception {
        Inbox inbox = new Inbox();
        LettuceRedisPubSub node = node(TestRedis.uri());
        node.addListener((channel, message) -> {
            throw new IllegalStateException("listener bug");
        }, properties(1, channel));
        listen(node, 2, inbox, channel);
        awaitSubscribers(channel, 1);

        admin.publish(channel, "1");
        admin.publish(channel, "2");

        assertEquals(channel + " 1", inbox.next());
        assertEquals(channel + " 2", inbox.next());
        assertTrue(node.isConnected());
    }

    @Test
    void afterItsConnectionIsKilledTheNodeIsSubscribedAgainAlsoToChannelsAddedMeanwhile() throws Exception {
        String clientName = "edamame-test-" + run;
        String later = "edamame-test:" + run + ":later";
        Inbox inbox = new Inbox();
        LettuceRedisPubSub node = node(TestRedis.uri() + "?clientName=" + clientName);
        listen(node, 1, inbox, channel);
        awaitSubscribers(channel, 1);
        long killed = subscriberClientId(clientName);

        admin.clientKill(KillArgs.Builder.id(killed));
        listen(node, 2, inbox, later);

        await("a new subscribing connection", () -> {
            Long current = subscriberClientIdOrNull(clientName);
            return current != null && current != killed;
        });
        awaitSubscribers(channel, 1);
        awaitSubscribers(later, 1);
        admin.publish(channel, "after");
        admin.publish(later, "later");
        assertEquals(Set.of(channel + " after", later + " later"), Set.of(inbox.next(), inbox.next()));
    }

    @Test
    void whileRedisIsDownPublishingFailsAtOnceAndEverythingResumesWhenItIsBack() throws Exception {
        try (TcpProxy redis = new TcpProxy(TestRedis.HOST, TestRedis.PORT)) {
            redis.start();
            Inbox inbox = new Inbox();
            LettuceRedisPubSub node = node("redis://127.0.0.1:" + redis.port());
            listen(node, 1, inbox, channel);
            awaitSubscribers(channel, 1);
            await("connected", node::isConnected);

            redis.stop();
            // Until Lettuce has seen the publishing connection close, a message may still go out and fail
            // later (connection closed, or the timeout); from then on publishing fails before it returns.
            await("publishing fails at once", () -> node.publish(channel, text("lost?")).toCompletableFuture()
                    .isCompletedExceptionally());
            assertFalse(node.isConnected());
            for (int i = 0; i < 100; i++) {
                assertFailedAlready(node.publish(channel, text("lost " + i)));
            }
            assertEquals(0L, admin.publish(channel, "missed"), "Redis sees no subscriber while cut off");

            redis.start();
            await("reconnected", node::isConnected);
            awaitSubscribers(channel, 1);
            assertEquals(1L, node.publish(channel, text("back")).toCompletableFuture().get(WAIT_SECONDS,
                    TimeUnit.SECONDS));
            assertEquals(channel + " back", inbox.next(), "Lettuce subscribed again by itself");
        }
    }

    @Test
    void aRedisThatFailsAtActivationIsConnectedToWhenItComesUp() throws Exception {
        try (TcpProxy redis = new TcpProxy(TestRedis.HOST, TestRedis.PORT)) {
            redis.startHangingUp();
            Inbox inbox = new Inbox();
            LettuceRedisPubSub node = node("redis://127.0.0.1:" + redis.port());
            listen(node, 1, inbox, channel);

            // Lettuce does not retry a first connection by itself: these are the session's own attempts.
            await("several failed connection attempts", () -> redis.hungUp() >= 6);
            assertFalse(node.isConnected());
            assertFailedAlready(node.publish(channel, text("too early")));

            redis.forward();
            await("connected", node::isConnected);
            awaitSubscribers(channel, 1);
            admin.publish(channel, "now");
            assertEquals(channel + " now", inbox.next());
        }
    }

    @Test
    void publishingToAPortNobodyListensOnFailsAtOnceEveryTime() throws Exception {
        int closedPort;
        try (TcpProxy unused = new TcpProxy(TestRedis.HOST, TestRedis.PORT)) {
            closedPort = unused.port();
        }
        LettuceRedisPubSub node = node("redis://127.0.0.1:" + closedPort);

        for (int i = 0; i < 100; i++) {
            assertFailedAlready(node.publish(channel, text("nobody there " + i)));
        }
        assertFalse(node.isConnected());
        assertEquals("redis://127.0.0.1:" + closedPort, node.uri());
    }

    @Test
    void deactivationClosesTheConnectionsAndStopsEveryThreadOfTheNode() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        String clientName = "edamame-test-" + run;
        Inbox inbox = new Inbox();
        LettuceRedisPubSub node = new LettuceRedisPubSub();
        long componentId = nextComponentId++;
        String threadPrefix = "edamame-redis-" + componentId + "-";
        listen(node, 1, inbox, channel);
        node.activate(RedisConfigs.config(TestRedis.uri() + "?clientName=" + clientName),
                Map.of("component.id", componentId));
        nodes.add(node);
        awaitSubscribers(channel, 1);
        node.publish(channel, text("warm up")).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(channel + " warm up", inbox.next());
        assertFalse(threadsNamed(threadPrefix).isEmpty(), "the node runs threads of its own");

        node.deactivate();

        assertEquals(0L, subscribers(channel), "unsubscribed");
        assertFalse(admin.clientList().contains("name=" + clientName + " "), "no connection left");
        assertFalse(node.isConnected());
        ExecutionException stopped = assertThrows(ExecutionException.class,
                () -> node.publish(channel, text("after")).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(RedisUnavailableException.class, stopped.getCause());
        for (Thread thread : threadsNamed(threadPrefix)) {
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        assertEquals(List.of(), names(threadsNamed(threadPrefix)), "threads of the node still alive");
        await("no thread left behind", () -> newThreads(before).isEmpty());
    }

    @Test
    void invalidConfigurationFailsActivationAndStartsNothing() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        LettuceRedisPubSub node = new LettuceRedisPubSub();

        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> node.activate(RedisConfigs.config("http://user:pw@h"), Map.of("component.id", 1L)));

        assertTrue(invalid.getMessage().startsWith("uri:"), invalid.getMessage());
        assertEquals(List.of(), names(newThreads(before)));
    }

    // --- helpers

    private LettuceRedisPubSub node(String uri) {
        LettuceRedisPubSub node = new LettuceRedisPubSub();
        activate(node, uri);
        return node;
    }

    private void activate(LettuceRedisPubSub node, String uri) {
        node.activate(RedisConfigs.config(uri), Map.of("component.id", nextComponentId++));
        nodes.add(node);
    }

    private static void listen(LettuceRedisPubSub node, long serviceId, RedisMessageListener listener,
            Object channels) {
        node.addListener(listener, properties(serviceId, channels));
    }

    private static Map<String, Object> properties(long serviceId, Object channels) {
        return Map.of(Constants.SERVICE_ID, serviceId, RedisMessageListener.CHANNEL, channels);
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertFailedAlready(CompletionStage<Long> stage) {
        CompletableFuture<Long> future = stage.toCompletableFuture();
        assertTrue(future.isCompletedExceptionally(), "failed before publish returned");
        ExecutionException failure = assertThrows(ExecutionException.class, future::get);
        assertInstanceOf(RedisUnavailableException.class, failure.getCause());
    }

    private static long subscribers(String channel) {
        return admin.pubsubNumsub(channel).getOrDefault(channel, 0L);
    }

    private static void awaitSubscribers(String channel, long expected) {
        await(expected + " subscriber(s) of " + channel, () -> subscribers(channel) == expected);
    }

    /** The id Redis gave to the subscribing connection of the client named {@code name}. */
    private static long subscriberClientId(String name) {
        Long id = subscriberClientIdOrNull(name);
        if (id == null) {
            fail("no subscribing connection named " + name + " in CLIENT LIST");
        }
        return id;
    }

    private static Long subscriberClientIdOrNull(String name) {
        for (String line : admin.clientList().split("\n")) {
            Map<String, String> fields = Arrays.stream(line.trim().split(" ")).map(field -> field.split("=", 2))
                    .filter(pair -> pair.length == 2).collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
            if (name.equals(fields.get("name")) && !"0".equals(fields.getOrDefault("sub", "0"))) {
                return Long.valueOf(fields.get("id"));
            }
        }
        return null;
    }

    private static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith(prefix))
                .collect(Collectors.toList());
    }

    /** Threads alive now that were not before, other than the test's own helpers and the admin client. */
    private static List<Thread> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> !before.contains(thread))
                .filter(thread -> !thread.getName().startsWith("tcp-proxy-"))
                .filter(thread -> !thread.getName().startsWith("lettuce-"))
                .collect(Collectors.toList());
    }

    private static List<String> names(List<Thread> threads) {
        return threads.stream().map(Thread::getName).collect(Collectors.toList());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for: " + what);
            }
        }
    }

    /** What a listener received, as "channel text", in order. */
    private static final class Inbox implements RedisMessageListener {

        private final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(String channel, byte[] message) {
            received.add(new Object[] {channel, message});
        }

        String next() throws InterruptedException {
            Object[] message = poll(WAIT_SECONDS);
            if (message == null) {
                fail("no message within " + WAIT_SECONDS + " s");
            }
            return message[0] + " " + new String((byte[]) message[1], StandardCharsets.UTF_8);
        }

        byte[] nextBytes() throws InterruptedException {
            Object[] message = poll(WAIT_SECONDS);
            if (message == null) {
                fail("no message within " + WAIT_SECONDS + " s");
            }
            return (byte[]) message[1];
        }

        Object[] poll(long seconds) throws InterruptedException {
            return received.poll(seconds, TimeUnit.SECONDS);
        }
    }
}
