package io.edamame.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * A plugin feature installed into the running container appears for every tenant, serves only the
 * tenant that switched it on, and is uninstalled and reinstalled without a restart, while other
 * requests keep being served and the tenant's switch and settings survive.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginHotInstallIT extends EdamameTestSupport {

    private static final EnumSet<FeaturesService.Option> NO_REFRESH = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);
    private static final String FEATURE = "edamame-greeting-plugin";

    private static JsonNode plugin(Api api, String tenant, String id) throws Exception {
        for (JsonNode plugin : api.get("/tenants/" + tenant + "/plugins").json()) {
            if (plugin.path("id").asText().equals(id)) {
                return plugin;
            }
        }
        return null;
    }

    private Bundle coreBundle() {
        for (Bundle bundle : bundleContext.getBundles()) {
            if ("io.edamame.core".equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("core bundle not installed");
    }

    @Test
    public void pluginIsInstalledSwitchedPerTenantUninstalledAndReinstalled() throws Exception {
        Api api = api();
        Tenant a = newTenant(api, "plugin-a");
        Tenant b = newTenant(api, "plugin-b");
        Api asA = api.withToken(a.adminToken());
        Api asB = api.withToken(b.adminToken());
        assertEquals(null, plugin(asA, "plugin-a", "greeting"));
        Bundle core = coreBundle();
        long coreLastModified = core.getLastModified();

        // Other tenants' requests run throughout; none may fail.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> background = load.submit(() -> {
            while (running.get()) {
                try {
                    if (asB.get("/tenants/plugin-b/rooms").status() == 200) {
                        served.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
            return null;
        });

        try {
            features.addRepository(URI.create("mvn:io.edamame/edamame-greeting-plugin/"
                    + System.getProperty("project.version") + "/xml/features"));
            features.installFeature(FEATURE, NO_REFRESH);
            awaitPlugin(asA, "plugin-a", true);

            JsonNode forA = plugin(asA, "plugin-a", "greeting");
            JsonNode forB = plugin(asB, "plugin-b", "greeting");
            assertFalse("off by default", forA.path("enabled").asBoolean());
            assertFalse("off by default", forB.path("enabled").asBoolean());
            assertEquals("Hello", forA.path("settings").path("message").asText());

            // Invalid settings change nothing.
            Api.Response invalid = asA.put("/tenants/plugin-a/plugins/greeting",
                    Map.of("enabled", true, "settings", Map.of("repeat", 9)));
            assertError(invalid, 400, "INVALID_SETTINGS");
            assertFalse(plugin(asA, "plugin-a", "greeting").path("enabled").asBoolean());

            Api.Response enabled = asA.put("/tenants/plugin-a/plugins/greeting",
                    Map.of("enabled", true, "settings", Map.of("message", "Hi A", "repeat", 2)));
            assertEquals(enabled.body(), 200, enabled.status());
            assertTrue(enabled.json().path("enabled").asBoolean());

            Api.Response greetingA = asA.get("/tenants/plugin-a/greeting");
            assertEquals(greetingA.body(), 200, greetingA.status());
            assertEquals("Hi A Hi A", greetingA.json().path("message").asText());
            Api.Response greetingB = asB.get("/tenants/plugin-b/greeting");
            assertError(greetingB, 403, "PLUGIN_DISABLED");

            // Switching off takes effect on the next request; switching on again keeps the settings.
            asA.put("/tenants/plugin-a/plugins/greeting", Map.of("enabled", false));
            assertEquals("PLUGIN_DISABLED", asA.get("/tenants/plugin-a/greeting").code());
            asA.put("/tenants/plugin-a/plugins/greeting", Map.of("enabled", true));
            assertEquals("Hi A Hi A", asA.get("/tenants/plugin-a/greeting").json().path("message").asText());

            features.uninstallFeature(FEATURE, NO_REFRESH);
            awaitPlugin(asA, "plugin-a", false);
            Api.Response afterUninstall = asA.get("/tenants/plugin-a/greeting");
            assertError(afterUninstall, 404, "NOT_FOUND");
            assertEquals(200, asA.get("/tenants/plugin-a/rooms").status());

            features.installFeature(FEATURE, NO_REFRESH);
            awaitPlugin(asA, "plugin-a", true);
            JsonNode restored = plugin(asA, "plugin-a", "greeting");
            assertTrue("switch restored", restored.path("enabled").asBoolean());
            assertEquals("Hi A", restored.path("settings").path("message").asText());
            assertEquals("Hi A Hi A", asA.get("/tenants/plugin-a/greeting").json().path("message").asText());
            assertEquals("PLUGIN_DISABLED", asB.get("/tenants/plugin-b/greeting").code());
        } finally {
            running.set(false);
            background.get();
            load.shutdown();
        }
        assertTrue("background requests were served", served.get() > 0);
        assertEquals("failed background requests", 0, failed.get());
        assertEquals("core was not restarted", Bundle.ACTIVE, core.getState());
        assertEquals("core was not reinstalled", coreLastModified, core.getLastModified());
    }

    /** Waits until the plugin is listed (or no longer listed) and its resource is (no longer) served. */
    private static void awaitPlugin(Api api, String tenant, boolean present) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean listed = plugin(api, tenant, "greeting") != null;
            boolean routed = api.get("/tenants/" + tenant + "/greeting").status() != 404;
            if (listed == present && routed == present) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("plugin greeting " + (present ? "never appeared" : "never went away")
                + " for " + tenant + " (" + List.of(api.get("/tenants/" + tenant + "/plugins").body()) + ")");
    }
}
