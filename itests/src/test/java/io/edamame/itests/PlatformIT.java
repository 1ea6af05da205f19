package io.edamame.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The REST API of the booted distribution: tenants, rooms, isolation and bad input. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformIT extends EdamameTestSupport {

    private static Map<String, Object> room(String title) {
        Map<String, Object> room = new HashMap<>();
        room.put("title", title);
        room.put("type", "AUDIO_SLIDES");
        room.put("access", "PUBLIC");
        room.put("scheduledStart", "2030-01-01T10:00:00Z");
        room.put("tags", List.of("science"));
        return room;
    }

    private static long roomCount(Api api, Tenant tenant) throws Exception {
        return api.withToken(tenant.adminToken()).get("/tenants/" + tenant.slug() + "/rooms").json().path("total").asLong();
    }

    @Test
    public void healthReportsTheDatabaseAndTheDemoTenantExists() throws Exception {
        Api api = api();
        Api.Response health = api.get("/health");
        assertEquals(200, health.status());
        assertEquals("UP", health.json().path("database").path("status").asText());
        Api.Response tenants = api.asOperator(OPERATOR, operatorPassword()).get("/platform/tenants?size=100");
        assertEquals(200, tenants.status());
        assertTrue(tenants.body(), tenants.body().contains("\"slug\":\"demo\""));
    }

    @Test
    public void platformTenantsNeedAnOperator() throws Exception {
        Api api = api();
        assertEquals(401, api.get("/platform/tenants").status());
        assertEquals(401, api.asOperator(OPERATOR, "wrong").get("/platform/tenants").status());
        Tenant tenant = newTenant(api, "ops-check");
        // A tenant admin's token is no operator credential.
        assertEquals(401, api.withToken(tenant.adminToken()).get("/platform/tenants").status());
        Api.Response duplicate = api.asOperator(OPERATOR, operatorPassword()).post("/platform/tenants",
                Map.of("slug", "ops-check", "name", "Again", "adminUsername", "admin", "adminPassword", "long-enough-1"));
        assertError(duplicate, 409, "TENANT_SLUG_TAKEN");
    }

    @Test
    public void roomLifecycle() throws Exception {
        Api api = api();
        Tenant tenant = newTenant(api, "lifecycle");
        Api admin = api.withToken(tenant.adminToken());
        String rooms = "/tenants/lifecycle/rooms";

        Api.Response created = admin.post(rooms, room("Physics live"));
        assertEquals(created.body(), 201, created.status());
        long id = created.json().path("id").asLong();
        assertEquals("SCHEDULED", created.json().path("status").asText());
        assertEquals(tenant.adminId(), created.json().path("hostUserId").asLong());

        Api.Response patched = admin.patch(rooms + "/" + id, Map.of("title", "Physics, live"));
        assertEquals(200, patched.status());
        assertEquals("Physics, live", patched.json().path("title").asText());
        assertEquals("science", patched.json().path("tags").get(0).asText());

        Api.Response early = admin.post(rooms + "/" + id + "/end", null);
        assertError(early, 409, "ILLEGAL_ROOM_TRANSITION");

        Api.Response started = admin.post(rooms + "/" + id + "/start", null);
        assertEquals(200, started.status());
        assertEquals("LIVE", started.json().path("status").asText());
        assertEquals("LIVE", admin.get(rooms + "?status=LIVE").json().path("items").get(0).path("status").asText());
        assertEquals(409, admin.delete(rooms + "/" + id).status());

        Api.Response ended = admin.post(rooms + "/" + id + "/end", null);
        assertEquals(200, ended.status());
        assertEquals("ENDED", ended.json().path("status").asText());
        assertEquals("ILLEGAL_ROOM_TRANSITION", admin.post(rooms + "/" + id + "/end", null).code());
        assertEquals("ILLEGAL_ROOM_TRANSITION", admin.post(rooms + "/" + id + "/start", null).code());
        assertEquals("ENDED", admin.get(rooms + "/" + id).json().path("status").asText());

        assertEquals(204, admin.delete(rooms + "/" + id).status());
        Api.Response gone = admin.get(rooms + "/" + id);
        assertError(gone, 404, "ROOM_NOT_FOUND");
    }

    @Test
    public void tenantsCannotSeeEachOther() throws Exception {
        Api api = api();
        Tenant a = newTenant(api, "iso-a");
        Tenant b = newTenant(api, "iso-b");
        Api asA = api.withToken(a.adminToken());
        Api asB = api.withToken(b.adminToken());
        long roomOfB = asB.post("/tenants/iso-b/rooms", room("B's room")).json().path("id").asLong();

        // B's room through A's tenant: as if it did not exist.
        for (Api.Response r : List.of(asA.get("/tenants/iso-a/rooms/" + roomOfB),
                asA.patch("/tenants/iso-a/rooms/" + roomOfB, Map.of("title", "stolen")),
                asA.post("/tenants/iso-a/rooms/" + roomOfB + "/start", null),
                asA.delete("/tenants/iso-a/rooms/" + roomOfB))) {
            assertError(r, 404, "ROOM_NOT_FOUND");
        }
        assertEquals(0, roomCount(api, a));
        assertEquals("B's room", asB.get("/tenants/iso-b/rooms/" + roomOfB).json().path("title").asText());
        assertEquals("SCHEDULED", asB.get("/tenants/iso-b/rooms/" + roomOfB).json().path("status").asText());

        // B's user through A's tenant.
        Api.Response user = asA.get("/tenants/iso-a/users/" + b.adminId());
        assertError(user, 404, "USER_NOT_FOUND");

        // A's token on B's paths (rooms, users, plugin settings): the tenant does not exist for A.
        for (String path : List.of("/tenants/iso-b/rooms", "/tenants/iso-b/rooms/" + roomOfB,
                "/tenants/iso-b/users/" + b.adminId(), "/tenants/iso-b/plugins", "/tenants/no-such-tenant/rooms")) {
            Api.Response r = asA.get(path);
            assertEquals(path, 404, r.status());
            assertEquals(path, "TENANT_NOT_FOUND", r.code());
        }
    }

    @Test
    public void badInputIsRefusedAndChangesNothing() throws Exception {
        Api api = api();
        Tenant tenant = newTenant(api, "bad-input");
        Api admin = api.withToken(tenant.adminToken());
        String rooms = "/tenants/bad-input/rooms";

        Api.Response malformed = admin.post(rooms, "{\"title\": ");
        assertError(malformed, 400, "MALFORMED_REQUEST");

        Map<String, Object> unknownField = room("x");
        unknownField.put("owner", "me");
        Api.Response unknown = admin.post(rooms, unknownField);
        assertError(unknown, 400, "UNKNOWN_FIELD");
        assertEquals("owner", unknown.json().path("details").path("field").asText());

        Api.Response tooLong = admin.post(rooms, room("t".repeat(201)));
        assertError(tooLong, 400, "VALIDATION_FAILED");
        assertEquals("title", tooLong.json().path("details").get(0).path("field").asText());

        Api.Response huge = admin.post(rooms, room("d".repeat(70_000)));
        assertError(huge, 413, "PAYLOAD_TOO_LARGE");
        // Without a Content-Length the body is counted as it is read.
        assertError(admin.postChunked(rooms, room("d".repeat(70_000))), 413, "PAYLOAD_TOO_LARGE");
        Api.Response chunked = admin.postChunked(rooms, room("chunked"));
        assertEquals(201, chunked.status());
        assertEquals(204, admin.delete(rooms + "/" + chunked.json().path("id").asText()).status());

        Api.Response badEnum = admin.get(rooms + "?status=PAUSED");
        assertError(badEnum, 400, "VALIDATION_FAILED");

        Map<String, Object> noPassword = room("locked");
        noPassword.put("access", "PASSWORD");
        assertEquals("VALIDATION_FAILED", admin.post(rooms, noPassword).code());
        assertEquals(0, roomCount(api, tenant));

        Api.Response badSettings = admin.put("/tenants/bad-input/plugins/no-such-plugin", Map.of("enabled", true));
        assertError(badSettings, 404, "PLUGIN_NOT_FOUND");
    }

    @Test
    public void tokensAndRolesAreChecked() throws Exception {
        Api api = api();
        Tenant tenant = newTenant(api, "auth-check");
        Api admin = api.withToken(tenant.adminToken());
        String rooms = "/tenants/auth-check/rooms";

        Api.Response none = api.get(rooms);
        assertError(none, 401, "UNAUTHENTICATED");

        // A token with a forged signature.
        String[] parts = tenant.adminToken().split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[32]);
        assertEquals(401, api.withToken(forged).get(rooms).status());
        assertEquals(401, api.withToken("not-a-token").get(rooms).status());

        // A well-signed token that expired.
        String secret = (String) configurationAdmin.getConfiguration("io.edamame.core.auth", null).getProperties()
                .get("token.secret");
        JWTClaimsSet claims = SignedJWT.parse(tenant.adminToken()).getJWTClaimsSet();
        SignedJWT expired = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder(claims)
                .expirationTime(new Date(System.currentTimeMillis() - 60_000)).build());
        expired.sign(new MACSigner(Base64.getDecoder().decode(secret)));
        Api.Response stale = api.withToken(expired.serialize()).get(rooms);
        assertError(stale, 401, "UNAUTHENTICATED");

        // A member may read rooms but not create them.
        Api.Response member = admin.post("/tenants/auth-check/users", Map.of("username", "viewer",
                "password", "viewer-password", "role", "MEMBER"));
        assertEquals(member.body(), 201, member.status());
        Api memberApi = api.withToken(api.login("auth-check", "viewer", "viewer-password"));
        assertEquals(200, memberApi.get(rooms).status());
        Api.Response forbidden = memberApi.post(rooms, room("not mine to create"));
        assertError(forbidden, 403, "FORBIDDEN");
        assertEquals(403, memberApi.get("/tenants/auth-check/plugins").status());
        assertEquals(0, roomCount(api, tenant));

        Api.Response wrongPassword = api.post("/auth/login", Map.of("tenant", "auth-check", "username", "admin",
                "password", "wrong-password"));
        assertError(wrongPassword, 401, "INVALID_CREDENTIALS");
    }

    @Test
    public void openApiDescribesTheApi() throws Exception {
        JsonNode openApi = api().get("/openapi.json").json();
        assertTrue(openApi.path("openapi").asText().startsWith("3."));
        JsonNode paths = openApi.path("paths");
        for (String path : List.of("/health", "/auth/login", "/platform/tenants", "/tenants/{tenant}/rooms",
                "/tenants/{tenant}/rooms/{id}/start", "/tenants/{tenant}/plugins/{pluginId}")) {
            assertTrue(path, paths.has(path));
        }
        assertFalse(paths.has("/openapi.json"));
    }
}
