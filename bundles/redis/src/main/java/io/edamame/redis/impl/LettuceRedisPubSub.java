package io.edamame.redis.impl;

import io.edamame.redis.api.RedisMessageListener;
import io.edamame.redis.api.RedisPubSub;
import io.edamame.redis.api.RedisUnavailableException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Redis client, present while the configuration {@code io.edamame.redis} exists.
 *
 * <p>There is no {@code @Modified}: a changed configuration deactivates this component, which closes the
 * session with its connections and threads, and activates it again with a new one; a deleted configuration
 * only deactivates it. Immediate, because it must subscribe for the listeners even while nobody publishes.
 *
 * <p>Listener services are tracked greedily and dynamically: each one that arrives, changes its channels or
 * leaves updates the {@link ListenerRegistry}, and the session follows when the union of channels changed.
 * Bind methods may run before {@link #activate} and concurrently with it; the session reads the registry
 * whenever it (re)connects, so no change is lost.
 */
@Component(service = RedisPubSub.class, configurationPid = RedisConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = RedisConfiguration.class)
public class LettuceRedisPubSub implements RedisPubSub {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceRedisPubSub.class);

    private final ListenerRegistry listeners = new ListenerRegistry();
    private volatile RedisSession session;

    @Activate
    void activate(RedisConfiguration config, Map<String, Object> properties) {
        RedisSettings settings = RedisSettings.of(config);
        // Threads are named after the component, so that two instances (and tests) can tell theirs apart.
        String threadNamePrefix = "edamame-redis-" + properties.getOrDefault("component.id", "0") + "-";
        session = RedisSession.open(settings, listeners, threadNamePrefix);
        LOG.info("REDIS {}: client started, timeout {} ms; connecting in the background", settings.redactedUri(),
                settings.timeout().toMillis());
    }

    @Deactivate
    void deactivate() {
        RedisSession closing = session;
        session = null;
        if (closing != null) {
            closing.close();
        }
    }

    @Reference(service = RedisMessageListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "removeListener", updated = "updateListener")
    void addListener(RedisMessageListener listener, Map<String, Object> properties) {
        Set<String> channels = ListenerRegistry.channelsOf(properties.get(RedisMessageListener.CHANNEL));
        if (channels.isEmpty()) {
            LOG.warn("REDIS listener {} ({}): no {} property, so it receives nothing", serviceId(properties),
                    listener.getClass().getName(), RedisMessageListener.CHANNEL);
        }
        if (listeners.put(serviceId(properties), listener, channels)) {
            channelsChanged();
        }
    }

    void updateListener(RedisMessageListener listener, Map<String, Object> properties) {
        addListener(listener, properties);
    }

    void removeListener(RedisMessageListener listener, Map<String, Object> properties) {
        if (listeners.remove(serviceId(properties))) {
            channelsChanged();
        }
    }

    @Override
    public CompletionStage<Long> publish(String channel, byte[] message) {
        if (channel == null || channel.isEmpty()) {
            throw new IllegalArgumentException("channel: must not be empty");
        }
        Objects.requireNonNull(message, "message");
        RedisSession current = session;
        if (current == null) {
            return CompletableFuture.failedFuture(new RedisUnavailableException("Redis client is stopped"));
        }
        return current.publish(channel, message);
    }

    @Override
    public boolean isConnected() {
        RedisSession current = session;
        return current != null && current.isConnected();
    }

    @Override
    public String uri() {
        RedisSession current = session;
        return current == null ? "" : current.uri();
    }

    private void channelsChanged() {
        RedisSession current = session;
        if (current != null) {
            current.syncSubscriptions();
        }
    }

    private static long serviceId(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long id ? id : -1;
    }
}
