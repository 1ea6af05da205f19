package io.edamame.media.impl.rest;

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
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.media.api.MediaErrorCode;
import io.edamame.media.api.MediaSettings;
import io.edamame.media.impl.room.MediaRooms;
import io.edamame.media.impl.store.MediaStore;
import io.edamame.media.impl.store.Recording;
import io.edamame.media.impl.store.RecordingStatus;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Recordings over REST, {@code /tenants/{tenant}/recordings[?roomId=]}: a room's list, a recording's metadata, and their files served with HTTP ranges so
 * that a player can seek. Open to whoever the core's access check lets watch the room's replay
 * (purpose REPLAY; the billing plugin answers for paid replays), anonymous viewers included where it
 * admits them. The token comes as a bearer header or, for a {@code <video src>} that cannot send one,
 * as {@code ?token=}. The storage location is shown to the room's host and tenant admins only.
 */
@Component(service = RestResource.class, property = Plugin.PLUGIN_ID + "=" + MediaSettings.PLUGIN_ID)
@Path("/tenants/{tenant}/recordings")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class RecordingsResource implements RestResource {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final String BEARER = "Bearer ";

    private final TenantService tenants;
    private final TokenService tokens;
    private final RoomService rooms;
    private final RoomAccessService access;
    private final MediaStore store;

    @Activate
    public RecordingsResource(@Reference TenantService tenants, @Reference TokenService tokens,
                              @Reference RoomService rooms, @Reference RoomAccessService access,
                              @Reference MediaStore store) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.rooms = rooms;
        this.access = access;
        this.store = store;
    }

    @GET
    @Operation(summary = "The recording segments of a room, oldest first (a room cut by a media server restart has several)")
    public Map<String, Object> list(@PathParam("tenant") String tenantSlug, @QueryParam("roomId") long roomId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("token") String token,
            @QueryParam("password") String password) {
        Tenant tenant = tenant(tenantSlug);
        Caller caller = caller(tenant, authorization, token);
        Room room = checkReplay(tenant, roomId, caller, password);
        boolean moderator = isModerator(caller, room);
        List<Map<String, Object>> items = store.forRoom(tenant.id(), roomId).stream()
                .map(recording -> describe(tenantSlug, recording, moderator)).toList();
        return Map.of("items", items);
    }

    @GET
    @Path("/{recordingId}")
    @Operation(summary = "One recording segment's metadata")
    public Map<String, Object> get(@PathParam("tenant") String tenantSlug, @PathParam("recordingId") long recordingId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("token") String token,
            @QueryParam("password") String password) {
        Tenant tenant = tenant(tenantSlug);
        Caller caller = caller(tenant, authorization, token);
        Recording recording = recording(tenant, recordingId);
        Room room = checkReplay(tenant, recording.roomId(), caller, password);
        return describe(tenantSlug, recording, isModerator(caller, room));
    }

    @GET
    @Path("/{recordingId}/file")
    @Produces({"video/webm", "audio/webm", MediaType.APPLICATION_JSON})
    @Operation(summary = "The recording's file; honours a single HTTP byte range (206) for seeking")
    public Response file(@PathParam("tenant") String tenantSlug, @PathParam("recordingId") long recordingId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("token") String token,
            @QueryParam("password") String password, @HeaderParam("Range") String range) {
        Tenant tenant = tenant(tenantSlug);
        Caller caller = caller(tenant, authorization, token);
        Recording recording = recording(tenant, recordingId);
        checkReplay(tenant, recording.roomId(), caller, password);
        if (recording.status() == RecordingStatus.RECORDING || recording.status() == RecordingStatus.FAILED) {
            throw new EdamameException(MediaErrorCode.RECORDING_FILE_UNAVAILABLE,
                    "Recording " + recordingId + " is " + recording.status() + ": its file is not complete");
        }
        java.nio.file.Path file = MediaRooms.localPath(recording.uri()).filter(Files::isRegularFile)
                .orElseThrow(() -> new EdamameException(MediaErrorCode.RECORDING_FILE_UNAVAILABLE,
                        "The file of recording " + recordingId + " is not readable here"));
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new EdamameException(MediaErrorCode.RECORDING_FILE_UNAVAILABLE, "The file cannot be read");
        }
        String type = recording.mediaProfile().contains("AUDIO_ONLY") ? "audio/webm" : "video/webm";
        String etag = "\"" + recording.id() + "-" + size + "\"";
        if (range == null || range.isBlank()) {
            return Response.ok(stream(file, 0, size), type).header(HttpHeaders.CONTENT_LENGTH, size)
                    .header("Accept-Ranges", "bytes").header(HttpHeaders.ETAG, etag).build();
        }
        long[] span = span(range.trim(), size);
        if (span == null) {
            return Response.status(416).header("Content-Range", "bytes */" + size)
                    .header("Accept-Ranges", "bytes").type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("code", "RANGE_NOT_SATISFIABLE",
                            "message", "One range of bytes 0 to " + (size - 1) + " is served")).build();
        }
        long length = span[1] - span[0] + 1;
        return Response.status(206).entity(stream(file, span[0], length)).type(type)
                .header("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + size)
                .header(HttpHeaders.CONTENT_LENGTH, length).header("Accept-Ranges", "bytes")
                .header(HttpHeaders.ETAG, etag).build();
    }

    /** The first and last byte of a single range {@code bytes=a-b}, {@code a-} or {@code -n}; null if unsatisfiable. */
    static long[] span(String range, long size) {
        Matcher m = RANGE.matcher(range);
        if (!m.matches() || size == 0 || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            long first;
            long last;
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0) {
                    return null;
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
            return first > last || first >= size ? null : new long[] {first, last};
        } catch (NumberFormatException e) {
            return null; // more digits than a long holds
        }
    }

    private static StreamingOutput stream(java.nio.file.Path file, long from, long length) {
        return (OutputStream out) -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long sent = 0;
                var target = Channels.newChannel(out);
                while (sent < length) {
                    long n = channel.transferTo(from + sent, length - sent, target);
                    if (n <= 0) {
                        break; // the file shrank meanwhile; the client sees a short body
                    }
                    sent += n;
                }
            }
        };
    }

    private Map<String, Object> describe(String tenantSlug, Recording recording, boolean moderator) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", recording.id());
        d.put("roomId", recording.roomId());
        d.put("segment", recording.segment());
        d.put("status", recording.status().name());
        d.put("mediaProfile", recording.mediaProfile());
        d.put("startedAt", recording.startedAt().toString());
        d.put("endedAt", recording.endedAt() == null ? null : recording.endedAt().toString());
        d.put("durationMs", recording.durationMs());
        d.put("sizeBytes", recording.sizeBytes());
        d.put("fileUrl", "/api/v1/tenants/" + tenantSlug + "/recordings/" + recording.id() + "/file");
        if (moderator) {
            d.put("location", recording.uri());
        }
        if (recording.error() != null) {
            d.put("error", recording.error());
        }
        return d;
    }

    private Tenant tenant(String slug) {
        return tenants.find(slug).filter(Tenant::isActive).orElseThrow(
                () -> new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No tenant '" + slug + "'"));
    }

    /** The caller of a token given as header or query; null for none; another tenant's token is refused. */
    private Caller caller(Tenant tenant, String authorization, String queryToken) {
        String token = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : queryToken;
        if (token == null || token.isEmpty()) {
            return null;
        }
        Caller caller = tokens.verify(token);
        if (caller.tenantId() != tenant.id()) {
            throw new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No tenant '" + tenant.slug() + "'");
        }
        return caller;
    }

    private Recording recording(Tenant tenant, long recordingId) {
        return store.find(recordingId).filter(r -> r.tenantId() == tenant.id()).orElseThrow(
                () -> new EdamameException(MediaErrorCode.RECORDING_NOT_FOUND, "No recording " + recordingId));
    }

    private Room checkReplay(Tenant tenant, long roomId, Caller caller, String password) {
        access.check(new AccessRequest(tenant.id(), roomId, caller, AccessPurpose.REPLAY, password)).orThrow();
        return rooms.get(tenant.id(), roomId);
    }

    private static boolean isModerator(Caller caller, Room room) {
        return caller != null && (caller.isTenantAdmin() || caller.userId() == room.hostUserId());
    }
}
