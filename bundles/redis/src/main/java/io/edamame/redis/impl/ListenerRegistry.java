package io.edamame.redis.impl;

import io.edamame.redis.api.RedisMessageListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link RedisMessageListener} service receives which channel, and the delivery of one message to the
 * listeners of its channel.
 *
 * <p>Listener services change rarely and messages arrive often, on the I/O thread: the channel map is an
 * immutable snapshot, replaced on every change (copy-on-write) and read without a lock.
 */
final class ListenerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerRegistry.class);

    /** A listener that fails on every message would otherwise write a stack trace per message. */
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** By service id; guarded by {@code this}. */
    private final Map<Long, Registration> registrations = new LinkedHashMap<>();

    private volatile Map<String, List<Registration>> byChannel = Map.of();

    /**
     * Adds the listener service {@code serviceId}, or replaces its channels when it is already known. A
     * listener without channels is removed.
     *
     * @return whether the union of all listeners' channels changed, so the subscriptions must follow
     */
    synchronized boolean put(long serviceId, RedisMessageListener listener, Set<String> channels) {
        Set<String> before = byChannel.keySet();
        if (channels.isEmpty()) {
            registrations.remove(serviceId);
        } else {
            registrations.put(serviceId, new Registration(serviceId, listener, Set.copyOf(channels)));
        }
        return rebuild(before);
    }

    /** @return whether the union of all listeners' channels changed */
    synchronized boolean remove(long serviceId) {
        Set<String> before = byChannel.keySet();
        return registrations.remove(serviceId) != null && rebuild(before);
    }

    /** The channels that at least one listener receives; an immutable snapshot. */
    Set<String> channels() {
        return byChannel.keySet();
    }

    /**
     * Calls {@link RedisMessageListener#onMessage} of every listener of {@code channel}, in the order the
     * services registered. A failing listener is logged and skipped.
     *
     * @return how many listeners were called
     */
    int dispatch(String channel, byte[] message) {
        List<Registration> receivers = byChannel.get(channel);
        if (receivers == null) {
            // A message that was on its way while the channel's last listener left.
            return 0;
        }
        for (Registration receiver : receivers) {
            try {
                receiver.listener().onMessage(channel, message);
            } catch (Exception | LinkageError e) {
                // LinkageError: the listener's bundle may be stopping while its service is still bound.
                receiver.failed(channel, e, System.nanoTime());
            }
        }
        return receivers.size();
    }

    private boolean rebuild(Set<String> before) {
        Map<String, List<Registration>> next = new HashMap<>();
        for (Registration registration : registrations.values()) {
            for (String channel : registration.channels()) {
                next.computeIfAbsent(channel, key -> new ArrayList<>()).add(registration);
            }
        }
        next.replaceAll((channel, receivers) -> List.copyOf(receivers));
        byChannel = Map.copyOf(next);
        return !before.equals(byChannel.keySet());
    }

    /**
     * The channel names in the value of {@link RedisMessageListener#CHANNEL}: a {@code String}, a
     * {@code String[]} or a collection of strings. Blank names are dropped, the others trimmed.
     */
    static Set<String> channelsOf(Object property) {
        Collection<?> values = property instanceof String single ? List.of(single)
                : property instanceof String[] array ? Arrays.asList(array)
                : property instanceof Collection<?> collection ? collection
                : List.of();
        Set<String> channels = new LinkedHashSet<>();
        for (Object value : values) {
            if (value instanceof String name && !name.isBlank()) {
                channels.add(name.trim());
            }
        }
        return channels;
    }

    private static final class Registration {

        private final long serviceId;
        private final RedisMessageListener listener;
        private final Set<String> channels;

        // Guarded by this; failures are rare, so a lock on that path costs nothing on the others.
        private long lastLoggedNanos;
        private boolean loggedOnce;
        private int suppressed;

        Registration(long serviceId, RedisMessageListener listener, Set<String> channels) {
            this.serviceId = serviceId;
            this.listener = listener;
            this.channels = channels;
        }

        RedisMessageListener listener() {
            return listener;
        }

        Set<String> channels() {
            return channels;
        }

        synchronized void failed(String channel, Throwable failure, long nowNanos) {
            if (loggedOnce && nowNanos - lastLoggedNanos < FAILURE_LOG_INTERVAL_NANOS) {
                suppressed++;
                return;
            }
            if (suppressed > 0) {
                LOG.error("REDIS channel {}: listener {} ({}) failed; {} more failures of it since the last report",
                        channel, serviceId, listener.getClass().getName(), suppressed, failure);
            } else {
                LOG.error("REDIS channel {}: listener {} ({}) failed", channel, serviceId,
                        listener.getClass().getName(), failure);
            }
            loggedOnce = true;
            lastLoggedNanos = nowNanos;
            suppressed = 0;
        }
    }
}
