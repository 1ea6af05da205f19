package io.edamame.media.impl.room;

import java.util.Map;

/** The client end of a participant: where notifications go. Never blocks; never throws. */
public interface SignalingPeer {

    /** Sends a JSON-RPC notification ({@code method}, {@code params}) to the client. */
    void notify(String method, Map<String, Object> params);

    /** Closes the connection with a WebSocket close code and the reason given. */
    void close(int code, String reason);
}
