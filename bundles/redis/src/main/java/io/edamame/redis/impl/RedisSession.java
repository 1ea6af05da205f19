package io.edamame.redis.impl;

import io.edamame.redis.api.RedisUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis client with its own threads, its publishing connection and its subscribing connection, from
 * {@link #open} to {@link #close}. A new configuration makes a new session.
 *
 * <p>Connecting happens in the background: {@link #open} returns at once, a failed first connection is
 * retried with Lettuce's reconnect delay (Lettuce reconnects by itself only connections that once were up),
 * and publishing fails fast until both connections are up.
 *
 * <p>Subscriptions follow the {@link ListenerRegistry}: {@link #syncSubscriptions()} subscribes the
 * channels that gained a listener and unsubscribes those that lost their last one. All of that, and the
 * connecting, runs on one executor thread of the session, so SUBSCRIBE and UNSUBSCRIBE of one channel reach
 * Redis in the order they were decided and {@link #requested} needs no lock. After a reconnection Lettuce
 * subscribes again to every channel Redis had confirmed; a sync then catches up with what changed meanwhile.
 */
final class RedisSession {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSession.class);

    /** Channel names are text; messages are bytes, passed through untouched. */
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** One I/O thread per connection, and the minimum of Lettuce's computation pool (events, timeouts, our sync). */
    private static final int IO_THREADS = 2;
    private static final int COMPUTATION_THREADS = 2;

    /**
     * Commands waiting for Redis's answer. Bounded so that a Redis that stalls without closing the connection
     * makes publishing fail instead of filling the heap; at the default timeout of 2 s that is far beyond the
     * rate the nodes publish at.
     */
    private static final int REQUEST_QUEUE_SIZE = 65_536;

    /**
     * A subscribing connection only receives, so a peer that vanished without a FIN would go unnoticed: TCP
     * keepalive finds it within about a minute (idle 30 s, then 3 probes 10 s apart), and Lettuce reconnects.
     */
    private static final KeepAliveOptions KEEP_ALIVE = KeepAliveOptions.builder().enable()
            .idle(Duration.ofSeconds(30)).interval(Duration.ofSeconds(10)).count(3).build();

    /** A SUBSCRIBE or UNSUBSCRIBE that failed while connected is tried again after this long. */
    private static final Duration RESYNC_DELAY = Duration.ofSeconds(1);

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    /** Failed first-connection attempts are logged at the first and then every so many, not each time. */
    private static final int LOG_EVERY_ATTEMPTS = 10;

    private final RedisSettings settings;
    private final String uri;
    private final ListenerRegistry listeners;
    private final ClientResources resources;
    private final RedisClient client;
    /** The single thread on which connecting and subscription syncs run. */
    private final EventExecutor executor;

    private volatile boolean closed;
    private volatile StatefulRedisConnection<String, byte[]> publisher;
    private volatile StatefulRedisPubSubConnection<String, byte[]> subscriber;

    /** Channels SUBSCRIBE was sent for, on {@link #subscriber}; confined to {@link #executor}. */
    private final Set<String> requested = new HashSet<>();

    private RedisSession(RedisSettings settings, ListenerRegistry listeners, String threadNamePrefix) {
        this.settings = settings;
        this.uri = settings.redactedUri();
        this.listeners = listeners;
        ClassLoader bundleLoader = RedisSession.class.getClassLoader();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(IO_THREADS)
                .computationThreadPoolSize(COMPUTATION_THREADS)
                .threadFactoryProvider(poolName -> new BundleThreadFactory(threadNamePrefix + poolName, bundleLoader))
                // Off: the collector needs LatencyUtils and HdrHistogram, which this bundle does not carry.
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
                .build();
        this.executor = resources.eventExecutorGroup().next();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Publishing while disconnected fails at once instead of queueing until Redis is back.
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.timeout()).keepAlive(KEEP_ALIVE).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
        client.addListener(new ConnectionLog());
    }

    /**
     * Creates the client and starts connecting in the background.
     *
     * @param threadNamePrefix starts the name of every thread of the session, so that they can be told apart
     */
    static RedisSession open(RedisSettings settings, ListenerRegistry listeners, String threadNamePrefix) {
        // Lettuce probes for optional classes through the context class loader, in static initialisers that
        // run now: they must see this bundle, not whatever the activating thread carries.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(RedisSession.class.getClassLoader());
        try {
            RedisSession session = new RedisSession(settings, listeners, threadNamePrefix);
            session.executor.execute(() -> session.connect(1));
            return session;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    String uri() {
        return uri;
    }

    boolean isConnected() {
        StatefulRedisConnection<String, byte[]> publishing = publisher;
        StatefulRedisPubSubConnection<String, byte[]> subscribing = subscriber;
        return !closed && publishing != null && publishing.isOpen() && subscribing != null && subscribing.isOpen();
    }

    CompletionStage<Long> publish(String channel, byte[] message) {
        StatefulRedisConnection<String, byte[]> connection = publisher;
        if (closed || connection == null) {
            return CompletableFuture.failedFuture(new RedisUnavailableException(
                    "Redis " + uri + " is not connected; " + channel + " not published"));
        }
        CompletableFuture<Long> result = new CompletableFuture<>();
        try {
            connection.async().publish(channel, message).whenComplete((receivers, failure) -> {
                if (failure == null) {
                    result.complete(receivers);
                } else {
                    result.completeExceptionally(new RedisUnavailableException(
                            "Redis " + uri + ": " + channel + " not published: " + failure.getMessage(), failure));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new RedisUnavailableException(
                    "Redis " + uri + ": " + channel + " not published: " + e.getMessage(), e));
        }
        return result;
    }

    /** Brings the subscriptions in line with the listeners' channels, soon and in the background. */
    void syncSubscriptions() {
        submit(this::sync);
    }

    /**
     * Closes the connections, the client and its threads. Bounded: waits at most a few seconds for the
     * threads to finish.
     */
    void close() {
        closed = true;
        try {
            // Closes every connection the client made, also one still being connected.
            client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("REDIS {}: closing the connections failed", uri, e);
        }
        try {
            resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(SHUTDOWN_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("REDIS {}: interrupted while its threads were stopping", uri);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("REDIS {}: its threads did not all stop", uri, e);
        }
        publisher = null;
        subscriber = null;
        LOG.info("REDIS {}: closed", uri);
    }

    private void connect(int attempt) {
        if (closed) {
            return;
        }
        CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> subscribing =
                client.connectPubSubAsync(CODEC, settings.uri()).toCompletableFuture();
        CompletableFuture<StatefulRedisConnection<String, byte[]>> publishing =
                client.connectAsync(CODEC, settings.uri()).toCompletableFuture();
        CompletableFuture.allOf(subscribing, publishing).whenComplete((ignored, failure) -> submit(() -> {
            if (failure == null && !closed) {
                connected(subscribing.join(), publishing.join());
                return;
            }
            closeIfConnected(subscribing);
            closeIfConnected(publishing);
            if (!closed) {
                retry(attempt, failure);
            }
        }));
    }

    private void connected(StatefulRedisPubSubConnection<String, byte[]> subscribing,
            StatefulRedisConnection<String, byte[]> publishing) {
        subscribing.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                listeners.dispatch(channel, message);
            }
        });
        subscriber = subscribing;
        publisher = publishing;
        requested.clear();
        LOG.info("REDIS {}: connected", uri);
        sync();
    }

    private void retry(int attempt, Throwable failure) {
        Duration delay = resources.reconnectDelay().createDelay(attempt);
        if (attempt == 1 || attempt % LOG_EVERY_ATTEMPTS == 0) {
            LOG.warn("REDIS {}: cannot connect ({}); attempt {}, trying again in {} ms; publishing fails until then",
                    uri, rootMessage(failure), attempt, delay.toMillis());
        }
        try {
            executor.schedule(() -> connect(attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void sync() {
        StatefulRedisPubSubConnection<String, byte[]> connection = subscriber;
        if (closed || connection == null) {
            return;
        }
        Set<String> wanted = listeners.channels();
        Set<String> toSubscribe = new HashSet<>(wanted);
        toSubscribe.removeAll(requested);
        Set<String> toUnsubscribe = new HashSet<>(requested);
        toUnsubscribe.removeAll(wanted);
        if (!toSubscribe.isEmpty()) {
            requested.addAll(toSubscribe);
            connection.async().subscribe(toSubscribe.toArray(String[]::new)).whenComplete((ok, failure) -> {
                if (failure == null) {
                    LOG.info("REDIS {}: subscribed to {}", uri, toSubscribe);
                } else {
                    submit(() -> subscriptionFailed(connection, "subscribing to", toSubscribe, false, failure));
                }
            });
        }
        if (!toUnsubscribe.isEmpty()) {
            requested.removeAll(toUnsubscribe);
            connection.async().unsubscribe(toUnsubscribe.toArray(String[]::new)).whenComplete((ok, failure) -> {
                if (failure == null) {
                    LOG.info("REDIS {}: unsubscribed from {}", uri, toUnsubscribe);
                } else {
                    submit(() -> subscriptionFailed(connection, "unsubscribing from", toUnsubscribe, true, failure));
                }
            });
        }
    }

    /**
     * Forgets what a failed command was meant to do, so that the next sync does it again: after the
     * reconnection, or after {@link #RESYNC_DELAY} when the connection stayed up (a timeout).
     */
    private void subscriptionFailed(StatefulRedisPubSubConnection<String, byte[]> connection, String action,
            Set<String> channels, boolean stillSubscribed, Throwable failure) {
        if (closed || connection != subscriber) {
            return;
        }
        if (stillSubscribed) {
            requested.addAll(channels);
        } else {
            requested.removeAll(channels);
        }
        LOG.warn("REDIS {}: {} {} failed ({}); trying again", uri, action, channels, rootMessage(failure));
        try {
            executor.schedule(this::sync, RESYNC_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The session is closing; there is nothing left to do.
        }
    }

    private static void closeIfConnected(CompletableFuture<? extends StatefulConnection<?, ?>> connecting) {
        if (connecting.isDone() && !connecting.isCompletedExceptionally()) {
            connecting.join().closeAsync();
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Logs losing and regaining a connection, and catches up with the subscriptions after a reconnection. */
    private final class ConnectionLog implements RedisConnectionStateListener {

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            // The first connection of each is reported by connected(); this is a reconnection.
            if (connection == subscriber) {
                LOG.info("REDIS {}: subscribing connection re-established", uri);
                syncSubscriptions();
            } else if (connection == publisher) {
                LOG.info("REDIS {}: publishing connection re-established", uri);
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (closed) {
                return;
            }
            if (connection == subscriber) {
                LOG.warn("REDIS {}: subscribing connection lost; reconnecting, messages published meanwhile are missed",
                        uri);
            } else if (connection == publisher) {
                LOG.warn("REDIS {}: publishing connection lost; reconnecting, publishing fails until then", uri);
            }
        }
    }
}
