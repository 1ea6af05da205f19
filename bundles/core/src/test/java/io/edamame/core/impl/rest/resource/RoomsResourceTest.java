package io.edamame.core.impl.rest.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.Caller;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.impl.rest.Json;
import io.edamame.core.impl.rest.JsonExceptionMapper;
import io.edamame.core.impl.rest.resource.RoomsResource.CreateRoomRequest;
import io.edamame.core.impl.rest.resource.RoomsResource.UpdateRoomRequest;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import java.security.Principal;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rooms' {@code replayAccess} through the REST layer: JSON bound and written by the API's mapping,
 * the resource, and the real room service (H2). The HTTP stack itself is covered by the Pax Exam tests.
 */
class RoomsResourceTest extends DatabaseTest {

    private static final ObjectMapper JSON = Json.mapper();
    private static final String ROOM = """
            {"title": "Physics", "type": "AUDIO_SLIDES", "access": "PAID", "scheduledStart": "2030-01-01T10:00:00Z"
            """;

    private RoomsResource resource;
    private SecurityContext admin;

    RoomsResourceTest() {
        super(DatabaseKind.H2);
    }

    /** What the security filter makes of a tenant admin's token. */
    private record AsCaller(Caller caller) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return true;
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }

    @BeforeEach
    void setUp() {
        CreatedTenant tenant = core.newTenant();
        admin = new AsCaller(new Caller(tenant.tenant().id(), tenant.tenant().slug(), tenant.admin().id(),
                TenantRole.TENANT_ADMIN));
        resource = new RoomsResource(core.rooms);
    }

    private JsonNode post(String body) throws Exception {
        Response response = resource.create(admin, JSON.readValue(body, CreateRoomRequest.class));
        assertEquals(201, response.getStatus());
        return JSON.valueToTree(response.getEntity());
    }

    private JsonNode patch(long id, String body) throws Exception {
        return JSON.valueToTree(resource.update(admin, id, JSON.readValue(body, UpdateRoomRequest.class)));
    }

    private JsonNode get(long id) {
        return JSON.valueToTree(resource.get(admin, id));
    }

    @Test
    void createsReadsAndChangesTheReplayAccess() throws Exception {
        JsonNode created = post(ROOM + ", \"replayAccess\": \"FREE\"}");
        long id = created.path("id").asLong();

        assertEquals("FREE", created.path("replayAccess").asText());
        assertEquals("PAID", created.path("access").asText());
        assertEquals("FREE", get(id).path("replayAccess").asText());

        assertEquals("PAID", patch(id, "{\"replayAccess\": \"PAID\"}").path("replayAccess").asText());
        JsonNode renamed = patch(id, "{\"title\": \"Physics, replay\"}");
        assertEquals("PAID", renamed.path("replayAccess").asText());
        assertEquals("PAID", JSON.valueToTree(resource.list(admin, null, null, null, null, null, null, null))
                .path("items").get(0).path("replayAccess").asText());
    }

    @Test
    void aRoomCreatedWithoutReplayAccessIsAsLive() throws Exception {
        assertEquals("AS_LIVE", post(ROOM + "}").path("replayAccess").asText());
        assertEquals("AS_LIVE", post(ROOM + ", \"replayAccess\": null}").path("replayAccess").asText());
    }

    @Test
    void anUnknownReplayAccessIsRefusedAsAnUnknownAccessIs() {
        JsonNode badReplay = refused(ROOM + ", \"replayAccess\": \"SOMETIMES\"}", CreateRoomRequest.class);
        JsonNode badAccess = refused(ROOM.replace("\"PAID\"", "\"SECRET\"") + "}", CreateRoomRequest.class);

        assertEquals(400, badReplay.path("status").asInt());
        assertEquals("MALFORMED_REQUEST", badReplay.path("body").path("code").asText());
        assertEquals("replayAccess", badReplay.path("body").path("details").path("field").asText());
        assertEquals(badAccess.path("status"), badReplay.path("status"));
        assertEquals(badAccess.path("body").path("code"), badReplay.path("body").path("code"));
        assertEquals("access", badAccess.path("body").path("details").path("field").asText());

        JsonNode badChange = refused("{\"replayAccess\": \"free\"}", UpdateRoomRequest.class);
        assertEquals(400, badChange.path("status").asInt());
        assertEquals("MALFORMED_REQUEST", badChange.path("body").path("code").asText());
        assertEquals("replayAccess", badChange.path("body").path("details").path("field").asText());
    }

    /** The answer the API gives to {@code body}, which must not bind to {@code type}: {status, body}. */
    private static JsonNode refused(String body, Class<?> type) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> JSON.readValue(body, type));
        Response response = new JsonExceptionMapper().toResponse(e);
        return JSON.createObjectNode().put("status", response.getStatus())
                .set("body", JSON.valueToTree(response.getEntity()));
    }
}
