package io.edamame.media.impl.kms;

/**
 * What the rooms need to hear about media servers. Called on the servers' own thread, one call at a
 * time, never while a Kurento call is waiting for its answer.
 */
public interface MediaServerListener {

    /** A server is up and holds nothing of ours from before: rooms waiting for one may be built. */
    void serverAvailable(MediaServer server);

    /** The connection dropped; the client is trying again and the objects may still be there. */
    void serverInterrupted(MediaServer server);

    /** The connection is back to the same server process: every object is still there. */
    void serverResumed(MediaServer server);

    /**
     * Every object this node had on {@code server} is gone: it restarted (a new session after a
     * reconnection), or it stayed unreachable past the reconnection window.
     */
    void serverLost(MediaServer server);
}
