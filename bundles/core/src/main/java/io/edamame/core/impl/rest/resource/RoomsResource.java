package io.edamame.core.impl.rest.resource;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Page;
import io.edamame.core.api.ReplayAccess;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.RoomChanges;
import io.edamame.core.api.RoomDraft;
import io.edamame.core.api.RoomQuery;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.RoomType;
import io.edamame.core.impl.persistence.Rules;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.validation.Valid;
import javax.validation.constraints.NotNull;
import javax.validation.constraints.Pattern;
import javax.validation.constraints.Size;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.PATCH;
import javax.ws.rs.POST;
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
 * Rooms of a tenant. Members list and read them; tenant admins create, change and delete them; the
 * room's host or a tenant admin starts and ends the live.
 */
@Component(service = RestResource.class)
@Path("/tenants/{tenant}/rooms")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RoomsResource implements RestResource {

    /** A new room; the host defaults to the caller, the replay access to {@code AS_LIVE}. */
    public record CreateRoomRequest(
            @NotNull @Size(min = 1, max = Rules.TITLE_MAX) String title,
            @Size(max = Rules.DESCRIPTION_MAX) String description,
            @Size(max = Rules.URL_MAX) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String coverUrl,
            @Size(max = Rules.TAGS_MAX) List<@NotNull @Pattern(regexp = Rules.TAG_PATTERN,
                    message = "must be 1 to 32 characters without commas") String> tags,
            @NotNull RoomType type,
            @NotNull RoomAccess access,
            ReplayAccess replayAccess,
            @Size(min = 4, max = 64) String password,
            @NotNull Instant scheduledStart,
            Long hostUserId) {
    }

    /** Fields to change; absent fields stay as they are. */
    public record UpdateRoomRequest(
            @Size(min = 1, max = Rules.TITLE_MAX) String title,
            @Size(max = Rules.DESCRIPTION_MAX) String description,
            @Size(max = Rules.URL_MAX) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String coverUrl,
            @Size(max = Rules.TAGS_MAX) List<@NotNull @Pattern(regexp = Rules.TAG_PATTERN,
                    message = "must be 1 to 32 characters without commas") String> tags,
            RoomType type,
            RoomAccess access,
            ReplayAccess replayAccess,
            @Size(min = 4, max = 64) String password,
            Instant scheduledStart,
            Long hostUserId) {
    }

    private final RoomService rooms;

    @Activate
    public RoomsResource(@Reference RoomService rooms) {
        this.rooms = rooms;
    }

    @GET
    @Operation(summary = "List rooms, newest scheduled start first; filters: status, type, tag, q (title), host")
    public Page<Room> list(@Context SecurityContext security,
                           @QueryParam("status") String status, @QueryParam("type") String type,
                           @QueryParam("tag") String tag, @QueryParam("q") String text,
                           @QueryParam("host") String host,
                           @QueryParam("page") String page, @QueryParam("size") String size) {
        RoomQuery query = new RoomQuery(Params.optionalEnum("status", status, RoomStatus.class),
                Params.optionalEnum("type", type, RoomType.class), tag, text, Params.optionalLong("host", host));
        return rooms.list(Params.caller(security).tenantId(), query, Params.page(page, size));
    }

    @POST
    @RolesAllowed(RestResource.TENANT_ADMIN)
    @Operation(summary = "Schedule a room")
    public Response create(@Context SecurityContext security, @Valid @NotNull CreateRoomRequest request) {
        Caller caller = Params.caller(security);
        long host = request.hostUserId() != null ? request.hostUserId() : caller.userId();
        Room room = rooms.create(caller.tenantId(), new RoomDraft(request.title(), request.description(),
                request.coverUrl(), request.tags(), request.type(), request.access(), request.replayAccess(),
                request.password(), request.scheduledStart(), host));
        return Response.created(URI.create("tenants/" + caller.tenantSlug() + "/rooms/" + room.id()))
                .entity(room).build();
    }

    @GET
    @Path("/{id}")
    public Room get(@Context SecurityContext security, @PathParam("id") long id) {
        return rooms.get(Params.caller(security).tenantId(), id);
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(RestResource.TENANT_ADMIN)
    @Operation(summary = "Change a room's fields")
    public Room update(@Context SecurityContext security, @PathParam("id") long id,
                       @Valid @NotNull UpdateRoomRequest request) {
        return rooms.update(Params.caller(security).tenantId(), id, new RoomChanges(request.title(),
                request.description(), request.coverUrl(), request.tags(), request.type(), request.access(),
                request.replayAccess(), request.password(), request.scheduledStart(), request.hostUserId()));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(RestResource.TENANT_ADMIN)
    @Operation(summary = "Delete a room that is not live")
    public Response delete(@Context SecurityContext security, @PathParam("id") long id) {
        rooms.delete(Params.caller(security).tenantId(), id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/start")
    @Operation(summary = "Go live: SCHEDULED -> LIVE (the host or a tenant admin)")
    public Room start(@Context SecurityContext security, @PathParam("id") long id) {
        Caller caller = requireHostOrAdmin(security, id);
        return rooms.start(caller.tenantId(), id);
    }

    @POST
    @Path("/{id}/end")
    @Operation(summary = "End the live: LIVE -> ENDED (the host or a tenant admin)")
    public Room end(@Context SecurityContext security, @PathParam("id") long id) {
        Caller caller = requireHostOrAdmin(security, id);
        return rooms.end(caller.tenantId(), id);
    }

    private Caller requireHostOrAdmin(SecurityContext security, long roomId) {
        Caller caller = Params.caller(security);
        Room room = rooms.get(caller.tenantId(), roomId);
        if (!caller.isTenantAdmin() && room.hostUserId() != caller.userId()) {
            throw new EdamameException(CoreErrorCode.FORBIDDEN, "Only the room's host or a tenant admin may do this");
        }
        return caller;
    }
}
