package io.edamame.redis.api;

/**
 * A Redis command did not succeed: the client is not connected, Redis did not answer in time, or it refused
 * the command. The cause, when there is one, is the client library's own exception.
 */
public class RedisUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RedisUnavailableException(String message) {
        super(message);
    }

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
