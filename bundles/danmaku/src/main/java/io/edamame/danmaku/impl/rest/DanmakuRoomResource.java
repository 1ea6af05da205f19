package io.edamame.danmaku.impl.rest;

import io.edamame.core.api.AccessPurpose;
import io.edamame.core.api.AccessRequest;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccessService;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.UserService;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.impl.DanmakuPlugin;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.live.BusMessage;
import io.edamame.danmaku.impl.live.LiveRooms;
import io.edamame.danmaku.impl.store.DanmakuStore;
import io.edamame.danmaku.impl.store.DanmakuStore.RoomRecord;
import io.edamame.danmaku.impl.store.DanmakuStore.Sanction;
import io.edamame.danmaku.impl.store.DanmakuStore.SanctionKind;
import io.edamame.danmaku.impl.store.HistoryWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.validation.Valid;
import javax.validation.constraints.Max;
import javax.validation.constraints.Min;
import javax.validation.constraints.NotNull;
import javax.validation.constraints.Size;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A room's danmaku over REST: the history of a replay window, and moderation by the room's host or a
 * tenant admin: retract a danmaku, mute or ban a user, pin a notice, slow mode. Each change is stored
 * first, then applied on every node through {@link LiveRooms#broadcast}, so it takes effect at once
 * for every viewer and survives restarts.
 */
@Component(service = RestResource.class, property = Plugin.PLUGIN_ID + "=" + DanmakuPlugin.ID)
@Path("/tenants/{tenant}/rooms/{roomId}/danmaku")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DanmakuRoomResource implements RestResource {

    static final int DEFAULT_HISTORY_LIMIT = 1000;
    static final int MAX_HISTORY_LIMIT = 5000;
    static final int MAX_SANCTION_SECONDS = 30 * 24 * 3600;
    static final int MAX_SLOW_MODE_SECONDS = 3600;
    static final int MAX_PIN_LENGTH = 500;

    /** A mute or ban: for {@code seconds}, or until lifted when absent. */
    public record SanctionRequest(@Min(1) @Max(MAX_SANCTION_SECONDS) Integer seconds) {
    }

    public record PinRequest(@NotNull @Size(min = 1, max = MAX_PIN_LENGTH) String text) {
    }

    public record SlowModeRequest(@NotNull @Min(0) @Max(MAX_SLOW_MODE_SECONDS) Integer seconds) {
    }

    private final RoomService rooms;
    private final UserService users;
    private final RoomAccessService access;
    private final DanmakuStore store;
    private final HistoryWriter history;
    private final LiveRooms liveRooms;

    @Activate
    public DanmakuRoomResource(@Reference RoomService rooms, @Reference UserService users,
            @Reference RoomAccessService access, @Reference DanmakuStore store, @Reference HistoryWriter history,
            @Reference LiveRooms liveRooms) {
        this.rooms = rooms;
        this.users = users;
        this.access = access;
        this.store = store;
        this.history = history;
        this.liveRooms = liveRooms;
    }

    /**
     * The danmaku sent with {@code fromMs <= offsetMs < toMs}, in the order they were sent, without
     * retracted ones; at most {@code limit}, with {@code truncated} telling whether more follow (ask
     * again from the last item's {@code offsetMs}). Allowed to whoever may watch the room's replay.
     */
    @GET
    public Map<String, Object> history(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @QueryParam("fromMs") String fromText, @QueryParam("toMs") String toText,
            @QueryParam("limit") String limitText, @QueryParam("password") String password) {
        Caller caller = caller(security);
        long from = longParam("fromMs", fromText, 0);
        long to = longParam("toMs", toText, Long.MAX_VALUE);
        long limit = longParam("limit", limitText, DEFAULT_HISTORY_LIMIT);
        if (from < 0) {
            throw invalid("fromMs", "must be 0 or more");
        }
        if (to <= from) {
            throw invalid("toMs", "must be greater than fromMs");
        }
        if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
            throw invalid("limit", "must be 1 to " + MAX_HISTORY_LIMIT);
        }
        access.check(new AccessRequest(caller.tenantId(), roomId, caller, AccessPurpose.REPLAY, password)).orThrow();
        List<DanmakuStore.StoredDanmaku> rows = store.history(caller.tenantId(), roomId, from, to, (int) limit + 1);
        boolean truncated = rows.size() > limit;
        List<Map<String, Object>> items = rows.subList(0, (int) Math.min(limit, rows.size())).stream()
                .map(row -> item(row.danmaku())).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("fromMs", from);
        body.put("toMs", to == Long.MAX_VALUE ? null : to);
        body.put("items", items);
        body.put("truncated", truncated);
        return body;
    }

    private static Map<String, Object> item(FanoutItem.Danmaku d) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("type", "danmaku");
        item.put("id", d.id());
        item.put("user", Map.of("id", d.user().id(), "name", d.user().name() == null ? "" : d.user().name()));
        item.put("text", d.text());
        item.put("color", d.color());
        item.put("mode", d.mode().wire());
        item.put("ts", d.ts());
        item.put("offsetMs", d.offsetMs());
        return item;
    }

    /** Takes a danmaku back: viewers receive {@code retract}, and replays no longer show it. */
    @DELETE
    @Path("/{danmakuId}")
    public Response retract(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @PathParam("danmakuId") long danmakuId) {
        Caller caller = moderator(security, roomId);
        // It may still wait in the writer's queue; write it first, so that it can be found and marked.
        history.flush();
        if (!store.exists(caller.tenantId(), roomId, danmakuId)) {
            throw new EdamameException(DanmakuErrorCode.DANMAKU_NOT_FOUND, "No danmaku " + danmakuId + " in this room");
        }
        store.write(List.of(), List.of(new DanmakuStore.Retraction(caller.tenantId(), roomId, danmakuId)), Map.of());
        liveRooms.broadcast(new BusMessage.Event(key(caller, roomId), new FanoutItem.Retract(danmakuId)));
        return Response.noContent().build();
    }

    /** The room's moderation state: slow mode, pin, and the mutes and bans in force. */
    @GET
    @Path("/moderation")
    public Map<String, Object> moderation(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        Caller caller = moderator(security, roomId);
        RoomRecord record = store.room(caller.tenantId(), roomId);
        long now = System.currentTimeMillis();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("slowModeSeconds", record.slowModeSeconds());
        body.put("pin", record.pinText() == null ? null : Map.of("text", record.pinText(), "ts", record.pinAtMs()));
        body.put("mutes", sanctions(record, SanctionKind.MUTE, now));
        body.put("bans", sanctions(record, SanctionKind.BAN, now));
        return body;
    }

    private static List<Map<String, Object>> sanctions(RoomRecord record, SanctionKind kind, long now) {
        return record.sanctions().stream().filter(s -> s.kind() == kind && s.activeAt(now)).map(s -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("userId", s.userId());
            entry.put("untilMs", s.untilMs());
            entry.put("byUserId", s.byUserId());
            return entry;
        }).toList();
    }

    /** The user may still watch but not send, for {@code seconds} or until unmuted. */
    @PUT
    @Path("/mutes/{userId}")
    public Response mute(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @PathParam("userId") long userId, @Valid SanctionRequest request) {
        return sanction(security, roomId, userId, SanctionKind.MUTE, request);
    }

    @DELETE
    @Path("/mutes/{userId}")
    public Response unmute(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @PathParam("userId") long userId) {
        return lift(security, roomId, userId, SanctionKind.MUTE);
    }

    /** The user's connections to the room are closed with 4403 {@code BANNED} and refused until the ban ends. */
    @PUT
    @Path("/bans/{userId}")
    public Response ban(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @PathParam("userId") long userId, @Valid SanctionRequest request) {
        return sanction(security, roomId, userId, SanctionKind.BAN, request);
    }

    @DELETE
    @Path("/bans/{userId}")
    public Response unban(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @PathParam("userId") long userId) {
        return lift(security, roomId, userId, SanctionKind.BAN);
    }

    @PUT
    @Path("/pin")
    public Map<String, Object> pin(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @Valid @NotNull PinRequest request) {
        Caller caller = moderator(security, roomId);
        long now = System.currentTimeMillis();
        store.setPin(caller.tenantId(), roomId, request.text(), now);
        liveRooms.broadcast(new BusMessage.Event(key(caller, roomId), new FanoutItem.Pin(request.text(), now)));
        return Map.of("text", request.text(), "ts", now);
    }

    @DELETE
    @Path("/pin")
    public Response unpin(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        Caller caller = moderator(security, roomId);
        long now = System.currentTimeMillis();
        store.setPin(caller.tenantId(), roomId, null, now);
        liveRooms.broadcast(new BusMessage.Event(key(caller, roomId), new FanoutItem.Pin(null, now)));
        return Response.noContent().build();
    }

    /** One danmaku per {@code seconds} per viewer (hosts and admins are exempt); 0 turns it off. */
    @PUT
    @Path("/slow-mode")
    public Map<String, Object> slowMode(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @Valid @NotNull SlowModeRequest request) {
        Caller caller = moderator(security, roomId);
        int seconds = request.seconds();
        store.setSlowMode(caller.tenantId(), roomId, seconds);
        RoomKey room = key(caller, roomId);
        liveRooms.broadcast(new BusMessage.SlowMode(room, seconds));
        liveRooms.broadcast(new BusMessage.Event(room, new FanoutItem.Notice(seconds == 0
                ? "Slow mode is off" : "Slow mode is on: one danmaku every " + seconds + " s")));
        return Map.of("slowModeSeconds", seconds);
    }

    private Response sanction(SecurityContext security, long roomId, long userId, SanctionKind kind,
            SanctionRequest request) {
        Caller caller = moderator(security, roomId);
        if (users.find(caller.tenantId(), userId).isEmpty()) {
            throw new EdamameException(CoreErrorCode.USER_NOT_FOUND, "No user " + userId + " in this tenant");
        }
        long now = System.currentTimeMillis();
        Long until = request == null || request.seconds() == null ? null : now + request.seconds() * 1000L;
        store.putSanction(caller.tenantId(), roomId, new Sanction(userId, kind, until, caller.userId(), now));
        liveRooms.broadcast(new BusMessage.Sanctioned(key(caller, roomId), userId, kind, until));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("untilMs", until);
        return Response.ok(body).build();
    }

    private Response lift(SecurityContext security, long roomId, long userId, SanctionKind kind) {
        Caller caller = moderator(security, roomId);
        if (!store.removeSanction(caller.tenantId(), roomId, userId, kind)) {
            throw new EdamameException(CoreErrorCode.NOT_FOUND, "User " + userId + " has no " + kind.name().toLowerCase()
                    + " in this room");
        }
        liveRooms.broadcast(new BusMessage.Lifted(key(caller, roomId), userId, kind));
        return Response.noContent().build();
    }

    /** The caller, if they are the room's host or a tenant admin. */
    private Caller moderator(SecurityContext security, long roomId) {
        Caller caller = caller(security);
        Room room = rooms.find(caller.tenantId(), roomId)
                .orElseThrow(() -> new EdamameException(CoreErrorCode.ROOM_NOT_FOUND, "No room " + roomId));
        if (!caller.isTenantAdmin() && room.hostUserId() != caller.userId()) {
            throw new EdamameException(CoreErrorCode.FORBIDDEN, "Only the room's host or a tenant admin moderates");
        }
        return caller;
    }

    private static RoomKey key(Caller caller, long roomId) {
        return new RoomKey(caller.tenantId(), roomId);
    }

    static Caller caller(SecurityContext security) {
        return (Caller) security.getUserPrincipal();
    }

    static long longParam(String name, String value, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name, "must be an integer");
        }
    }

    static EdamameException invalid(String name, String message) {
        return new EdamameException(CoreErrorCode.VALIDATION_FAILED, "Invalid parameter '" + name + "'",
                List.of(Map.of("field", name, "message", message)));
    }
}
