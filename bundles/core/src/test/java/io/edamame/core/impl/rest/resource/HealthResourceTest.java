package io.edamame.core.impl.rest.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.HealthIndicator;
import io.edamame.core.api.HealthReport;
import io.edamame.core.impl.plugin.PluginRegistryImpl;
import io.edamame.core.impl.rest.Json;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.QuizPlugin;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

/** {@code GET /health} with health indicators that answer, fail, hang, come and go (database on H2). */
class HealthResourceTest extends DatabaseTest {

    /**
     * The production bound: long enough that an indicator that answers at once is never reported late on
     * a loaded machine, which a shorter one made flaky.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = Json.mapper();

    private final List<HealthResource> resources = new ArrayList<>();
    private CountDownLatch release;
    private PluginRegistryImpl plugins;
    private HealthResource health;
    private long nextServiceId = 1;

    HealthResourceTest() {
        super(DatabaseKind.H2);
    }

    @BeforeEach
    void setUp() {
        release = new CountDownLatch(1);
        plugins = core.newPluginRegistry();
        plugins.addPlugin(new QuizPlugin());
        health = resource(core.dataSource);
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        resources.forEach(HealthResource::deactivate);
        resources.clear();
    }

    private HealthResource resource(DataSource dataSource) {
        HealthResource resource = new HealthResource(dataSource, plugins, TIMEOUT);
        resources.add(resource);
        return resource;
    }

    private Map<String, Object> register(HealthResource resource, String name, HealthIndicator indicator) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.SERVICE_ID, nextServiceId++);
        if (name != null) {
            properties.put(HealthIndicator.NAME, name);
        }
        resource.addIndicator(indicator, properties);
        return properties;
    }

    private Map<String, Object> register(String name, HealthIndicator indicator) {
        return register(health, name, indicator);
    }

    private static JsonNode json(Response response) {
        return JSON.valueToTree(response.getEntity());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** An indicator that blocks until the test ends, counting its calls. */
    private HealthIndicator hanging(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HealthReport.up(Map.of());
        };
    }

    @Test
    void listsEveryComponentUnderItsNameWithItsStatusAndDetails() throws Exception {
        register("media-kurento", () -> HealthReport.up(Map.of("servers", 2)));
        register("billing", () -> HealthReport.up(null));

        Response response = health.health();

        assertEquals(200, response.getStatus());
        JsonNode expected = JSON.readTree("""
                {"status": "UP",
                 "database": {"status": "UP", "product": "H2"},
                 "plugins": [{"id": "quiz", "version": "1.2.3", "status": "INSTALLED"}],
                 "components": {
                   "billing": {"status": "UP"},
                   "media-kurento": {"status": "UP", "servers": 2}}}
                """);
        JsonNode body = json(response);
        assertEquals(expected, body);
        assertEquals(List.of("status", "database", "plugins", "components"), fieldNames(body));
        assertEquals(List.of("billing", "media-kurento"), fieldNames(body.path("components")));
    }

    @Test
    void detailsFollowTheStatusInTheirOrder() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("servers", 3);
        details.put("reachable", 1);
        details.put("unreachable", List.of("kms-2", "kms-3"));
        register("media-kurento", () -> HealthReport.degraded(details));

        JsonNode component = json(health.health()).path("components").path("media-kurento");

        assertEquals(List.of("status", "servers", "reachable", "unreachable"), fieldNames(component));
        assertEquals("kms-3", component.path("unreachable").get(1).asText());
    }

    @Test
    void withoutIndicatorsTheComponentsAreEmpty() {
        JsonNode body = json(health.health());

        assertEquals("UP", body.path("status").asText());
        assertTrue(body.path("components").isObject());
        assertEquals(0, body.path("components").size());
    }

    @Test
    void aComponentThatIsDownDegradesThePlatformButLeavesIt200() {
        register("media-kurento", () -> HealthReport.down(Map.of("error", "no media server reachable")));
        register("billing", () -> HealthReport.up(Map.of()));

        Response response = health.health();

        assertEquals(200, response.getStatus());
        JsonNode body = json(response);
        assertEquals("DEGRADED", body.path("status").asText());
        assertEquals("UP", body.path("database").path("status").asText());
        assertEquals("DOWN", body.path("components").path("media-kurento").path("status").asText());
        assertEquals("no media server reachable",
                body.path("components").path("media-kurento").path("error").asText());
        assertEquals("UP", body.path("components").path("billing").path("status").asText());
    }

    @Test
    void aDegradedComponentDegradesThePlatform() {
        register("media-kurento", () -> HealthReport.degraded(Map.of()));

        assertEquals("DEGRADED", json(health.health()).path("status").asText());
    }

    @Test
    void onlyTheDatabaseMakesIt503() throws Exception {
        DataSource down = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("Connection refused");
                });
        HealthResource withoutDatabase = resource(down);
        register(withoutDatabase, "media-kurento", () -> HealthReport.up(Map.of()));

        Response response = withoutDatabase.health();

        assertEquals(503, response.getStatus());
        JsonNode body = json(response);
        assertEquals("DOWN", body.path("status").asText());
        assertEquals(JSON.readTree("{\"status\": \"DOWN\", \"error\": \"Connection refused\"}"), body.path("database"));
        assertEquals("UP", body.path("components").path("media-kurento").path("status").asText());
    }

    @Test
    void anIndicatorThatThrowsIsDownWithTheErrorAndTheOthersAreStillReported() {
        register("media-kurento", () -> {
            throw new IllegalStateException("KMS client closed");
        });
        register("billing", () -> HealthReport.up(Map.of()));

        Response response = health.health();

        assertEquals(200, response.getStatus());
        JsonNode components = json(response).path("components");
        assertEquals("DOWN", components.path("media-kurento").path("status").asText());
        assertEquals("java.lang.IllegalStateException: KMS client closed",
                components.path("media-kurento").path("error").asText());
        assertEquals("UP", components.path("billing").path("status").asText());
    }

    @Test
    void anIndicatorThatAnswersNullIsDown() {
        register("media-kurento", () -> null);

        JsonNode component = json(health.health()).path("components").path("media-kurento");

        assertEquals("DOWN", component.path("status").asText());
        assertEquals("java.lang.IllegalStateException: returned no report", component.path("error").asText());
    }

    @Test
    void detailsThatAreNotJsonMakeOnlyTheirComponentDown() throws Exception {
        register("media-kurento", () -> HealthReport.up(Map.of("client", new Object())));
        register("billing", () -> HealthReport.up(Map.of()));

        Response response = health.health();

        assertEquals(200, response.getStatus());
        JsonNode components = JSON.readTree(JSON.writeValueAsString(response.getEntity())).path("components");
        assertEquals("DOWN", components.path("media-kurento").path("status").asText());
        assertFalse(components.path("media-kurento").path("error").asText().isEmpty());
        assertEquals("UP", components.path("billing").path("status").asText());
    }

    @Test
    void aSlowIndicatorIsDownAfterTheTimeoutAndTheOthersAreStillReported() {
        AtomicInteger calls = new AtomicInteger();
        register("media-kurento", hanging(calls));
        register("billing", () -> HealthReport.up(Map.of()));

        Response response = health.health();

        assertEquals(200, response.getStatus());
        JsonNode components = json(response).path("components");
        assertEquals(JSON.createObjectNode().put("status", "DOWN").put("error", "no report within 2000 ms"),
                components.path("media-kurento"));
        assertEquals("UP", components.path("billing").path("status").asText());
    }

    @Test
    void indicatorsAreCalledTogether() {
        // Each answers only once all five were called: called one after another, the first would time out.
        CountDownLatch allCalled = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            register("slow-" + i, () -> {
                allCalled.countDown();
                try {
                    allCalled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HealthReport.up(Map.of());
            });
        }

        JsonNode components = json(health.health()).path("components");

        assertEquals(5, components.size());
        components.forEach(component -> assertEquals("UP", component.path("status").asText(), component::toString));
    }

    @Test
    void anIndicatorStillBusyIsNotCalledAgainAndReportsOnceItAnswers() {
        AtomicInteger calls = new AtomicInteger();
        register("media-kurento", hanging(calls));

        health.health();
        JsonNode second = json(health.health()).path("components").path("media-kurento");

        assertEquals("DOWN", second.path("status").asText());
        assertEquals(1, calls.get());

        release.countDown();

        assertEquals("UP", json(health.health()).path("components").path("media-kurento").path("status").asText());
        assertTrue(calls.get() <= 2, () -> calls.get() + " calls");
    }

    @Test
    void indicatorsComeChangeTheirNameAndGo() {
        HealthIndicator indicator = () -> HealthReport.up(Map.of());
        Map<String, Object> properties = register("media", indicator);
        assertEquals(List.of("media"), fieldNames(json(health.health()).path("components")));

        properties.put(HealthIndicator.NAME, "media-kurento");
        health.updateIndicator(indicator, properties);
        assertEquals(List.of("media-kurento"), fieldNames(json(health.health()).path("components")));

        health.removeIndicator(indicator, properties);
        assertEquals(0, json(health.health()).path("components").size());
    }

    @Test
    void anIndicatorWithoutANameIsNotReported() {
        register(null, () -> HealthReport.down(Map.of()));
        register("  ", () -> HealthReport.down(Map.of()));

        JsonNode body = json(health.health());

        assertEquals(0, body.path("components").size());
        assertEquals("UP", body.path("status").asText());
    }

    @Test
    void aSecondIndicatorWithATakenNameIsReportedUnderItsServiceId() {
        register("media-kurento", () -> HealthReport.up(Map.of()));
        long second = (Long) register("media-kurento", () -> HealthReport.down(Map.of())).get(Constants.SERVICE_ID);

        JsonNode components = json(health.health()).path("components");

        assertEquals("UP", components.path("media-kurento").path("status").asText());
        assertEquals("DOWN", components.path("media-kurento#" + second).path("status").asText());
    }
}
