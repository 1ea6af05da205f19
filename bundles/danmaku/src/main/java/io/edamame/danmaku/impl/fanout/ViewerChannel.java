package io.edamame.danmaku.impl.fanout;

import java.util.function.Consumer;

/**
 * One connected viewer as the fan-out engine sees it: something that can be sent a text frame
 * asynchronously and closed. The WebSocket endpoint implements it over its session; the engine never
 * learns which transport it is.
 *
 * <p>Contract: neither method may block. {@link #send} starts a write and returns; the engine sends
 * the next frame only after {@code whenDone} has run, so an implementation has at most one write of
 * the engine in flight (which is what JSR 356's {@code RemoteEndpoint.Async} allows anyway).
 * {@code whenDone} may run on any thread, including synchronously inside {@code send}.
 */
public interface ViewerChannel {

    /** Close code after a failed write (RFC 6455 1011, internal error): the connection is unusable. */
    int CLOSE_SEND_FAILED = 1011;

    /** Unique among the viewers of one room for as long as it is connected; names it in logs. */
    String id();

    /**
     * Starts writing {@code frame}.
     *
     * @param frame a complete JSON text frame; the same instance may go to many viewers
     * @param whenDone called exactly once when the write has completed: with null on success, with the
     *        cause on failure
     */
    void send(String frame, Consumer<Throwable> whenDone);

    /** Closes the connection with {@code code} and {@code reason}; must be safe to call more than once. */
    void close(int code, String reason);
}
