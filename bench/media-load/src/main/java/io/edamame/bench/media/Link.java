package io.edamame.bench.media;

import io.edamame.bench.support.WsClient;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One signaling connection: requests go out with an id, and the answer with that id completes the
 * request's future on the connection's I/O thread, stamped with the time its frame was read.
 * Notifications are only counted. A connection the server closes (or that is lost) fails whatever is
 * still unanswered with {@code closed <code> <reason>}.
 */
final class Link implements WsClient.Listener {

    /** An answer and when its frame was read (System.nanoTime). */
    record Answer(Frame frame, long nanos) {
    }

    /** Why a step of the scenario did not succeed: a stable code to count by, never a stack trace. */
    static final class Failure extends RuntimeException {
        final String code;

        Failure(String code) {
            super(code, null, false, false);
            this.code = code;
        }
    }

    /** Per I/O thread: a frame is copied out of its (direct) buffer once, then parsed. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[64 * 1024];
        }
    };

    private final Traffic traffic;
    final CompletableFuture<Long> open = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<Answer>> pending = new ConcurrentHashMap<>();
    private volatile Channel channel;
    /** The server's close code once it closed, else 0. */
    volatile int closeCode;
    volatile String closeReason;
    private volatile boolean closeRequested;

    Link(Traffic traffic) {
        this.traffic = traffic;
    }

    boolean isOpen() {
        return channel != null && closeCode == 0;
    }

    /** Sends a request; {@code params} is a JSON object's text. */
    CompletableFuture<Answer> request(long id, String method, String params) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        Channel c = channel;
        if (c == null || closeCode != 0) {
            answer.completeExceptionally(closeCode != 0 ? closedFailure() : new Failure("not open"));
            return answer;
        }
        pending.put(id, answer);
        WsClient.send(c, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        return answer;
    }

    @Override
    public void opened(Channel channel, long nowNanos) {
        this.channel = channel;
        if (closeRequested) {
            close();
        }
        open.complete(nowNanos);
    }

    @Override
    public void text(ByteBuf buf, int index, int length, long nowNanos) {
        byte[] bytes = SCRATCH.get();
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, bytes.length * 2)];
            SCRATCH.set(bytes);
        }
        buf.getBytes(index, bytes, 0, length);
        Frame frame = Frame.parse(bytes, 0, length);
        traffic.frame(frame, length);
        if (frame.isAnswer()) {
            CompletableFuture<Answer> waiting = pending.remove(frame.id());
            if (waiting != null) {
                waiting.complete(new Answer(frame, nowNanos));
            } else {
                traffic.unmatched.increment();
            }
        }
    }

    /** The same failure whether a request is made after the close or was waiting when it came. */
    private Failure closedFailure() {
        String reason = closeReason;
        return new Failure("closed " + closeCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
    }

    @Override
    public void closed(int code, String reason) {
        closeReason = reason;
        closeCode = code;
        Failure failure = closedFailure();
        open.completeExceptionally(failure);
        pending.values().forEach(answer -> answer.completeExceptionally(failure));
        pending.clear();
    }

    @Override
    public void failed(String reason) {
        open.completeExceptionally(new Failure(reason));
    }

    /** Closes the connection from this side (a close frame), now or as soon as it opens. */
    void close() {
        closeRequested = true;
        Channel c = channel;
        if (c != null) {
            c.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(1000, null));
        }
    }
}
