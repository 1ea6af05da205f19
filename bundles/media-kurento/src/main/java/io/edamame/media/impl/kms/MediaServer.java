package io.edamame.media.impl.kms;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.kurento.client.KurentoClient;

/**
 * One Kurento Media Server as this node sees it. {@link #generation()} changes whenever the objects
 * this node made there are lost (a restart of the server, or a connection given up): an object
 * created in an older generation is gone and must not be used. {@link #load()} counts the endpoints
 * this node holds there, which is how rooms are placed.
 */
public final class MediaServer {

    private final String url;
    private final AtomicInteger load = new AtomicInteger();
    private volatile MediaServerState state = MediaServerState.DOWN;
    private volatile KurentoClient client;
    private volatile long generation;
    private volatile Instant since = Instant.now();
    private volatile String lastError;

    MediaServer(String url) {
        this.url = url;
    }

    public String url() {
        return url;
    }

    public MediaServerState state() {
        return state;
    }

    public boolean isUp() {
        return state == MediaServerState.UP;
    }

    /** The client, while connected or reconnecting; null while down. */
    public KurentoClient client() {
        return client;
    }

    public long generation() {
        return generation;
    }

    public Instant since() {
        return since;
    }

    public String lastError() {
        return lastError;
    }

    public int load() {
        return load.get();
    }

    /** Counts an endpoint or pipeline made here; {@code -1} when released. */
    public void addLoad(int delta) {
        load.addAndGet(delta);
    }

    void up(KurentoClient connected) {
        client = connected;
        generation++;
        load.set(0);
        lastError = null;
        setState(MediaServerState.UP);
    }

    void resumed() {
        setState(MediaServerState.UP);
    }

    void reconnecting() {
        setState(MediaServerState.RECONNECTING);
    }

    /** Marks the server down; returns the client to destroy, if any. */
    KurentoClient down(String error) {
        KurentoClient previous = client;
        client = null;
        lastError = error;
        generation++;
        load.set(0);
        setState(MediaServerState.DOWN);
        return previous;
    }

    /** A restarted server: same connection, new objects. */
    void renewed() {
        generation++;
        load.set(0);
        setState(MediaServerState.UP);
    }

    private void setState(MediaServerState next) {
        if (state != next) {
            state = next;
            since = Instant.now();
        }
    }

    @Override
    public String toString() {
        return url + " (" + state + ")";
    }
}
