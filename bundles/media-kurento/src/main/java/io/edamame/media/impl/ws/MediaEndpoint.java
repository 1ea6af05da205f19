package io.edamame.media.impl.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.AccessDecision;
import io.edamame.core.api.AccessPurpose;
import io.edamame.core.api.AccessRequest;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ErrorCode;
import io.edamame.core.api.RoomAccessService;
import io.edamame.core.api.RoomSocketGate.Admission;
import io.edamame.core.api.RoomSocketGate;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService;
import io.edamame.media.api.MediaErrorCode;
import io.edamame.media.api.MediaSettings;
import io.edamame.media.impl.replay.ReplayPlayers;
import io.edamame.media.impl.room.MediaRoom;
import io.edamame.media.impl.room.MediaRooms;
import io.edamame.media.impl.room.RoomKey;
import io.edamame.media.impl.store.MediaStoreException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.kurento.client.IceCandidate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media signaling WebSocket, {@code /ws/media/{tenant}/{roomId}}, speaking JSON-RPC 2.0 as
 * docs/MEDIA-PROTOCOL.md describes. One instance serves every connection; a connection's state is its
 * {@link MediaConnection}. JSR 356 delivers one connection's messages one at a time, so a connection's
 * calls are answered in order.
 *
 * <p>Opening is the core's {@link RoomSocketGate}: the tenant, the plugin switch and the token; the access check runs at {@code join}
 * (purpose LIVE) and at {@code playRecording} (purpose REPLAY), so that one connection serves the live
 * and, once it ended, the replay of a room.
 */
@Component(service = MediaEndpoint.class, property = {
        "org.ops4j.pax.web.http.whiteboard.websocket=true",
        "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=" + MediaSocketContext.NAME + ")"})
@ServerEndpoint("/{tenant}/{roomId}")
public class MediaEndpoint {

    /** Largest client frame, in bytes: SDP offers of browsers are a few KiB. */
    static final int MAX_FRAME_BYTES = 64 * 1024;
    /** A connection that neither sends nor receives anything for this long is closed; clients ping. */
    static final long IDLE_TIMEOUT_MILLIS = 5 * 60_000;

    /** The methods that need {@code join} first, so that calling one too early says so. */
    private static final Set<String> JOINED_METHODS = Set.of("publish", "unpublish", "subscribe", "unsubscribe",
            "iceCandidate", "leave", "raiseHand", "lowerHand", "acceptHand", "declineHand", "muteSpeaker",
            "dropSpeaker", "turnPage");
    private static final String CONNECTION = MediaConnection.class.getName();
    private static final Logger LOG = LoggerFactory.getLogger(MediaEndpoint.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RoomSocketGate gate;
    private final UserService users;
    private final RoomAccessService access;
    private final MediaRooms rooms;
    private final ReplayPlayers replays;
    private final SlideTurns slides;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Set<MediaConnection> open = ConcurrentHashMap.newKeySet();

    @Activate
    public MediaEndpoint(@Reference RoomSocketGate gate, @Reference UserService users,
                         @Reference RoomAccessService access,
                         @Reference MediaRooms rooms, @Reference ReplayPlayers replays, @Reference SlideTurns slides) {
        this.gate = gate;
        this.users = users;
        this.access = access;
        this.rooms = rooms;
        this.replays = replays;
        this.slides = slides;
    }

    /**
     * Closes what is still open with 1012 so that clients reconnect. Pax Web usually stops the WebSocket
     * context first (its clients then get 1001), since the service is unregistered before this runs.
     */
    @Deactivate
    void deactivate() {
        for (MediaConnection connection : List.copyOf(open)) {
            connection.close(SocketCloseCodes.RESTARTING, "restarting");
        }
    }

    @OnOpen
    public void open(Session session, @PathParam("tenant") String tenantSlug, @PathParam("roomId") String roomIdText) {
        session.setMaxTextMessageBufferSize(MAX_FRAME_BYTES);
        session.setMaxIdleTimeout(IDLE_TIMEOUT_MILLIS);
        Admission admission;
        try {
            admission = gate.open(tenantSlug, roomIdText, MediaSettings.PLUGIN_ID, parameter(session, "token"));
        } catch (EdamameException e) {
            LOG.warn("MEDIA: opening {}/{} failed: {}", tenantSlug, roomIdText, e.getMessage());
            closeQuietly(session, SocketCloseCodes.TRY_AGAIN_LATER, "SERVICE_UNAVAILABLE");
            return;
        }
        if (!admission.isAdmitted()) {
            refuse(session, admission.closeCode(), admission.refusal());
            return;
        }
        MediaConnection connection = new MediaConnection(session, mapper,
                new RoomKey(admission.tenantId(), admission.roomId()), newId());
        connection.admission = admission;
        connection.caller = admission.caller();
        session.getUserProperties().put(CONNECTION, connection);
        open.add(connection);
    }

    @OnMessage
    public void message(Session session, String text) {
        MediaConnection connection = (MediaConnection) session.getUserProperties().get(CONNECTION);
        if (connection == null) {
            return;
        }
        JsonNode request;
        try {
            request = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            bad(connection, null, MediaErrorCode.PARSE_ERROR, "Not JSON");
            return;
        }
        if (request == null || !request.isObject() || !"2.0".equals(request.path("jsonrpc").asText())
                || !request.path("method").isTextual()
                || (request.has("id") && !(request.get("id").isTextual() || request.get("id").isIntegralNumber()))
                || (request.has("params") && !request.get("params").isObject())) {
            bad(connection, request != null && request.has("id") ? request.get("id") : null,
                    MediaErrorCode.INVALID_REQUEST, "Not a JSON-RPC 2.0 request with object params");
            return;
        }
        JsonNode id = request.get("id");
        String method = request.get("method").asText();
        JsonNode params = request.has("params") ? request.get("params") : mapper.createObjectNode();
        try {
            Object result = call(session, connection, method, params);
            if (id != null) {
                Map<String, Object> response = new LinkedHashMap<>();
                response.put("jsonrpc", "2.0");
                response.put("id", id);
                response.put("result", result == null ? Map.of() : result);
                connection.send(response);
            }
        } catch (EdamameException e) {
            if (id != null) {
                error(connection, id, e.code(), e.getMessage());
            }
        } catch (MediaStoreException e) {
            LOG.warn("MEDIA: {} in {} failed: {}", method, connection.roomKey, e.getMessage());
            if (id != null) {
                error(connection, id, CoreErrorCode.SERVICE_UNAVAILABLE, "Try again in a moment");
            }
        }
    }

    private Object call(Session session, MediaConnection connection, String method, JsonNode params) {
        String me = connection.participantId;
        switch (method) {
            case "ping":
                return Map.of("value", "pong");
            case "join":
                return stillAdmitted(session, connection) ? join(session, connection, params) : null;
            case "playRecording":
                if (!stillAdmitted(session, connection)) {
                    return null;
                }
                return replays.play(connection.roomKey, connection.caller, me, connection,
                        longParam(params, "recordingId"), text(params, "sdpOffer"), optionalText(params, "password"));
            case "stopPlayback":
                replays.stop(me, text(params, "playbackId"));
                return null;
            case "iceCandidate": {
                // A playback's endpoint needs no join: the connection may watch a replay only.
                String endpointKey = text(params, "publisherId");
                if (replays.owns(me, endpointKey)) {
                    replays.iceCandidate(me, endpointKey, candidate(params));
                    return null;
                }
                break;
            }
            default:
                break;
        }
        MediaRoom room = connection.room;
        if (room == null) {
            if (!JOINED_METHODS.contains(method)) {
                throw new EdamameException(MediaErrorCode.METHOD_NOT_FOUND, "No method '" + method + "'");
            }
            throw new EdamameException(MediaErrorCode.NOT_JOINED, "Join the room first");
        }
        switch (method) {
            case "publish":
                return Map.of("publisherId", me, "sdpAnswer", room.publish(me, text(params, "sdpOffer")));
            case "unpublish":
                room.unpublish(me);
                return null;
            case "subscribe": {
                String publisherId = text(params, "publisherId");
                return Map.of("publisherId", publisherId,
                        "sdpAnswer", room.subscribe(me, publisherId, text(params, "sdpOffer")));
            }
            case "unsubscribe":
                room.unsubscribe(me, text(params, "publisherId"));
                return null;
            case "iceCandidate":
                room.iceCandidate(me, text(params, "publisherId"), candidate(params));
                return null;
            case "leave":
                room.leave(me);
                connection.room = null;
                return null;
            case "raiseHand":
                room.raiseHand(me);
                return null;
            case "lowerHand":
                room.lowerHand(me);
                return null;
            case "acceptHand":
                room.acceptHand(me, text(params, "participantId"));
                return null;
            case "declineHand":
                room.declineHand(me, text(params, "participantId"));
                return null;
            case "muteSpeaker":
                room.muteSpeaker(me, text(params, "participantId"),
                        !params.has("muted") || booleanParam(params, "muted"));
                return null;
            case "dropSpeaker":
                room.dropSpeaker(me, text(params, "participantId"));
                return null;
            case "turnPage":
                if (!room.isModerator(me)) {
                    throw new EdamameException(MediaErrorCode.NOT_ALLOWED, "Only the host or a tenant admin turns pages");
                }
                return slides.turn(connection.caller, connection.roomKey, intParam(params, "page"));
            default:
                throw new EdamameException(MediaErrorCode.METHOD_NOT_FOUND, "No method '" + method + "'");
        }
    }

    /**
     * Whether the tenant is still active with the plugin on, as when the connection opened; if not, the
     * connection is closed as it would have been refused then.
     */
    private boolean stillAdmitted(Session session, MediaConnection connection) {
        Admission now = gate.recheck(connection.admission, MediaSettings.PLUGIN_ID);
        if (!now.isAdmitted()) {
            refuse(session, now.closeCode(), now.refusal());
        }
        return now.isAdmitted();
    }

    private Object join(Session session, MediaConnection connection, JsonNode params) {
        if (connection.room != null) {
            throw new EdamameException(MediaErrorCode.ALREADY_JOINED, "Already joined");
        }
        String token = optionalText(params, "token");
        if (token != null) {
            if (connection.caller != null) {
                throw new EdamameException(MediaErrorCode.INVALID_PARAMS, "Already signed in");
            }
            Admission signedIn = gate.signIn(connection.admission, token);
            if (!signedIn.isAdmitted()) {
                refuse(session, signedIn.closeCode(), signedIn.refusal());
                return null;
            }
            connection.caller = signedIn.caller();
        }
        RoomKey key = connection.roomKey;
        Caller caller = connection.caller;
        AccessDecision decision = access.check(new AccessRequest(key.tenantId(), key.roomId(), caller,
                AccessPurpose.LIVE, optionalText(params, "password")));
        if (!decision.granted()) {
            if (decision.denial() == CoreErrorCode.ROOM_NOT_FOUND) {
                connection.close(SocketCloseCodes.NOT_FOUND, CoreErrorCode.ROOM_NOT_FOUND.name());
                return null;
            }
            throw new EdamameException(decision.denial(), decision.message());
        }
        MediaRoom room = rooms.room(key.tenantId(), key.roomId());
        String name = caller == null ? null : users.find(key.tenantId(), caller.userId())
                .map(MediaEndpoint::displayName).orElse(null);
        Map<String, Object> joined = new LinkedHashMap<>(room.join(connection.participantId, caller, name, connection));
        connection.room = room;
        if (!session.isOpen()) {
            // Closed while joining: the close handler may have run before the room was set.
            room.leave(connection.participantId);
            return null;
        }
        slides.current(key).ifPresent(page -> joined.put("slides", page));
        return joined;
    }

    private static String displayName(User user) {
        return user.displayName() != null ? user.displayName() : user.username();
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        MediaConnection connection = (MediaConnection) session.getUserProperties().remove(CONNECTION);
        if (connection != null) {
            open.remove(connection);
            replays.stopAll(connection.participantId);
            MediaRoom room = connection.room;
            if (room != null) {
                room.leave(connection.participantId);
            }
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        // Jetty closes the session after this (1006 or 1011): network failures are routine, not errors.
        LOG.debug("MEDIA: connection {} failed: {}", session.getId(), failure.toString());
    }

    // ---- JSON-RPC ---------------------------------------------------------------------------------

    private void bad(MediaConnection connection, JsonNode id, ErrorCode code, String message) {
        error(connection, id, code, message);
        if (connection.badFrame()) {
            connection.close(SocketCloseCodes.BAD_FRAMES, "too many bad frames");
        }
    }

    /**
     * An error response. Media errors carry their own JSON-RPC code; errors of the platform (access
     * check, tenant, slides) carry their HTTP status as code. {@code data.errorCode} names either.
     */
    private void error(MediaConnection connection, JsonNode id, ErrorCode code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code instanceof MediaErrorCode media ? media.rpcCode() : code.httpStatus());
        error.put("message", message == null ? code.name() : message);
        error.put("data", Map.of("errorCode", code.name()));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("id", id);
        response.put("error", error);
        connection.send(response);
    }

    private static String text(JsonNode params, String name) {
        JsonNode value = params.get(name);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new EdamameException(MediaErrorCode.INVALID_PARAMS, name + " is a non-empty string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode params, String name) {
        JsonNode value = params.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new EdamameException(MediaErrorCode.INVALID_PARAMS, name + " is a string");
        }
        return value.asText();
    }

    private static long longParam(JsonNode params, String name) {
        JsonNode value = params.get(name);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new EdamameException(MediaErrorCode.INVALID_PARAMS, name + " is an integer");
        }
        return value.asLong();
    }

    private static int intParam(JsonNode params, String name) {
        JsonNode value = params.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new EdamameException(MediaErrorCode.INVALID_PARAMS, name + " is an integer");
        }
        return value.asInt();
    }

    private static boolean booleanParam(JsonNode params, String name) {
        JsonNode value = params.get(name);
        if (value == null || !value.isBoolean()) {
            throw new EdamameException(MediaErrorCode.INVALID_PARAMS, name + " is true or false");
        }
        return value.asBoolean();
    }

    /** {@code candidate}: {candidate, sdpMid, sdpMLineIndex}, as a browser's RTCIceCandidate serialises. */
    private static IceCandidate candidate(JsonNode params) {
        JsonNode c = params.get("candidate");
        if (c == null || !c.isObject() || !c.path("candidate").isTextual() || c.path("candidate").asText().length() > 1024
                || !c.path("sdpMLineIndex").isIntegralNumber()
                || (c.has("sdpMid") && !c.get("sdpMid").isTextual() && !c.get("sdpMid").isNull())) {
            throw new EdamameException(MediaErrorCode.INVALID_PARAMS,
                    "candidate is {candidate: string, sdpMid: string, sdpMLineIndex: integer}");
        }
        return new IceCandidate(c.get("candidate").asText(), c.path("sdpMid").asText(""), c.get("sdpMLineIndex").asInt());
    }

    private static String newId() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String parameter(Session session, String name) {
        List<String> values = session.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static void refuse(Session session, int code, ErrorCode reason) {
        closeQuietly(session, code, reason.name());
    }

    private static void closeQuietly(Session session, int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (java.io.IOException | IllegalStateException e) {
            LOG.debug("MEDIA: closing {} failed: {}", session.getId(), e.getMessage());
        }
    }
}
