package io.edamame.redis.api;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Publishing on the Redis pub/sub bus that the nodes of an Edamame cluster share.
 *
 * <p>The service is registered only while a Redis is configured (configuration {@code io.edamame.redis})
 * and its client exists; a bundle that cannot work without the bus references it mandatorily, a bundle that
 * works on a single node too references it optionally. Being registered does not mean being connected:
 * the client connects in the background and reconnects by itself, see {@link #isConnected()}.
 *
 * <p>To receive, register a {@link RedisMessageListener} service.
 */
@ProviderType
public interface RedisPubSub {

    /**
     * Publishes {@code message} on {@code channel} ({@code PUBLISH}). Never blocks the caller, also not
     * while Redis is down.
     *
     * <p>The stage completes with the number of subscribers, on every node, that Redis delivered the message
     * to. It completes exceptionally with {@link RedisUnavailableException} when the client is not connected
     * (already when this method returns), when the connection breaks or Redis does not answer within the
     * configured timeout (a message sent just before the client noticed an outage fails that way), or when
     * Redis refuses the command. A message is published at most once: nothing is buffered or retried.
     *
     * <p>Stages that depend on the returned one without an executor of their own run on the Redis client's
     * I/O thread: they must not block.
     *
     * @param channel the channel name, not empty
     * @param message the payload; the array must not be modified after the call
     * @throws IllegalArgumentException if the channel is null or empty
     * @throws NullPointerException if the message is null
     */
    CompletionStage<Long> publish(String channel, byte[] message);

    /** Whether both the publishing and the subscribing connection are up at this moment. */
    boolean isConnected();

    /** The configured Redis URI with any password masked, for logs and health reports. */
    String uri();
}
