package io.edamame.slides.impl.rest;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TokenService;
import io.edamame.core.api.User;
import io.edamame.core.impl.room.RoomAccessServiceImpl;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.RoomDrafts;
import io.edamame.slides.api.SlideErrorCode;
import io.edamame.slides.impl.SlidesWorld;
import io.edamame.slides.testing.TestPdfs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Request;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.StreamingOutput;
import javax.ws.rs.core.UriInfo;
import org.apache.cxf.jaxrs.impl.HttpHeadersImpl;
import org.apache.cxf.jaxrs.impl.RequestImpl;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST resource called as the API servlet calls it once the core's security filter has passed the
 * request: with CXF's own headers and request objects, the core's access check and a real database.
 */
class SlidesResourceTest extends DatabaseTest {

    @TempDir
    static Path storage;

    SlidesWorld world;
    SlidesWorld.Tenant tenant;
    SlidesResource resource;
    final Map<String, Caller> tokens = new HashMap<>();

    SlidesResourceTest() {
        super(DatabaseKind.H2);
    }

    @BeforeAll
    void wire() {
        world = new SlidesWorld(core, storage);
    }

    @BeforeEach
    void newTenant() {
        tenant = world.tenant();
        tokens.put("host-token", tenant.host());
        tokens.put("member-token", tenant.member());
        tokens.put("admin-token", tenant.admin());
        TokenService tokenService = new TokenService() {
            @Override
            public AccessToken issue(Tenant t, User user) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Caller verify(String token) {
                Caller caller = tokens.get(token);
                if (caller == null) {
                    throw new EdamameException(CoreErrorCode.UNAUTHENTICATED, "Invalid token");
                }
                return caller;
            }
        };
        resource = new SlidesResource(world.slides, core.rooms, new RoomAccessServiceImpl(core.rooms), core.tenants,
                tokenService);
    }

    // --- JAX-RS plumbing -----------------------------------------------------------------------------------

    /** A request's headers and method, as CXF hands them to resources. */
    static final class Http {
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Message message = new MessageImpl();

        Http(String method) {
            message.put(Message.PROTOCOL_HEADERS, headers);
            message.put(Message.HTTP_REQUEST_METHOD, method);
        }

        Http header(String name, String value) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                message.put(Message.CONTENT_TYPE, value);
            }
            return this;
        }

        Http bearer(String token) {
            return header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }

        HttpHeaders headers() {
            return new HttpHeadersImpl(message);
        }

        Request request() {
            return new RequestImpl(message);
        }
    }

    static Http get() {
        return new Http("GET");
    }

    static final UriInfo URI_INFO = (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(),
            new Class<?>[] {UriInfo.class}, (proxy, method, args) -> {
                if (method.getName().equals("getBaseUri")) {
                    return URI.create("http://edamame.example/api/v1/");
                }
                throw new UnsupportedOperationException(method.getName());
            });

    static SecurityContext as(Caller caller) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return caller;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }

    /** A body that fails the test if it is read. */
    static final class Untouchable extends InputStream {
        @Override
        public int read() {
            throw new AssertionError("the body was read");
        }
    }

    Response upload(Caller caller, Room room, byte[] pdf) {
        Http http = new Http("POST").header(HttpHeaders.CONTENT_TYPE, "application/pdf")
                .header(HttpHeaders.CONTENT_LENGTH, Integer.toString(pdf.length));
        return resource.upload(as(caller), http.headers(), URI_INFO, room.id(), "deck.pdf", new ByteArrayInputStream(pdf));
    }

    Room passwordRoom() {
        return world.room(tenant, RoomDrafts.hostedBy(tenant.host().userId()).passwordProtected("sesame"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> entity(Response response) {
        return (Map<String, Object>) response.getEntity();
    }

    static byte[] body(Response response) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((StreamingOutput) response.getEntity()).write(out);
        return out.toByteArray();
    }

    String slidesPath(Room room) {
        return "/api/v1/tenants/" + tenant.slug() + "/rooms/" + room.id() + "/slides";
    }

    // --- upload --------------------------------------------------------------------------------------------

    @Test
    void anUploadAnswers201WithTheDeckAndItsPageUrls() {
        Room room = world.room(tenant);
        Response response = upload(tenant.host(), room, TestPdfs.a4(2));

        assertEquals(201, response.getStatus());
        Map<String, Object> deck = entity(response);
        long id = (Long) deck.get("id");
        assertEquals(URI.create(slidesPath(room) + "/decks/" + id), response.getLocation());
        assertEquals("deck.pdf", deck.get("fileName"));
        assertEquals(2, deck.get("pageCount"));
        assertEquals(List.of(slidesPath(room) + "/decks/" + id + "/pages/1", slidesPath(room) + "/decks/" + id + "/pages/2"),
                deck.get("pages"));
    }

    @Test
    void anUploadIsCheckedForItsCallerThenItsTypeAndLengthBeforeItsBodyIsRead() {
        Room room = world.room(tenant);
        Http pdf = new Http("POST").header(HttpHeaders.CONTENT_TYPE, "application/pdf");
        Http png = new Http("POST").header(HttpHeaders.CONTENT_TYPE, "image/png");
        Http none = new Http("POST");
        Http anything = new Http("POST").header(HttpHeaders.CONTENT_TYPE, "*/*");
        Http huge = new Http("POST").header(HttpHeaders.CONTENT_TYPE, "application/pdf; charset=binary")
                .header(HttpHeaders.CONTENT_LENGTH, Long.toString(21L * 1024 * 1024));

        assertError(CoreErrorCode.FORBIDDEN, () -> resource.upload(as(tenant.member()), png.headers(), URI_INFO, room.id(),
                null, new Untouchable()));
        assertError(CoreErrorCode.UNSUPPORTED_MEDIA_TYPE, () -> resource.upload(as(tenant.host()), png.headers(), URI_INFO,
                room.id(), null, new Untouchable()));
        assertError(CoreErrorCode.UNSUPPORTED_MEDIA_TYPE, () -> resource.upload(as(tenant.host()), none.headers(), URI_INFO,
                room.id(), null, new Untouchable()));
        assertError(CoreErrorCode.UNSUPPORTED_MEDIA_TYPE, () -> resource.upload(as(tenant.host()), anything.headers(),
                URI_INFO, room.id(), null, new Untouchable()));
        assertError(SlideErrorCode.PDF_TOO_LARGE, () -> resource.upload(as(tenant.host()), huge.headers(), URI_INFO,
                room.id(), null, new Untouchable()));
        assertError(SlideErrorCode.NOT_A_PDF, () -> resource.upload(as(tenant.host()), pdf.headers(), URI_INFO, room.id(),
                null, new ByteArrayInputStream("<html>".getBytes())));
        assertEquals(0, world.rows(tenant.id(), room.id()));
        assertEquals(List.of(), world.roomFiles(tenant.id(), room.id()));
    }

    // --- reading -------------------------------------------------------------------------------------------

    @Test
    void anAnonymousViewerOfAPublicRoomSeesTheDeckItsPagesAndTheCurrentPage() throws IOException {
        Room room = world.room(tenant);
        long deckId = (Long) entity(upload(tenant.host(), room, TestPdfs.a4(3))).get("id");
        resource.turn(as(tenant.host()), room.id(), new SlidesResource.TurnRequest(2));

        Map<String, Object> current = resource.current(get().headers(), URI_INFO, tenant.slug(), room.id(), null);
        assertEquals(deckId, current.get("id"));
        assertEquals(2, current.get("currentPage"));
        assertEquals(3, ((List<?>) current.get("pages")).size());
        assertEquals(deckId, resource.deck(get().headers(), URI_INFO, tenant.slug(), room.id(), deckId, null).get("id"));

        Http http = get();
        Response image = resource.page(http.headers(), http.request(), tenant.slug(), room.id(), deckId, 2, null, null);
        assertEquals(200, image.getStatus());
        assertEquals("image/png", image.getMediaType().toString());
        assertEquals(SlidesResource.IMMUTABLE, image.getHeaderString(HttpHeaders.CACHE_CONTROL));
        Path file = world.slides.pageImage(tenant.id(), room.id(), deckId, 2).orElseThrow();
        assertArrayEquals(Files.readAllBytes(file), body(image));
        assertEquals(Long.toString(Files.size(file)), image.getHeaderString(HttpHeaders.CONTENT_LENGTH));
        String etag = image.getHeaderString(HttpHeaders.ETAG);
        assertNotNull(etag);

        Http again = get().header(HttpHeaders.IF_NONE_MATCH, etag);
        Response cached = resource.page(again.headers(), again.request(), tenant.slug(), room.id(), deckId, 2, null, null);
        assertEquals(304, cached.getStatus());
        assertEquals(null, cached.getEntity());

        Http otherPage = get().header(HttpHeaders.IF_NONE_MATCH, etag);
        assertEquals(200, resource.page(otherPage.headers(), otherPage.request(), tenant.slug(), room.id(), deckId, 3,
                null, null).getStatus(), "each page has its own tag");
    }

    @Test
    void missingDecksAndPagesAreNotFound() {
        Room room = world.room(tenant);
        Room other = world.room(tenant);
        assertError(SlideErrorCode.NO_DECK, () -> resource.current(get().headers(), URI_INFO, tenant.slug(), room.id(), null));
        long deckId = (Long) entity(upload(tenant.host(), other, TestPdfs.a4(1))).get("id");
        Http http = get();
        assertError(SlideErrorCode.DECK_NOT_FOUND, () -> resource.deck(http.headers(), URI_INFO, tenant.slug(), room.id(),
                deckId, null));
        assertError(SlideErrorCode.DECK_NOT_FOUND, () -> resource.page(http.headers(), http.request(), tenant.slug(),
                room.id(), deckId, 1, null, null));
        assertError(SlideErrorCode.PAGE_NOT_FOUND, () -> resource.page(http.headers(), http.request(), tenant.slug(),
                other.id(), deckId, 2, null, null));
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> resource.current(http.headers(), URI_INFO, tenant.slug(),
                room.id() + 1_000_000, null));
    }

    @Test
    void aPasswordRoomNeedsItsPasswordOrATokenOfItsHost() {
        Room room = passwordRoom();
        long deckId = (Long) entity(upload(tenant.host(), room, TestPdfs.a4(1))).get("id");

        assertError(CoreErrorCode.ROOM_PASSWORD_REQUIRED, () -> resource.current(get().headers(), URI_INFO, tenant.slug(),
                room.id(), null));
        assertError(CoreErrorCode.ROOM_PASSWORD_WRONG, () -> resource.current(get().headers(), URI_INFO, tenant.slug(),
                room.id(), "guess"));
        assertEquals(deckId, resource.current(get().headers(), URI_INFO, tenant.slug(), room.id(), "sesame").get("id"));
        assertEquals(deckId, resource.current(get().bearer("host-token").headers(), URI_INFO, tenant.slug(), room.id(),
                null).get("id"));

        Http anonymous = get();
        assertError(CoreErrorCode.ROOM_PASSWORD_REQUIRED, () -> resource.page(anonymous.headers(), anonymous.request(),
                tenant.slug(), room.id(), deckId, 1, null, null));
        assertEquals(200, resource.page(anonymous.headers(), anonymous.request(), tenant.slug(), room.id(), deckId, 1,
                null, "host-token").getStatus(), "an <img> passes its token as a query parameter");
    }

    @Test
    void tokensAndTenantsOfTheRequestAreChecked() {
        Room room = world.room(tenant);
        upload(tenant.host(), room, TestPdfs.a4(1));
        SlidesWorld.Tenant other = world.tenant();
        tokens.put("other-token", other.admin());

        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> resource.current(get().bearer("other-token").headers(), URI_INFO,
                tenant.slug(), room.id(), null));
        // Another tenant's room, asked through that tenant's path.
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> resource.current(get().headers(), URI_INFO, other.slug(),
                room.id(), null));
        assertError(CoreErrorCode.UNAUTHENTICATED, () -> resource.current(get().bearer("forged").headers(), URI_INFO,
                tenant.slug(), room.id(), null));
        assertError(CoreErrorCode.TENANT_NOT_FOUND, () -> resource.current(get().headers(), URI_INFO, "no-such-tenant",
                room.id(), null));
    }

    // --- turns and the timeline ------------------------------------------------------------------------------

    @Test
    void theHostTurnsPagesAndTheReplayShowsTheTimelineWithItsDecks() {
        Room room = passwordRoom();
        long deckId = (Long) entity(upload(tenant.host(), room, TestPdfs.a4(3))).get("id");
        Room live = core.rooms.start(tenant.id(), room.id());
        world.clock.advance(Duration.between(world.clock.instant(), live.startedAt().plusSeconds(42)));

        Map<String, Object> turn = resource.turn(as(tenant.host()), room.id(), new SlidesResource.TurnRequest(3));
        assertEquals(Map.of("deckId", deckId, "page", 3, "offsetMs", 42_000L, "at", live.startedAt().plusSeconds(42)), turn);
        assertError(CoreErrorCode.FORBIDDEN, () -> resource.turn(as(tenant.member()), room.id(),
                new SlidesResource.TurnRequest(2)));
        core.rooms.end(tenant.id(), room.id());

        assertError(CoreErrorCode.ROOM_PASSWORD_REQUIRED, () -> resource.timeline(get().headers(), URI_INFO, tenant.slug(),
                room.id(), null));
        Map<String, Object> timeline = resource.timeline(get().headers(), URI_INFO, tenant.slug(), room.id(), "sesame");
        assertEquals(List.of(
                Map.of("deckId", deckId, "page", 1, "offsetMs", 0L, "at", live.startedAt()),
                Map.of("deckId", deckId, "page", 3, "offsetMs", 42_000L, "at", live.startedAt().plusSeconds(42))),
                timeline.get("items"));
        List<?> decks = (List<?>) timeline.get("decks");
        assertEquals(1, decks.size());
        assertEquals(deckId, ((Map<?, ?>) decks.get(0)).get("id"));
        assertEquals(deckId, resource.current(get().headers(), URI_INFO, tenant.slug(), room.id(), "sesame").get("id"),
                "an ended room's deck is read under the replay's access");
    }

    @Test
    void aScheduledRoomHasAnEmptyTimeline() {
        Room room = world.room(tenant, RoomDrafts.hostedBy(tenant.host().userId()).access(RoomAccess.PUBLIC));
        upload(tenant.host(), room, TestPdfs.a4(1));
        Map<String, Object> timeline = resource.timeline(get().headers(), URI_INFO, tenant.slug(), room.id(), null);
        assertEquals(List.of(), timeline.get("items"));
        assertEquals(List.of(), timeline.get("decks"));
    }
}
