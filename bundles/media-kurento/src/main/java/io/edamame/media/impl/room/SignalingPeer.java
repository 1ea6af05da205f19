package io.edamame.media.impl.room;

/** The client end of a participant: where notifications go. Never blocks; never throws. */
public interface SignalingPeer {

    void notify(Notification notification);

    /** Closes the connection with a WebSocket close code and the reason given. */
    void close(int code, String reason);
}
