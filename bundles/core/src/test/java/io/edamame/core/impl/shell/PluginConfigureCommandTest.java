package io.edamame.core.impl.shell;

import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Tenant;
import io.edamame.core.impl.plugin.PluginRegistryImpl;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.KeyringPlugin;
import io.edamame.core.testing.QuizPlugin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code edamame:plugin-configure} run as Karaf runs it (fields set, then execute) on the real registry (H2). */
class PluginConfigureCommandTest extends DatabaseTest {

    private static final String KEYRING = KeyringPlugin.ID;

    private KeyringPlugin keyring;
    private QuizPlugin quiz;
    private PluginRegistryImpl registry;
    private Tenant tenant;

    PluginConfigureCommandTest() {
        super(DatabaseKind.H2);
    }

    @BeforeEach
    void installPluginsForANewTenant() {
        keyring = new KeyringPlugin();
        quiz = new QuizPlugin();
        core.plugins.addPlugin(keyring);
        core.plugins.addPlugin(quiz);
        registry = core.plugins;
        tenant = core.newTenant().tenant();
    }

    @AfterEach
    void uninstallPlugins() {
        core.plugins.removePlugin(keyring);
        core.plugins.removePlugin(quiz);
    }

    /** Runs {@code edamame:plugin-configure [options] <tenant> <plugin> [arguments]}; answers what it printed. */
    private String run(String plugin, String... optionsAndArguments) {
        PluginConfigureCommand command = new PluginConfigureCommand();
        command.tenants = core.tenants;
        command.plugins = registry;
        command.tenant = tenant.slug();
        command.plugin = plugin;
        List<String> assignments = new ArrayList<>();
        List<String> unset = new ArrayList<>();
        for (int i = 0; i < optionsAndArguments.length; i++) {
            switch (optionsAndArguments[i]) {
                case "--enable" -> command.enable = true;
                case "--disable" -> command.disable = true;
                case "--unset" -> unset.add(optionsAndArguments[++i]);
                default -> assignments.add(optionsAndArguments[i]);
            }
        }
        // As Karaf leaves them when none is given.
        command.assignments = assignments.isEmpty() ? null : assignments;
        command.unset = unset.isEmpty() ? null : unset;
        PrintStream console = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(null, command.execute());
        } finally {
            System.setOut(console);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private Map<String, Object> settings() {
        return registry.settings(tenant.id(), KEYRING);
    }

    private boolean enabled() {
        return registry.isEnabled(tenant.id(), KEYRING);
    }

    @Test
    void valuesAreConvertedPerTheSchemaType() {
        run(KEYRING, "appId=wx0001", "retries=5", "ratio=0.25", "sandbox=true", "ports=80, 443",
                "aesKeys=aes-key-1,aes-key-2", "pin=0042", "appSecret=s3cr=t");

        assertEquals(Map.of("appId", "wx0001", "retries", 5, "ratio", 0.25, "sandbox", true, "ports", List.of(80, 443),
                "aesKeys", List.of("aes-key-1", "aes-key-2"), "pin", 42, "appSecret", "s3cr=t"), settings());
    }

    @Test
    void aWholeNumberIsANumberAndAnEmptyArrayHasNoItems() {
        run(KEYRING, "ratio=2", "ports=", "sandbox=FALSE");

        assertEquals(2, settings().get("ratio"));
        assertEquals(List.of(), settings().get("ports"));
        assertEquals(false, settings().get("sandbox"));
    }

    @Test
    void itPrintsTheSwitchAndTheSettingsWithSecretsShownAsSet() {
        String printed = run(KEYRING, "--enable", "appId=wx0001", "appSecret=app-secret-0001", "aesKeys=aes-key-0001",
                "ports=80,443");

        String nl = System.lineSeparator();
        assertEquals("Plugin keyring is enabled for " + tenant.slug() + nl
                + "  aesKeys   = (set)" + nl
                + "  appId     = wx0001" + nl
                + "  appSecret = (set)" + nl
                + "  ports     = [80,443]" + nl
                + "  retries   = 3" + nl
                + "  sandbox   = false" + nl, printed);
    }

    @Test
    void givenSettingsAreMergedOverTheCurrentOnesSecretsIncluded() {
        run(KEYRING, "--enable", "appId=wx0001", "appSecret=app-secret-0001", "token=token-0001", "retries=7");

        run(KEYRING, "appId=wx0002");

        assertEquals(Map.of("appId", "wx0002", "appSecret", "app-secret-0001", "token", "token-0001", "retries", 7,
                "sandbox", false), settings());
        assertTrue(enabled(), "the switch is kept");
    }

    @Test
    void theSwitchIsKeptUnlessEnableOrDisableIsGiven() {
        run(KEYRING, "appId=wx0001");
        assertFalse(enabled());

        run(KEYRING, "--enable");
        assertTrue(enabled());

        run(KEYRING, "retries=4");
        assertTrue(enabled());

        run(KEYRING, "--disable");
        assertFalse(enabled());
        assertEquals("wx0001", settings().get("appId"), "switching keeps the settings");
        assertEquals(4, settings().get("retries"));
    }

    @Test
    void unsetRemovesSettingsSecretsIncluded() {
        run(KEYRING, "appId=wx0001", "appSecret=app-secret-0001", "token=token-0001", "retries=7");

        run(KEYRING, "--unset", "appSecret", "--unset", "retries", "--unset", "appId");

        assertEquals(Map.of("token", "token-0001", "retries", 3, "sandbox", false), settings());
    }

    @Test
    void unsettingASettingThatIsNotInTheSchemaAnyMoreDropsIt() throws Exception {
        run(KEYRING, "appId=wx0001");
        // Saved by an earlier version of the plugin, which had legacyFlag.
        try (Connection connection = core.dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update plugin_switch set settings_json = ? where tenant_id = ? and plugin_id = ?")) {
            update.setString(1, "{\"appId\":\"wx0001\",\"legacyFlag\":true}");
            update.setLong(2, tenant.id());
            update.setString(3, KEYRING);
            assertEquals(1, update.executeUpdate());
        }
        registry = core.newPluginRegistry();
        registry.addPlugin(keyring);

        EdamameException refused = assertError(CoreErrorCode.INVALID_SETTINGS, () -> run(KEYRING, "retries=4"));
        assertTrue(refused.getMessage().contains("legacyFlag: is not a setting of this plugin"), refused.getMessage());

        run(KEYRING, "--unset", "legacyFlag", "retries=4");

        assertEquals(Map.of("appId", "wx0001", "retries", 4, "sandbox", false), settings());
    }

    @Test
    void badValuesAndUnknownNamesAreRefusedReadablyAndNothingIsSaved() {
        run(KEYRING, "appId=wx0001", "retries=7");

        EdamameException refused = assertFieldErrors(CoreErrorCode.INVALID_SETTINGS,
                Set.of("retries", "sandbox", "ports[1]", "ratio", "colour"),
                () -> run(KEYRING, "retries=many", "sandbox=yes", "ports=80,http", "ratio=NaN", "colour=red"));

        String nl = System.lineSeparator();
        assertTrue(refused.getMessage().startsWith("Invalid settings for plugin 'keyring':" + nl), refused.getMessage());
        for (String line : List.of("  retries: must be of type integer", "  sandbox: must be of type boolean",
                "  ports[1]: must be of type integer", "  colour: is not a setting of this plugin")) {
            assertTrue(refused.getMessage().contains(nl + line), line + " in " + refused.getMessage());
        }
        assertEquals(Map.of("appId", "wx0001", "retries", 7, "sandbox", false), settings());
    }

    @Test
    void aValueTheRegistryRefusesIsReportedWithItsRule() {
        EdamameException refused = assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of("retries"),
                () -> run(KEYRING, "retries=11"));

        assertTrue(refused.getMessage().contains("retries: must be at most 10"), refused.getMessage());
    }

    @Test
    void anObjectIsRefusedWithAPointerToRest() {
        EdamameException refused = assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of("extra"),
                () -> run(KEYRING, "appId=wx0001", "extra={\"a\":1}"));

        assertTrue(refused.getMessage().contains("PUT /api/v1/tenants/" + tenant.slug() + "/plugins/keyring"),
                refused.getMessage());
        assertFalse(settings().containsKey("appId"), "nothing is saved");
    }

    @Test
    void unsettingAnUnknownNameIsRefused() {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of("colour"), () -> run(KEYRING, "--unset", "colour"));
    }

    @Test
    void aRequiredSecretCannotBeUnset() {
        run(QuizPlugin.ID, "--enable", "apiKey=quiz-api-key");

        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of("apiKey"), () -> run(QuizPlugin.ID, "--unset", "apiKey"));

        assertEquals("quiz-api-key", core.plugins.settings(tenant.id(), QuizPlugin.ID).get("apiKey"));
    }

    @Test
    void anArgumentThatIsNotNameEqualsValueIsRefusedWithoutRepeatingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(KEYRING, "appId=wx0001", "app-secret-typed-alone"));

        assertEquals("Setting 2 is not of the form name=value", e.getMessage());
    }

    @Test
    void enableAndDisableTogetherAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> run(KEYRING, "--enable", "--disable"));

        assertFalse(core.plugins.forTenant(tenant.id(), KEYRING).enabled());
    }

    @Test
    void aSettingBothGivenAndUnsetIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> run(KEYRING, "appId=wx0001", "--unset", "appId"));
    }

    @Test
    void anUnknownPluginIsNotFound() {
        assertError(CoreErrorCode.PLUGIN_NOT_FOUND, () -> run("no-such-plugin", "a=b"));
    }
}
