package io.edamame.danmaku.impl.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edamame.core.api.AccessDecision;
import io.edamame.core.api.AccessPurpose;
import io.edamame.core.api.AccessRequest;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ErrorCode;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RoomAccessService;
import io.edamame.core.api.RoomSocketGate.Admission;
import io.edamame.core.api.RoomSocketGate;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService;
import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilterChain;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.api.FilterOutcome;
import io.edamame.danmaku.impl.DanmakuPlugin;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomFanouts;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.fanout.RoomSeed;
import io.edamame.danmaku.impl.live.BusMessage;
import io.edamame.danmaku.impl.live.LiveRooms;
import io.edamame.danmaku.impl.live.RoomState;
import io.edamame.danmaku.impl.store.DanmakuIds;
import io.edamame.danmaku.impl.store.HistoryWriter;
import io.edamame.danmaku.impl.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.websocket.CloseReason;
import javax.websocket.OnClose;
import javax.websocket.OnError;
import javax.websocket.OnMessage;
import javax.websocket.OnOpen;
import javax.websocket.Session;
import javax.websocket.server.PathParam;
import javax.websocket.server.ServerEndpoint;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The danmaku WebSocket, {@code /ws/danmaku/{tenant}/{roomId}}, speaking docs/DANMAKU-PROTOCOL.md.
 * One instance serves every connection (Pax Web hands the registered service to JSR 356); each
 * connection's state is its {@link DanmakuConnection}, kept in the session.
 *
 * <p>Opening checks, in order: the core's {@link RoomSocketGate} (the tenant exists and is active, the
 * plugin is on for it, the token, if any, is valid and of that tenant), the access check lets the caller into the room, the room has
 * not ended and the caller is not banned from it. Each failure closes with the code of the protocol
 * and the error code as reason.
 */
@Component(service = DanmakuEndpoint.class, property = {
        "org.ops4j.pax.web.http.whiteboard.websocket=true",
        "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=" + DanmakuSocketContext.NAME + ")"})
@ServerEndpoint("/{tenant}/{roomId}")
public class DanmakuEndpoint {

    /** Largest client frame the protocol accepts, in bytes. */
    static final int MAX_FRAME_BYTES = 4096;
    /** Frames above this are not even read: the container closes the connection with 1009. */
    static final int MAX_READ_BYTES = 64 * 1024;
    /** A connection that neither sends nor receives anything for this long is closed; clients ping. */
    static final long IDLE_TIMEOUT_MILLIS = 5 * 60_000;
    static final int MAX_LIKES_PER_MESSAGE = 100;
    static final int MAX_CLIENT_ID_LENGTH = 64;

    private static final String CONNECTION = DanmakuConnection.class.getName();
    private static final Logger LOG = LoggerFactory.getLogger(DanmakuEndpoint.class);

    private final RoomSocketGate gate;
    private final UserService users;
    private final PluginRegistry plugins;
    private final RoomAccessService access;
    private final DanmakuFilterChain filters;
    private final RoomFanouts fanouts;
    private final LiveRooms liveRooms;
    private final DanmakuIds ids;
    private final HistoryWriter history;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Set<DanmakuConnection> open = ConcurrentHashMap.newKeySet();

    @Activate
    public DanmakuEndpoint(@Reference RoomSocketGate gate, @Reference UserService users, @Reference PluginRegistry plugins, @Reference RoomAccessService access,
            @Reference DanmakuFilterChain filters, @Reference RoomFanouts fanouts, @Reference LiveRooms liveRooms,
            @Reference DanmakuIds ids, @Reference HistoryWriter history) {
        this.gate = gate;
        this.users = users;
        this.plugins = plugins;
        this.access = access;
        this.filters = filters;
        this.fanouts = fanouts;
        this.liveRooms = liveRooms;
        this.ids = ids;
        this.history = history;
    }

    /**
     * Closes what is still open with 1012 so that clients reconnect. Pax Web usually stops the WebSocket
     * context first (its clients then get 1001), since the service is unregistered before this runs.
     */
    @Deactivate
    void deactivate() {
        for (DanmakuConnection connection : List.copyOf(open)) {
            connection.close(SocketCloseCodes.RESTARTING, "restarting");
        }
    }

    @OnOpen
    public void open(Session session, @PathParam("tenant") String tenantSlug, @PathParam("roomId") String roomIdText) {
        session.setMaxTextMessageBufferSize(MAX_READ_BYTES);
        session.setMaxIdleTimeout(IDLE_TIMEOUT_MILLIS);
        try {
            Admission admission = gate.open(tenantSlug, roomIdText, DanmakuPlugin.ID, parameter(session, "token"));
            if (!admission.isAdmitted()) {
                refuse(session, admission.closeCode(), admission.refusal());
                return;
            }
            Caller caller = admission.caller();
            long tenantId = admission.tenantId();
            long roomId = admission.roomId();
            DanmakuConnection connection = new DanmakuConnection(session, new RoomKey(tenantId, roomId));
            connection.admission = admission;
            if (!admit(session, connection, caller, parameter(session, "password"))) {
                return;
            }
            Optional<RoomState> state = liveRooms.enter(tenantId, roomId, connection);
            if (state.isEmpty()) {
                refuse(session, SocketCloseCodes.NOT_FOUND, CoreErrorCode.ROOM_NOT_FOUND);
                return;
            }
            connection.state = state.get();
            session.getUserProperties().put(CONNECTION, connection);
            open.add(connection);
            if (state.get().deleted()) {
                connection.close(SocketCloseCodes.NOT_FOUND, CoreErrorCode.ROOM_NOT_FOUND.name());
                return;
            }
            if (state.get().status() == RoomStatus.ENDED) {
                connection.close(SocketCloseCodes.ROOM_ENDED, "ROOM_ENDED");
                return;
            }
            if (closedIfBanned(connection, caller, System.currentTimeMillis())) {
                return;
            }
            fanouts.join(connection.room(), connection, new RoomSeed(state.get().pin(), state.get().storedLikes()));
        } catch (StoreException | EdamameException e) {
            LOG.warn("DANMAKU: opening {}/{} failed: {}", tenantSlug, roomIdText, e.getMessage());
            closeQuietly(session, CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode(), "SERVICE_UNAVAILABLE");
        }
    }

    /** Runs the access check and, when granted, sets the caller; else closes the session. */
    private boolean admit(Session session, DanmakuConnection connection, Caller caller, String password) {
        RoomKey room = connection.room();
        AccessDecision decision = access.check(
                new AccessRequest(room.tenantId(), room.roomId(), caller, AccessPurpose.LIVE, password));
        if (!decision.granted()) {
            refuse(session, decision.denial() == CoreErrorCode.ROOM_NOT_FOUND ? SocketCloseCodes.NOT_FOUND
                    : SocketCloseCodes.FORBIDDEN, decision.denial());
            return false;
        }
        if (caller != null) {
            connection.userName = users.find(room.tenantId(), caller.userId())
                    .map(DanmakuEndpoint::displayName).orElse(null);
        }
        connection.caller = caller;
        return true;
    }

    private static String displayName(User user) {
        return user.displayName() != null ? user.displayName() : user.username();
    }

    @OnMessage
    public void message(Session session, String text) {
        DanmakuConnection connection = (DanmakuConnection) session.getUserProperties().get(CONNECTION);
        if (connection == null) {
            return;
        }
        if (overFrameLimit(text)) {
            bad(connection, null, DanmakuErrorCode.MESSAGE_TOO_LARGE, "Frames are limited to 4 KiB");
            return;
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            bad(connection, null, DanmakuErrorCode.MALFORMED_MESSAGE, "Not valid JSON");
            return;
        }
        if (json == null || !json.isObject()) {
            bad(connection, null, DanmakuErrorCode.MALFORMED_MESSAGE, "A message is a JSON object");
            return;
        }
        String clientId = clientId(json);
        String type = json.path("type").asText("");
        try {
            switch (type) {
                case "danmaku" -> danmaku(connection, json, clientId);
                case "like" -> like(connection, json, clientId);
                case "ping" -> connection.answer("{\"type\":\"pong\"}");
                case "auth" -> auth(session, connection, json);
                default -> bad(connection, clientId, DanmakuErrorCode.MALFORMED_MESSAGE, "Unknown type '" + type + "'");
            }
        } catch (StoreException | EdamameException e) {
            LOG.warn("DANMAKU: {} in {} failed: {}", type, connection.room(), e.getMessage());
            error(connection, clientId, CoreErrorCode.SERVICE_UNAVAILABLE, "Try again in a moment");
        }
    }

    private void danmaku(DanmakuConnection connection, JsonNode json, String clientId) {
        Caller caller = connection.caller;
        if (caller == null) {
            error(connection, clientId, CoreErrorCode.UNAUTHENTICATED, "Sign in to send danmaku");
            return;
        }
        RoomState state = connection.state;
        long now = System.currentTimeMillis();
        if (closedIfBanned(connection, caller, now)) {
            return;
        }
        liveRooms.refresh(state);
        if (state.status() != RoomStatus.LIVE) {
            error(connection, clientId, DanmakuErrorCode.ROOM_NOT_LIVE, "The room is not live");
            return;
        }
        if (state.isMuted(caller.userId(), now)) {
            error(connection, clientId, DanmakuErrorCode.MUTED, "You are muted in this room");
            return;
        }
        JsonNode text = json.get("text");
        JsonNode color = json.get("color");
        DanmakuMode mode;
        try {
            mode = json.hasNonNull("mode") ? DanmakuMode.fromWire(json.get("mode").asText()) : DanmakuMode.SCROLL;
        } catch (IllegalArgumentException e) {
            bad(connection, clientId, DanmakuErrorCode.MALFORMED_MESSAGE, "mode is scroll, top or bottom");
            return;
        }
        if ((text != null && !text.isTextual() && !text.isNull()) || (color != null && !color.isTextual() && !color.isNull())) {
            bad(connection, clientId, DanmakuErrorCode.MALFORMED_MESSAGE, "text and color are strings");
            return;
        }
        RoomKey room = connection.room();
        DanmakuDraft draft = new DanmakuDraft(room.tenantId(), room.roomId(), caller.userId(), connection.userName,
                text == null || text.isNull() ? "" : text.asText(), color == null || color.isNull() ? null : color.asText(),
                mode, clientId, Instant.ofEpochMilli(now));
        FilterOutcome outcome = filters.apply(draft, plugins.settings(room.tenantId(), DanmakuPlugin.ID));
        if (outcome instanceof FilterOutcome.Rejected rejected) {
            error(connection, clientId, rejected.code(), rejected.message());
            return;
        }
        DanmakuDraft passed = ((FilterOutcome.Accepted) outcome).draft();
        boolean moderator = caller.role() == TenantRole.TENANT_ADMIN || caller.userId() == state.hostUserId();
        if (!moderator && !state.trySendUnderSlowMode(caller.userId(), now)) {
            error(connection, clientId, DanmakuErrorCode.SLOW_MODE,
                    "Slow mode: one danmaku every " + state.slowModeSeconds() + " s");
            return;
        }
        FanoutItem.Danmaku accepted = FanoutItem.Danmaku.accepted(ids.next(), passed, state.offsetMs(now));
        liveRooms.broadcast(new BusMessage.Event(room, accepted));
        history.accepted(room.tenantId(), room.roomId(), accepted);
        ObjectNode ack = mapper.createObjectNode().put("type", "ack").put("clientId", clientId).put("id", accepted.id());
        connection.answer(ack.toString());
    }

    private void like(DanmakuConnection connection, JsonNode json, String clientId) {
        if (connection.caller == null) {
            error(connection, clientId, CoreErrorCode.UNAUTHENTICATED, "Sign in to like");
            return;
        }
        JsonNode count = json.get("count");
        int n = count == null ? 1 : count.canConvertToInt() && count.isIntegralNumber() ? count.asInt() : -1;
        if (n < 1 || n > MAX_LIKES_PER_MESSAGE) {
            bad(connection, clientId, DanmakuErrorCode.MALFORMED_MESSAGE, "count is 1 to " + MAX_LIKES_PER_MESSAGE);
            return;
        }
        if (connection.state.status() == RoomStatus.ENDED) {
            return;
        }
        liveRooms.like(connection.room(), n);
    }

    /** The token as a first message, for clients that cannot put it in the URL. */
    private void auth(Session session, DanmakuConnection connection, JsonNode json) {
        if (connection.caller != null) {
            bad(connection, null, DanmakuErrorCode.MALFORMED_MESSAGE, "Already signed in");
            return;
        }
        Admission signedIn = gate.signIn(connection.admission, json.path("token").asText(""));
        if (!signedIn.isAdmitted()) {
            refuse(session, signedIn.closeCode(), signedIn.refusal());
            return;
        }
        Caller caller = signedIn.caller();
        if (!admit(session, connection, caller, json.path("password").asText(null))) {
            return;
        }
        // As when the token comes with the URL: a banned user is not let in.
        closedIfBanned(connection, caller, System.currentTimeMillis());
    }

    /**
     * Closes the connection with 4403 {@code BANNED} if its user is banned from the room: checked when
     * a user is known (opening, signing in) and again when they send, in case the ban's bus message
     * has not arrived.
     */
    private static boolean closedIfBanned(DanmakuConnection connection, Caller caller, long nowMs) {
        if (caller == null || !connection.state.isBanned(caller.userId(), nowMs)) {
            return false;
        }
        connection.close(SocketCloseCodes.FORBIDDEN, DanmakuErrorCode.BANNED.name());
        return true;
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        DanmakuConnection connection = (DanmakuConnection) session.getUserProperties().remove(CONNECTION);
        if (connection != null) {
            open.remove(connection);
            fanouts.leave(connection.room(), connection.id());
            liveRooms.leave(connection.state, connection);
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        // Jetty closes the session after this (1006 or 1011): network failures are routine, not errors.
        LOG.debug("DANMAKU: connection {} failed: {}", session.getId(), failure.toString());
    }

    private void bad(DanmakuConnection connection, String clientId, ErrorCode code, String message) {
        error(connection, clientId, code, message);
        if (connection.badFrame()) {
            connection.close(SocketCloseCodes.BAD_FRAMES, "too many bad frames");
        }
    }

    private void error(DanmakuConnection connection, String clientId, ErrorCode code, String message) {
        ObjectNode error = mapper.createObjectNode().put("type", "error").put("clientId", clientId)
                .put("code", code.name()).put("message", message);
        connection.answer(error.toString());
    }

    private static void refuse(Session session, int code, ErrorCode reason) {
        closeQuietly(session, code, reason.name());
    }

    private static void closeQuietly(Session session, int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (java.io.IOException | IllegalStateException e) {
            LOG.debug("DANMAKU: closing {} failed: {}", session.getId(), e.getMessage());
        }
    }

    private static String parameter(Session session, String name) {
        Map<String, List<String>> parameters = session.getRequestParameterMap();
        List<String> values = parameters == null ? null : parameters.get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static String clientId(JsonNode json) {
        JsonNode id = json.get("clientId");
        if (id == null || id.isNull()) {
            return null;
        }
        String text = id.asText();
        return text.length() > MAX_CLIENT_ID_LENGTH ? text.substring(0, MAX_CLIENT_ID_LENGTH) : text;
    }

    /**
     * Whether the frame's UTF-8 form exceeds {@link #MAX_FRAME_BYTES}; it encodes only when the length
     * does not decide, since a UTF-8 string has at least one and at most three bytes per char.
     */
    static boolean overFrameLimit(String text) {
        if (text.length() > MAX_FRAME_BYTES) {
            return true;
        }
        if (text.length() * 3 <= MAX_FRAME_BYTES) {
            return false;
        }
        return text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES;
    }
}
