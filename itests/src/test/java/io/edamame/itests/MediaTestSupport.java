package io.edamame.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.AssumptionViolatedException;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;

/**
 * What the media tests share: the plugin's configuration, tenants with the plugin on, members, rooms and their
 * life, the recordings REST API read as bytes, and the assertions on close codes and JSON-RPC errors.
 */
public abstract class MediaTestSupport extends EdamameTestSupport {

    static final String PID = "io.edamame.media.kurento";
    static final String PLUGIN = "media-kurento";
    static final String CI_PROPERTY = "edamame.itest.ci";
    static final String KMS_URL_PROPERTY = "edamame.itest.kms.url";
    static final String KMS_RECORDINGS_PROPERTY = "edamame.itest.kms.recordings";
    static final String KMS_URL_ENV = "EDAMAME_KMS_URL";
    static final String KMS_RECORDINGS_ENV = "EDAMAME_KMS_RECORDINGS_DIR";

    /** Longer than {@link MediaClient#WAIT}: a media server's loss and return take a few reconnection attempts. */
    static final Duration RECOVERY = Duration.ofSeconds(60);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What the driver knows and the container does not: whether CI demands every test, and where a real KMS is. */
    @Override
    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(super.config()));
        options.add(systemProperty(CI_PROPERTY).value(Boolean.toString("true".equals(System.getenv("CI")))));
        options.add(systemProperty(KMS_URL_PROPERTY).value(envOrEmpty(KMS_URL_ENV)));
        options.add(systemProperty(KMS_RECORDINGS_PROPERTY).value(envOrEmpty(KMS_RECORDINGS_ENV)));
        return options.toArray(new Option[0]);
    }

    private static String envOrEmpty(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value.trim();
    }

    record Member(long id, String token) {
    }

    record LiveRoom(long id, long tenantId, long startedAtMs) {
    }

    // ---- the plugin's configuration and health

    /**
     * Points the plugin at {@code kmsUrl} through ConfigurationAdmin, with short reconnection times.
     *
     * <p>The configuration comes from etc/{@value #PID}.cfg, so Karaf's file install writes every update back to
     * that file, and reads the file back when it changes. Two updates in a row race with that: the watcher may
     * read the file while it is being rewritten (empty), apply the empty configuration (the plugin's defaults)
     * and write that back. Without {@code felix.fileinstall.filename} the configuration is no longer the file's:
     * file install leaves it alone, and the test's ports and folders are not written to etc/ either.
     */
    protected void configureMedia(String kmsUrl, String recordingsUri, int emptyRoomGraceSeconds) throws Exception {
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(PID, null);
        Hashtable<String, Object> properties = new Hashtable<>();
        Dictionary<String, Object> current = configuration.getProperties();
        if (current != null) {
            for (Enumeration<String> keys = current.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                if (!key.equals("felix.fileinstall.filename")) {
                    properties.put(key, current.get(key));
                }
            }
        }
        properties.put("kms.urls", kmsUrl);
        properties.put("recordings.uri", recordingsUri);
        properties.put("empty.room.grace.seconds", Integer.toString(emptyRoomGraceSeconds));
        properties.put("reconnect.max.seconds", "1");
        properties.put("reconnect.window.seconds", "2");
        properties.put("sweep.seconds", "2");
        configuration.update(properties);
    }

    /** {@code components.media-kurento} of /health once it matches; fails after {@code wait}. */
    protected JsonNode awaitMediaHealth(Api api, String what, Predicate<JsonNode> match, Duration wait)
            throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Api.Response health = api.anonymous().get("/health");
            if (health.status() == 200) {
                last = health.json().path("components").path(PLUGIN);
                if (match.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/health never showed " + what + " within " + wait + "; last: " + last);
    }

    /** The health of the one configured media server is {@code status} (and the component's too), at {@code url}. */
    protected JsonNode awaitMediaServer(Api api, String url, String status, Duration wait) throws Exception {
        return awaitMediaHealth(api, "the media server " + url + " " + status, component ->
                component.path("servers").size() == 1
                        && url.equals(component.path("servers").path(0).path("url").asText())
                        && status.equals(component.path("servers").path(0).path("status").asText())
                        && status.equals(component.path("status").asText()), wait);
    }

    /** Waits until the media WebSocket answers (it is registered again whenever the plugin is reconfigured). */
    protected void awaitMediaSocket() throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String last = null;
        while (System.nanoTime() < deadline) {
            try (MediaClient probe = MediaClient.connect("probe", "media-no-such-tenant", 1, null)) {
                MediaClient.Closed closed = probe.awaitClose();
                if (closed.code() == 4404) {
                    return;
                }
                last = closed.toString();
            } catch (Exception | AssertionError e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the media WebSocket never answered: " + last);
    }

    // ---- tenants, members, rooms

    /** A new tenant with the plugin switched on with {@code settings}. */
    protected Tenant mediaTenant(Api api, String slug, Map<String, Object> settings) throws Exception {
        Tenant tenant = newTenant(api, slug);
        switchPlugin(api, tenant, true, settings);
        return tenant;
    }

    protected static void switchPlugin(Api api, Tenant tenant, boolean enabled, Map<String, Object> settings)
            throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("enabled", enabled);
        if (settings != null) {
            body.put("settings", settings);
        }
        Api.Response switched = api.withToken(tenant.adminToken()).put("/tenants/" + tenant.slug() + "/plugins/"
                + PLUGIN, body);
        assertEquals(switched.body(), 200, switched.status());
    }

    protected static Member member(Api api, Tenant tenant, String username) throws Exception {
        Map<String, Object> user = Map.of("username", username, "password", "password-" + username,
                "role", "MEMBER", "displayName", "User " + username);
        Api.Response created = api.withToken(tenant.adminToken()).post("/tenants/" + tenant.slug() + "/users", user);
        assertEquals(created.body(), 201, created.status());
        return new Member(created.json().path("id").asLong(), api.login(tenant.slug(), username, "password-" + username));
    }

    protected static String roomsPath(Tenant tenant) {
        return "/tenants/" + tenant.slug() + "/rooms";
    }

    /** A public room of the tenant, scheduled, hosted by {@code hostUserId} (null: the tenant's admin). */
    protected static JsonNode createRoom(Api api, Tenant tenant, String title, String type, Long hostUserId)
            throws Exception {
        Map<String, Object> room = new HashMap<>(Map.of("title", title, "type", type, "access", "PUBLIC",
                "scheduledStart", "2026-12-01T10:00:00Z"));
        if (hostUserId != null) {
            room.put("hostUserId", hostUserId);
        }
        Api.Response created = api.withToken(tenant.adminToken()).post(roomsPath(tenant), room);
        assertEquals(created.body(), 201, created.status());
        return created.json();
    }

    protected static LiveRoom start(Api api, Tenant tenant, JsonNode room) throws Exception {
        Api.Response started = api.withToken(tenant.adminToken())
                .post(roomsPath(tenant) + "/" + room.path("id").asLong() + "/start", null);
        assertEquals(started.body(), 200, started.status());
        return new LiveRoom(room.path("id").asLong(), room.path("tenantId").asLong(),
                java.time.Instant.parse(started.json().path("startedAt").asText()).toEpochMilli());
    }

    protected static LiveRoom liveRoom(Api api, Tenant tenant, String title, String type, Long hostUserId)
            throws Exception {
        return start(api, tenant, createRoom(api, tenant, title, type, hostUserId));
    }

    protected static void end(Api api, Tenant tenant, long roomId) throws Exception {
        Api.Response ended = api.withToken(tenant.adminToken()).post(roomsPath(tenant) + "/" + roomId + "/end", null);
        assertEquals(ended.body(), 200, ended.status());
    }

    // ---- recordings

    protected static String recordingsPath(Tenant tenant) {
        return "/tenants/" + tenant.slug() + "/recordings";
    }

    /** The room's segments, once they match; fails after {@code wait} with the last list. */
    protected static JsonNode awaitRecordings(Api api, Tenant tenant, String token, long roomId, String what,
                                              Predicate<JsonNode> match, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Api.Response last = null;
        while (System.nanoTime() < deadline) {
            last = api.withToken(token).get(recordingsPath(tenant) + "?roomId=" + roomId);
            assertEquals(last.body(), 200, last.status());
            if (match.test(last.json().path("items"))) {
                return last.json().path("items");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the recordings of room " + roomId + " never showed " + what + "; last: " + last);
    }

    /** GET of an /api/v1 path as bytes, with a bearer token and a Range header if not null. */
    protected static HttpResponse<byte[]> getBytes(String path, String token, String range) throws Exception {
        String port = System.getProperty(PORT_PROPERTY);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (range != null) {
            request.header("Range", range);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POST of raw bytes to an /api/v1 path with a content type and a bearer token. */
    protected static Api.Response postBytes(String path, String token, String contentType, byte[] body)
            throws Exception {
        String port = System.getProperty(PORT_PROPERTY);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Api.Response(response.statusCode(), response.body());
    }

    // ---- assertions

    /** The connection was let through the handshake and then closed with {@code code} and {@code reason}. */
    protected static void assertRefused(MediaClient client, int code, String reason) throws Exception {
        try (client) {
            assertClosed(client.awaitClose(), code, reason);
        }
    }

    /** {@code reason} null: any reason. */
    protected static void assertClosed(MediaClient.Closed closed, int code, String reason) {
        assertEquals(closed.toString(), code, closed.code());
        if (reason != null) {
            assertEquals(closed.toString(), reason, closed.reason());
        }
    }

    /** A JSON-RPC error with its numeric code and its stable name. */
    protected static void assertRpcError(JsonNode error, int code, String errorCode) {
        assertEquals(error.toString(), code, error.path("code").asInt());
        assertEquals(error.toString(), errorCode, error.path("data").path("errorCode").asText());
    }

    /** Calls {@code method}, which must fail with {@code code} and {@code errorCode}. */
    protected static JsonNode assertRefusedCall(MediaClient client, String method, Map<String, ?> params, int code,
                                                String errorCode) throws Exception {
        JsonNode error = client.error(method, params);
        assertRpcError(error, code, errorCode);
        return error;
    }

    /**
     * Skips the test. Not with {@code Assume} alone: the test runs in the container, whose JUnit counts a
     * failed assumption as a pass and reports nothing back, so the driver would report the test as passed.
     * The driver rethrows the root cause of what the container reports; an assumption failure thrown as a
     * cause reaches the driver's JUnit, which reports the test as skipped.
     */
    protected static void skip(String message) {
        throw new IllegalStateException(message, new AssumptionViolatedException(message));
    }

    /** Waits until {@code condition} holds; fails with {@code what} (and the last value described) otherwise. */
    protected static void await(String what, Duration wait, java.util.function.Supplier<Object> describe,
                                java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " within " + wait + "; now: " + describe.get());
            }
            Thread.sleep(50);
        }
    }
}
