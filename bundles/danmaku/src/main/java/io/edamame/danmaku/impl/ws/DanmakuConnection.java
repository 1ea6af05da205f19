package io.edamame.danmaku.impl.ws;

import io.edamame.core.api.Caller;
import io.edamame.core.api.RoomSocketGate;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.fanout.ViewerChannel;
import io.edamame.danmaku.impl.live.LiveViewer;
import io.edamame.danmaku.impl.live.RoomState;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import javax.websocket.CloseReason;
import javax.websocket.RemoteEndpoint;
import javax.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer's WebSocket: the fan-out's {@link ViewerChannel} and moderation's {@link LiveViewer} over a
 * JSR 356 session. Every write goes through one queue with at most one asynchronous send in flight,
 * so that the fan-out's frames and the direct answers to this client (ack, error, pong) never
 * overlap. The fan-out bounds its own frames; direct answers are bounded here, because a client that
 * sends but never reads would otherwise grow them without end.
 */
final class DanmakuConnection implements ViewerChannel, LiveViewer {

    /** Direct answers that may wait; a client that lets more pile up is not reading and is closed. */
    static final int MAX_QUEUED_ANSWERS = 256;

    /** Bad frames (too large, not JSON, unknown type) tolerated before the connection is closed. */
    static final int MAX_BAD_FRAMES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(DanmakuConnection.class);

    private record Outgoing(String frame, Consumer<Throwable> whenDone) {
    }

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final RoomKey room;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>(2);
    private boolean writing;
    private boolean closed;
    private int answersQueued;
    private int badFrames;

    /** Set once joined; read on the session's message thread. */
    volatile RoomState state;
    volatile Caller caller;
    /** What the gate admitted on opening; a token sent later is checked against it. */
    volatile RoomSocketGate.Admission admission;
    volatile String userName;

    DanmakuConnection(Session session, RoomKey room) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.room = room;
    }

    RoomKey room() {
        return room;
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public long userId() {
        Caller c = caller;
        return c == null ? 0 : c.userId();
    }

    /** Counts a bad frame; true when the client has sent too many. */
    boolean badFrame() {
        return ++badFrames >= MAX_BAD_FRAMES;
    }

    @Override
    public void send(String frame, Consumer<Throwable> whenDone) {
        enqueue(new Outgoing(frame, whenDone));
    }

    /** Sends an answer to this client alone (ack, error, pong). */
    void answer(String frame) {
        boolean overflow;
        synchronized (this) {
            overflow = ++answersQueued > MAX_QUEUED_ANSWERS;
        }
        if (overflow) {
            close(SocketCloseCodes.TOO_SLOW, "too slow");
            return;
        }
        enqueue(new Outgoing(frame, null));
    }

    private void enqueue(Outgoing outgoing) {
        synchronized (this) {
            if (closed) {
                // The fan-out waits for whenDone before it sends again; tell it the write failed.
                if (outgoing.whenDone() != null) {
                    outgoing.whenDone().accept(new IOException("closed"));
                }
                return;
            }
            queue.add(outgoing);
            if (writing) {
                return;
            }
            writing = true;
        }
        writeNext();
    }

    private void writeNext() {
        Outgoing next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                writing = false;
                return;
            }
            if (next.whenDone() == null) {
                answersQueued--;
            }
        }
        Outgoing current = next;
        try {
            remote.sendText(current.frame(), result -> {
                if (current.whenDone() != null) {
                    current.whenDone().accept(result.isOK() ? null : result.getException());
                }
                if (result.isOK()) {
                    writeNext();
                } else {
                    failQueued(result.getException());
                }
            });
        } catch (RuntimeException e) {
            // The session closed under us: Jetty refuses new writes instead of failing them later.
            if (current.whenDone() != null) {
                current.whenDone().accept(e);
            }
            failQueued(e);
        }
    }

    private void failQueued(Throwable cause) {
        Outgoing[] left;
        synchronized (this) {
            closed = true;
            writing = false;
            left = queue.toArray(new Outgoing[0]);
            queue.clear();
        }
        for (Outgoing outgoing : left) {
            if (outgoing.whenDone() != null) {
                outgoing.whenDone().accept(cause);
            }
        }
    }

    @Override
    public void close(int code, String reason) {
        synchronized (this) {
            if (closed && !session.isOpen()) {
                return;
            }
            closed = true;
        }
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("DANMAKU: closing {} with {} failed: {}", id(), code, e.getMessage());
        }
        failQueued(new IOException("closed with " + code));
    }
}
