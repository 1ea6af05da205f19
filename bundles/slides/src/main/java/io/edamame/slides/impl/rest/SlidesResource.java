package io.edamame.slides.impl.rest;

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
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.StreamedBody;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.slides.api.PageTurn;
import io.edamame.slides.api.SlideDeck;
import io.edamame.slides.api.SlideErrorCode;
import io.edamame.slides.api.SlideService;
import io.edamame.slides.impl.SlideServiceImpl;
import io.edamame.slides.impl.Upload;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.validation.Valid;
import javax.validation.constraints.Min;
import javax.validation.constraints.NotNull;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Request;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.StreamingOutput;
import javax.ws.rs.core.UriInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The slides of a room over REST. The host or a tenant admin uploads a PDF and turns pages; whoever the
 * core's access check admits to the room (its live, or its replay once it has ended), anonymous viewers
 * included, reads the deck, its page images and the timeline. Refused with {@code PLUGIN_DISABLED} unless
 * the tenant has switched on the plugin {@value SlideService#PLUGIN_ID}.
 */
@Component(service = RestResource.class, property = Plugin.PLUGIN_ID + "=" + SlideService.PLUGIN_ID)
@Path("/tenants/{tenant}/rooms/{roomId}/slides")
@Produces(MediaType.APPLICATION_JSON)
public class SlidesResource implements RestResource {

    static final String PNG = "image/png";
    /** Page images never change (a new upload is a new deck), but they are not for everyone: private caches only. */
    static final String IMMUTABLE = "private, max-age=31536000, immutable";
    private static final String BEARER = "Bearer ";

    public record TurnRequest(@NotNull @Min(1) Integer page) {
    }

    private final SlideServiceImpl slides;
    private final RoomService rooms;
    private final RoomAccessService access;
    private final TenantService tenants;
    private final TokenService tokens;

    @Activate
    public SlidesResource(@Reference SlideServiceImpl slides, @Reference RoomService rooms,
            @Reference RoomAccessService access, @Reference TenantService tenants, @Reference TokenService tokens) {
        this.slides = slides;
        this.rooms = rooms;
        this.access = access;
        this.tenants = tenants;
        this.tokens = tokens;
    }

    @POST
    @StreamedBody
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload the room's slides: a PDF, as the raw body (host or tenant admin)",
            description = "AUDIO_SLIDES rooms whose live has not ended. Replaces the room's deck and shows its page 1. "
                    + "Errors: 415 UNSUPPORTED_MEDIA_TYPE, 413 PDF_TOO_LARGE, 400 NOT_A_PDF, INVALID_PDF, TOO_MANY_PAGES, "
                    + "409 NOT_A_SLIDES_ROOM, ROOM_ENDED, 403 FORBIDDEN, 503 RENDERER_BUSY.",
            requestBody = @RequestBody(required = true, content = @Content(mediaType = "application/pdf",
                    schema = @Schema(type = "string", format = "binary"))))
    public Response upload(@Context SecurityContext security, @Context HttpHeaders headers, @Context UriInfo uri,
            @PathParam("roomId") long roomId, @QueryParam("fileName") String fileName, InputStream body) {
        Caller caller = caller(security);
        slides.requireWritable(caller, caller.tenantId(), roomId);
        MediaType type = headers.getMediaType();
        if (type == null || !"application".equalsIgnoreCase(type.getType()) || !"pdf".equalsIgnoreCase(type.getSubtype())) {
            throw new EdamameException(CoreErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the PDF as Content-Type: application/pdf");
        }
        long maxBytes = slides.settings().maxUploadBytes();
        if (headers.getLength() > maxBytes) {
            throw Upload.tooLarge(maxBytes);
        }
        SlideDeck deck = slides.upload(caller, caller.tenantId(), roomId, fileName, body);
        Links links = new Links(uri, caller.tenantSlug(), roomId);
        return Response.created(URI.create(links.deck(deck.id()))).entity(deck(deck, links)).build();
    }

    @GET
    @PermitAll
    @Operation(summary = "The room's deck, its page images and the page shown now",
            description = "For whoever the access check admits to the live (to the replay once the room has ended); "
                    + "a bearer token is optional. 404 NO_DECK before the first upload.")
    public Map<String, Object> current(@Context HttpHeaders headers, @Context UriInfo uri,
            @PathParam("tenant") String tenantSlug, @PathParam("roomId") long roomId,
            @QueryParam("password") String password) {
        Tenant tenant = admit(headers, null, tenantSlug, roomId, password, null);
        SlideDeck deck = slides.currentDeck(tenant.id(), roomId)
                .orElseThrow(() -> new EdamameException(SlideErrorCode.NO_DECK, "Room " + roomId + " has no slides yet"));
        Map<String, Object> body = deck(deck, new Links(uri, tenant.slug(), roomId));
        slides.currentPage(tenant.id(), roomId).filter(turn -> turn.deckId() == deck.id())
                .ifPresent(turn -> body.put("currentPage", turn.page()));
        return body;
    }

    @GET
    @Path("/decks/{deckId}")
    @PermitAll
    @Operation(summary = "A deck of the room: the current one, or one its replay timeline shows")
    public Map<String, Object> deck(@Context HttpHeaders headers, @Context UriInfo uri,
            @PathParam("tenant") String tenantSlug, @PathParam("roomId") long roomId,
            @PathParam("deckId") long deckId, @QueryParam("password") String password) {
        Tenant tenant = admit(headers, null, tenantSlug, roomId, password, null);
        SlideDeck deck = slides.deck(tenant.id(), roomId, deckId).orElseThrow(() -> deckNotFound(deckId));
        return deck(deck, new Links(uri, tenant.slug(), roomId));
    }

    @GET
    @Path("/decks/{deckId}/pages/{page}")
    @PermitAll
    @Produces(PNG)
    @Operation(summary = "The image of a page (PNG); cacheable for ever by the viewer",
            description = "Same access as the deck. For <img> elements, which cannot send headers, the token may be "
                    + "given as the query parameter token.")
    public Response page(@Context HttpHeaders headers, @Context Request request, @PathParam("tenant") String tenantSlug,
            @PathParam("roomId") long roomId, @PathParam("deckId") long deckId, @PathParam("page") int page,
            @QueryParam("password") String password, @QueryParam("token") String token) {
        Tenant tenant = admit(headers, token, tenantSlug, roomId, password, null);
        SlideDeck deck = slides.deck(tenant.id(), roomId, deckId).orElseThrow(() -> deckNotFound(deckId));
        if (!deck.hasPage(page)) {
            throw new EdamameException(SlideErrorCode.PAGE_NOT_FOUND,
                    "Deck " + deckId + " has pages 1 to " + deck.pageCount());
        }
        java.nio.file.Path file = slides.pageImage(tenant.id(), roomId, deckId, page).orElseThrow(
                () -> new EdamameException(SlideErrorCode.PAGE_NOT_FOUND, "The image of page " + page + " is missing"));
        EntityTag tag = new EntityTag(deck.sha256().substring(0, 16) + "-" + deck.id() + "-" + deck.renderWidth() + "-" + page);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
        if (notModified != null) {
            return notModified.tag(tag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE).build();
        }
        long length;
        try {
            length = Files.size(file);
        } catch (java.io.IOException e) {
            throw new EdamameException(CoreErrorCode.INTERNAL_ERROR, "The image of page " + page + " cannot be read", null, e);
        }
        StreamingOutput image = out -> Files.copy(file, out);
        return Response.ok(image, PNG).tag(tag).header(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
                .header(HttpHeaders.CONTENT_LENGTH, length).build();
    }

    @PUT
    @Path("/page")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Show a page of the deck to every viewer (host or tenant admin)",
            description = "Recorded in the replay timeline while the room is live. Errors: 400 PAGE_OUT_OF_RANGE, "
                    + "404 NO_DECK, 409 ROOM_ENDED, NOT_A_SLIDES_ROOM, 403 FORBIDDEN.")
    public Map<String, Object> turn(@Context SecurityContext security, @PathParam("roomId") long roomId,
            @Valid @NotNull TurnRequest request) {
        Caller caller = caller(security);
        return turn(slides.turnPage(caller, caller.tenantId(), roomId, request.page()));
    }

    @GET
    @Path("/timeline")
    @PermitAll
    @Operation(summary = "The pages the live showed, with their offsets from its start, and their decks; for replays",
            description = "For whoever the access check admits to the room's replay.")
    public Map<String, Object> timeline(@Context HttpHeaders headers, @Context UriInfo uri,
            @PathParam("tenant") String tenantSlug, @PathParam("roomId") long roomId,
            @QueryParam("password") String password) {
        Tenant tenant = admit(headers, null, tenantSlug, roomId, password, AccessPurpose.REPLAY);
        List<PageTurn> turns = slides.timeline(tenant.id(), roomId);
        Links links = new Links(uri, tenant.slug(), roomId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", turns.stream().map(SlidesResource::turn).toList());
        body.put("decks", slides.timelineDecks(tenant.id(), roomId, turns).stream().map(d -> deck(d, links)).toList());
        return body;
    }

    /**
     * Runs the core's access check for the caller of the bearer token (the header, else {@code queryToken}), or
     * an anonymous viewer without one; {@code purpose} null means the live, or the replay once the room ended.
     */
    private Tenant admit(HttpHeaders headers, String queryToken, String tenantSlug, long roomId, String password,
            AccessPurpose purpose) {
        Tenant tenant = tenants.find(tenantSlug).filter(Tenant::isActive).orElseThrow(
                () -> new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No tenant '" + tenantSlug + "'"));
        String token = bearer(headers);
        if (token == null && queryToken != null && !queryToken.isBlank()) {
            token = queryToken.trim();
        }
        Caller caller = token == null ? null : tokens.verify(token);
        AccessPurpose asked = purpose;
        if (asked == null) {
            Room room = rooms.find(tenant.id(), roomId).orElse(null);
            asked = room != null && room.status() == RoomStatus.ENDED ? AccessPurpose.REPLAY : AccessPurpose.LIVE;
        }
        access.check(new AccessRequest(tenant.id(), roomId, caller, asked, password)).orThrow();
        return tenant;
    }

    private static String bearer(HttpHeaders headers) {
        String header = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    private static Caller caller(SecurityContext security) {
        return (Caller) security.getUserPrincipal();
    }

    private static EdamameException deckNotFound(long deckId) {
        return new EdamameException(SlideErrorCode.DECK_NOT_FOUND, "No deck " + deckId + " in this room");
    }

    static Map<String, Object> deck(SlideDeck deck, Links links) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", deck.id());
        body.put("roomId", deck.roomId());
        body.put("fileName", deck.fileName());
        body.put("pageCount", deck.pageCount());
        body.put("sizeBytes", deck.sizeBytes());
        body.put("sha256", deck.sha256());
        body.put("renderWidth", deck.renderWidth());
        body.put("uploadedBy", deck.uploadedBy());
        body.put("uploadedAt", deck.uploadedAt());
        List<String> pages = new ArrayList<>(deck.pageCount());
        for (int page = 1; page <= deck.pageCount(); page++) {
            pages.add(links.page(deck.id(), page));
        }
        body.put("pages", pages);
        return body;
    }

    static Map<String, Object> turn(PageTurn turn) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deckId", turn.deckId());
        body.put("page", turn.page());
        body.put("offsetMs", turn.offsetMs());
        body.put("at", turn.at());
        return body;
    }

    /** Absolute paths under the API's base ({@code /api/v1/}), so that they hold behind any host name. */
    record Links(String base, String tenantSlug, long roomId) {

        Links(UriInfo uri, String tenantSlug, long roomId) {
            this(uri.getBaseUri().getRawPath(), tenantSlug, roomId);
        }

        String slides() {
            return (base.endsWith("/") ? base : base + "/") + "tenants/" + tenantSlug + "/rooms/" + roomId + "/slides";
        }

        String deck(long deckId) {
            return slides() + "/decks/" + deckId;
        }

        String page(long deckId, int page) {
            return deck(deckId) + "/pages/" + page;
        }
    }
}
