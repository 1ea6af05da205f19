package io.edamame.media.impl.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON-RPC notification to clients. What a room tells many participants is one instance, written as
 * JSON once for all of them.
 */
public final class Notification {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String method;
    private final Map<String, Object> params;
    private volatile String frame;

    public Notification(String method, Map<String, Object> params) {
        this.method = method;
        this.params = params;
    }

    public String method() {
        return method;
    }

    public Map<String, Object> params() {
        return params;
    }

    /** The text frame, {@code {"jsonrpc":"2.0","method":...,"params":{...}}}. */
    public String frame() {
        String written = frame;
        if (written == null) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("jsonrpc", "2.0");
            message.put("method", method);
            message.put("params", params);
            try {
                written = JSON.writeValueAsString(message);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("notification " + method + " cannot be written", e);
            }
            frame = written;
        }
        return written;
    }
}
