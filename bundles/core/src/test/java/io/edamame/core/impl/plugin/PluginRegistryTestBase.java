package io.edamame.core.impl.plugin;

import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.PluginInfo;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantPlugin;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.QuizPlugin;
import io.edamame.core.testing.QuizPlugin.Callback;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/**
 * {@link PluginRegistryImpl} on a real database, with {@link QuizPlugin} installed; run by
 * {@link PluginRegistryH2Test} and {@link PluginRegistryPostgresTest}.
 */
abstract class PluginRegistryTestBase extends DatabaseTest {

    private static final String QUIZ = QuizPlugin.ID;
    private static final Map<String, Object> DEFAULTS = Map.of("maxQuestions", 10, "mode", "open");

    private QuizPlugin plugin;
    private PluginRegistryImpl registry;
    private Tenant tenantA;
    private Tenant tenantB;

    PluginRegistryTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeEach
    void installQuizForTwoNewTenants() {
        plugin = new QuizPlugin();
        registry = core.plugins;
        registry.addPlugin(plugin);
        tenantA = core.newTenant().tenant();
        tenantB = core.newTenant().tenant();
        core.events.clear();
    }

    @AfterEach
    void uninstallQuiz() {
        if (registry != null) {
            registry.removePlugin(plugin);
        }
    }

    private static Map<String, Object> settings(Object... keysAndValues) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    private static Map<String, Object> withDefaults(Map<String, Object> settings) {
        Map<String, Object> result = new HashMap<>(DEFAULTS);
        result.putAll(settings);
        return result;
    }

    private void assertPluginEvent(String topic, Tenant tenant) {
        Event event = core.events.single(topic);
        assertEquals(tenant.id(), event.getProperty(EdamameEvents.TENANT_ID));
        assertEquals(tenant.slug(), event.getProperty(EdamameEvents.TENANT_SLUG));
        assertEquals(QUIZ, event.getProperty(EdamameEvents.PLUGIN_ID));
    }

    @Test
    void listsTheInstalledPlugin() {
        assertEquals(List.of(new PluginInfo(QUIZ, "Quiz", "1.2.3", "Questions for the audience", plugin.settingsSchema())),
                registry.installed());
    }

    @Test
    void anInstalledPluginIsOffForEveryTenant() {
        for (Tenant tenant : List.of(tenantA, tenantB)) {
            assertFalse(registry.isEnabled(tenant.id(), QUIZ));
            assertEquals(List.of(new TenantPlugin(registry.installed().get(0), false, DEFAULTS)),
                    registry.forTenant(tenant.id()));
            assertEquals(DEFAULTS, registry.settings(tenant.id(), QUIZ));
            assertError(CoreErrorCode.PLUGIN_DISABLED, () -> registry.requireEnabled(tenant.id(), QUIZ));
        }
        assertEnabling(false, tenantA);
        assertEnabling(false, tenantB);
    }

    /** Whether {@code tenant} is among {@link PluginRegistryImpl#tenantsEnabling} (of every test's tenants). */
    private void assertEnabling(boolean expected, Tenant tenant) {
        assertEquals(expected, registry.tenantsEnabling(QUIZ).contains(tenant.id()), tenant.slug());
    }

    @Test
    void switchingOnForOneTenantLeavesTheOthersOff() {
        TenantPlugin enabled = registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1", "mode", "timed"));

        assertTrue(enabled.enabled());
        assertEquals(withDefaults(settings("apiKey", "k-1", "mode", "timed")), enabled.settings());
        assertTrue(registry.isEnabled(tenantA.id(), QUIZ));
        registry.requireEnabled(tenantA.id(), QUIZ);
        assertFalse(registry.isEnabled(tenantB.id(), QUIZ));
        assertEquals(DEFAULTS, registry.settings(tenantB.id(), QUIZ));
        assertEnabling(true, tenantA);
        assertEnabling(false, tenantB);
    }

    @Test
    void switchingOnCallsOnEnabledAndPostsPluginEnabled() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1"));

        assertEquals(List.of(new Callback("enabled", tenantA.slug(), withDefaults(settings("apiKey", "k-1")))),
                plugin.callbacks());
        assertPluginEvent(EdamameEvents.PLUGIN_ENABLED, tenantA);
    }

    @Test
    void switchingOffCallsOnDisabledPostsPluginDisabledAndKeepsTheSettings() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1", "maxQuestions", 20));
        core.events.clear();

        TenantPlugin disabled = registry.configure(tenantA.id(), QUIZ, false, null);

        assertFalse(disabled.enabled());
        assertFalse(registry.isEnabled(tenantA.id(), QUIZ));
        assertEquals(withDefaults(settings("apiKey", "k-1", "maxQuestions", 20)), registry.settings(tenantA.id(), QUIZ));
        assertEquals(List.of("enabled", "disabled"), plugin.callbacks().stream().map(Callback::kind).toList());
        assertEquals(new Callback("disabled", tenantA.slug(), null), plugin.callbacks().get(1));
        assertPluginEvent(EdamameEvents.PLUGIN_DISABLED, tenantA);
        assertEnabling(false, tenantA);
    }

    @Test
    void changingTheSettingsOfAnEnabledPlugin() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1"));
        core.events.clear();

        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1", "title", "Weekly quiz"));

        assertEquals(withDefaults(settings("apiKey", "k-1", "title", "Weekly quiz")), registry.settings(tenantA.id(), QUIZ));
        assertEquals(List.of("enabled", "enabled"), plugin.callbacks().stream().map(Callback::kind).toList());
        assertPluginEvent(EdamameEvents.PLUGIN_SETTINGS_CHANGED, tenantA);
    }

    @Test
    void invalidSettingsAreRefusedAndNothingIsSaved() {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of("maxQuestions", "mode", "title", "colour", "apiKey"),
                () -> registry.configure(tenantA.id(), QUIZ, true,
                        settings("maxQuestions", 51, "mode", "random", "title", "t".repeat(41), "colour", "red")));

        assertNothingSavedFor(tenantA);
    }

    @Test
    void settingsRefusedByThePluginAreNotSaved() {
        assertError(CoreErrorCode.INVALID_SETTINGS, () -> registry.configure(tenantA.id(), QUIZ, true,
                settings("apiKey", "k-1", "title", QuizPlugin.REFUSED_TITLE)));

        assertNothingSavedFor(tenantA);
    }

    private void assertNothingSavedFor(Tenant tenant) {
        assertFalse(registry.isEnabled(tenant.id(), QUIZ));
        assertEquals(DEFAULTS, registry.settings(tenant.id(), QUIZ));
        PluginRegistryImpl uncached = core.newPluginRegistry();
        uncached.addPlugin(plugin);
        assertEquals(new TenantPlugin(registry.installed().get(0), false, DEFAULTS), uncached.forTenant(tenant.id(), QUIZ));
        assertEquals(List.of(), plugin.callbacks());
        assertEquals(List.of(), core.events.topics());
    }

    @Test
    void switchingOnChecksTheSavedSettings() {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of("apiKey"),
                () -> registry.configure(tenantA.id(), QUIZ, true, null));

        assertNothingSavedFor(tenantA);
    }

    @Test
    void switchingOffNeedsNoValidSettings() {
        TenantPlugin off = registry.configure(tenantA.id(), QUIZ, false, null);

        assertFalse(off.enabled());
        assertEquals(List.of(), plugin.callbacks(), "onDisabled is for plugins that were on");
    }

    @Test
    void invalidSettingsKeepTheSavedOnes() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1", "maxQuestions", 5));

        assertError(CoreErrorCode.INVALID_SETTINGS,
                () -> registry.configure(tenantA.id(), QUIZ, false, settings("maxQuestions", 0)));

        assertTrue(registry.isEnabled(tenantA.id(), QUIZ));
        assertEquals(withDefaults(settings("apiKey", "k-1", "maxQuestions", 5)), registry.settings(tenantA.id(), QUIZ));
    }

    @Test
    void anOmittedSecretKeepsItsSavedValue() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "s3cret", "mode", "timed"));

        registry.configure(tenantA.id(), QUIZ, true, settings("mode", "open"));

        assertEquals(withDefaults(settings("apiKey", "s3cret", "mode", "open")), registry.settings(tenantA.id(), QUIZ));
    }

    @Test
    void aGivenSecretReplacesTheSavedOne() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "old"));

        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "new"));

        assertEquals("new", registry.settings(tenantA.id(), QUIZ).get("apiKey"));
    }

    @Test
    void switchesAndSettingsOutliveThePlugin() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1", "maxQuestions", 7));

        registry.removePlugin(plugin);

        assertEquals(List.of(), registry.installed());
        assertFalse(registry.isEnabled(tenantA.id(), QUIZ), "not installed, so not enabled");
        assertError(CoreErrorCode.PLUGIN_NOT_FOUND, () -> registry.forTenant(tenantA.id(), QUIZ));

        QuizPlugin reinstalled = new QuizPlugin();
        registry.addPlugin(reinstalled);
        plugin = reinstalled;

        assertTrue(registry.isEnabled(tenantA.id(), QUIZ));
        assertEquals(withDefaults(settings("apiKey", "k-1", "maxQuestions", 7)), registry.settings(tenantA.id(), QUIZ));
        assertFalse(registry.isEnabled(tenantB.id(), QUIZ));
    }

    @Test
    void switchesAndSettingsAreStoredInTheDatabase() {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1", "maxQuestions", 7));

        PluginRegistryImpl restarted = core.newPluginRegistry();
        restarted.addPlugin(new QuizPlugin());

        assertTrue(restarted.isEnabled(tenantA.id(), QUIZ));
        assertEquals(withDefaults(settings("apiKey", "k-1", "maxQuestions", 7)), restarted.settings(tenantA.id(), QUIZ));
        assertFalse(restarted.isEnabled(tenantB.id(), QUIZ));
    }

    @Test
    void unknownPluginsAreNotFound() {
        assertFalse(registry.isEnabled(tenantA.id(), "no-such-plugin"));
        assertError(CoreErrorCode.PLUGIN_NOT_FOUND, () -> registry.forTenant(tenantA.id(), "no-such-plugin"));
        assertError(CoreErrorCode.PLUGIN_NOT_FOUND, () -> registry.settings(tenantA.id(), "no-such-plugin"));
        assertError(CoreErrorCode.PLUGIN_NOT_FOUND, () -> registry.configure(tenantA.id(), "no-such-plugin", true, null));
        assertError(CoreErrorCode.PLUGIN_DISABLED, () -> registry.requireEnabled(tenantA.id(), "no-such-plugin"));
    }

    @Test
    void configuringForAnUnknownTenantIsRefused() {
        assertError(CoreErrorCode.TENANT_NOT_FOUND,
                () -> registry.configure(Long.MAX_VALUE, QUIZ, true, settings("apiKey", "k-1")));

        assertFalse(registry.tenantsEnabling(QUIZ).contains(Long.MAX_VALUE));
    }

    @Test
    void aPluginWithAMalformedIdIsIgnored() {
        QuizPlugin malformed = new QuizPlugin("Not A Plugin Id");

        registry.addPlugin(malformed);
        registry.removePlugin(malformed);

        assertEquals(List.of(QUIZ), registry.installed().stream().map(PluginInfo::id).toList());
    }

    @Test
    void aSecondPluginWithTheSameIdIsIgnored() {
        QuizPlugin impostor = new QuizPlugin();

        registry.addPlugin(impostor);
        registry.removePlugin(impostor);

        assertEquals(1, registry.installed().size(), "the first one stays installed");
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "k-1"));
        assertEquals(1, plugin.callbacks().size());
        assertEquals(List.of(), impostor.callbacks());
    }
}
