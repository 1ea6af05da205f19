package io.edamame.redis.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the messages published on Redis pub/sub channels (whiteboard).
 *
 * <p>Register an implementation as an OSGi service with the property {@link #CHANNEL}: one channel name
 * ({@code String}) or several ({@code String[]}), exact names, no patterns. The Redis bundle subscribes to
 * the union of the channels of all listeners on its one subscribing connection, and unsubscribes a channel
 * when its last listener goes away or changes its property. Listeners may come and go at any time. While
 * Redis is not configured, listeners are simply not called.
 *
 * <p>Channels are global to the Redis server, whatever database the URI names: nodes of different clusters
 * sharing one Redis need channel names of their own.
 */
@ConsumerType
public interface RedisMessageListener {

    /** Service property: the channel name, or names, this listener receives ({@code String} or {@code String[]}). */
    String CHANNEL = "edamame.redis.channel";

    /**
     * Called for every message published on one of this listener's channels, by any node (also this one).
     *
     * <p>Runs on the Redis client's I/O thread, which delivers the messages of all channels one after the
     * other: return quickly and never block (hand longer work to an executor of your own). The array is the
     * one passed to every listener of the channel: do not modify it. An exception is logged and does not
     * affect the other listeners or later messages.
     *
     * @param channel the channel the message was published on
     * @param message the payload as published
     */
    void onMessage(String channel, byte[] message);
}
