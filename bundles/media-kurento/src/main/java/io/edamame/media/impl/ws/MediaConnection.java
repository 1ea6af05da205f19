package io.edamame.media.impl.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.Caller;
import io.edamame.core.api.RoomSocketGate;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.media.impl.room.MediaRoom;
import io.edamame.media.impl.room.Notification;
import io.edamame.media.impl.room.RoomKey;
import io.edamame.media.impl.room.SignalingPeer;
import java.io.IOException;
import java.util.ArrayDeque;
import javax.websocket.CloseReason;
import javax.websocket.RemoteEndpoint;
import javax.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling WebSocket. Writes (answers and notifications) go through one queue with at most one
 * asynchronous send in flight, so that they never overlap and a client that does not read cannot make
 * the server buffer without end: past {@link #MAX_QUEUED} frames it is closed.
 */
final class MediaConnection implements SignalingPeer {

    static final int MAX_QUEUED = 1024;
    static final int MAX_BAD_FRAMES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(MediaConnection.class);

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final ObjectMapper mapper;
    final RoomKey roomKey;
    final String participantId;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean closed;
    private int badFrames;

    /** Set on the session's message thread; read also when the session closes. */
    volatile Caller caller;
    volatile MediaRoom room;
    /** What the gate admitted on opening; a token sent with {@code join} is checked against it. */
    volatile RoomSocketGate.Admission admission;

    MediaConnection(Session session, ObjectMapper mapper, RoomKey roomKey, String participantId) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.mapper = mapper;
        this.roomKey = roomKey;
        this.participantId = participantId;
    }

    boolean badFrame() {
        return ++badFrames >= MAX_BAD_FRAMES;
    }

    @Override
    public void notify(Notification notification) {
        sendFrame(notification.frame());
    }

    /** Sends a response, written for this client alone. */
    void send(Object message) {
        String frame;
        try {
            frame = mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            LOG.error("MEDIA: cannot write {}", message, e);
            return;
        }
        sendFrame(frame);
    }

    private void sendFrame(String frame) {
        boolean overflow;
        synchronized (this) {
            if (closed) {
                return;
            }
            overflow = queue.size() >= MAX_QUEUED;
            if (!overflow) {
                queue.add(frame);
                if (writing) {
                    return;
                }
                writing = true;
            }
        }
        if (overflow) {
            close(SocketCloseCodes.TOO_SLOW, "too slow");
            return;
        }
        writeNext();
    }

    private void writeNext() {
        String next;
        synchronized (this) {
            next = queue.poll();
            if (next == null || closed) {
                writing = false;
                return;
            }
        }
        try {
            remote.sendText(next, result -> {
                if (result.isOK()) {
                    writeNext();
                } else {
                    dropQueued();
                }
            });
        } catch (RuntimeException e) {
            // The session closed under us: Jetty refuses new writes instead of failing them later.
            dropQueued();
        }
    }

    private synchronized void dropQueued() {
        closed = true;
        writing = false;
        queue.clear();
    }

    @Override
    public void close(int code, String reason) {
        synchronized (this) {
            if (closed && !session.isOpen()) {
                return;
            }
            closed = true;
            queue.clear();
        }
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("MEDIA: closing {} with {} failed: {}", participantId, code, e.getMessage());
        }
    }
}
