package io.edamame.core.impl.plugin;

import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.Tenant;
import io.edamame.core.impl.secrets.SecretCipher;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.KeyringPlugin;
import io.edamame.core.testing.QuizPlugin;
import io.edamame.core.testing.QuizPlugin.Callback;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secret settings as {@link PluginRegistryImpl} stores them, read back with SQL from
 * {@code plugin_switch.settings_json}: encrypted at rest, plaintext to plugins. Run by
 * {@link PluginSecretsH2Test} and {@link PluginSecretsPostgresTest}.
 */
abstract class PluginSecretsTestBase extends DatabaseTest {

    private static final String QUIZ = QuizPlugin.ID;
    private static final String KEYRING = KeyringPlugin.ID;
    private static final String NEW_KEY = Base64.getEncoder()
            .encodeToString("the-key-after-a-rotation-32bytes".getBytes(StandardCharsets.US_ASCII));
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuizPlugin quiz;
    private KeyringPlugin keyring;
    private PluginRegistryImpl registry;
    private Tenant tenantA;
    private Tenant tenantB;

    PluginSecretsTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeEach
    void installPluginsForTwoNewTenants() {
        quiz = new QuizPlugin();
        keyring = new KeyringPlugin();
        registry = core.plugins;
        registry.addPlugin(quiz);
        registry.addPlugin(keyring);
        tenantA = core.newTenant().tenant();
        tenantB = core.newTenant().tenant();
    }

    @AfterEach
    void uninstallPlugins() {
        if (registry != null) {
            registry.removePlugin(quiz);
            registry.removePlugin(keyring);
        }
    }

    private static Map<String, Object> settings(Object... keysAndValues) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    /** A registry with an empty cache and both plugins, as on another node or after a restart. */
    private PluginRegistryImpl restarted(SecretCipher cipher) {
        PluginRegistryImpl restarted = core.newPluginRegistry(cipher);
        restarted.addPlugin(new QuizPlugin());
        restarted.addPlugin(new KeyringPlugin());
        return restarted;
    }

    private String storedJson(Tenant tenant, String pluginId) throws SQLException {
        try (Connection connection = core.dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select settings_json from plugin_switch where tenant_id = ? and plugin_id = ?")) {
            select.setLong(1, tenant.id());
            select.setString(2, pluginId);
            try (ResultSet row = select.executeQuery()) {
                assertTrue(row.next(), "a row for " + tenant.slug() + "/" + pluginId);
                return row.getString(1);
            }
        }
    }

    private Map<String, Object> stored(Tenant tenant, String pluginId) throws Exception {
        return JSON.readValue(storedJson(tenant, pluginId), new TypeReference<>() {
        });
    }

    private void store(Tenant tenant, String pluginId, Map<String, Object> settings) throws Exception {
        try (Connection connection = core.dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update plugin_switch set settings_json = ? where tenant_id = ? and plugin_id = ?")) {
            update.setString(1, JSON.writeValueAsString(settings));
            update.setLong(2, tenant.id());
            update.setString(3, pluginId);
            assertEquals(1, update.executeUpdate());
        }
    }

    private static void assertEncryptedWith(SecretCipher cipher, Object value) {
        assertTrue(value instanceof String text && text.startsWith("enc:v1:" + cipher.currentKeyId() + ":"),
                "encrypted with key " + cipher.currentKeyId() + ": " + value);
    }

    @Test
    void aSecretIsEncryptedInTheDatabaseAndPlainToThePlugin() throws Exception {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "quiz-api-key-0001", "mode", "timed"));

        String json = storedJson(tenantA, QUIZ);
        assertFalse(json.contains("quiz-api-key-0001"), json);
        Map<String, Object> stored = stored(tenantA, QUIZ);
        assertEncryptedWith(core.secrets, stored.get("apiKey"));
        assertEquals("timed", stored.get("mode"), "settings that are not secret stay readable");

        assertEquals("quiz-api-key-0001", registry.settings(tenantA.id(), QUIZ).get("apiKey"));
        assertEquals("quiz-api-key-0001", restarted(core.secrets).settings(tenantA.id(), QUIZ).get("apiKey"));
        Callback enabled = quiz.callbacks().get(0);
        assertEquals("quiz-api-key-0001", enabled.settings().get("apiKey"), "onEnabled has the plaintext");
    }

    @Test
    void secretsOfEveryTypeAreEncryptedAndComeBackAsTheyWere() throws Exception {
        Map<String, Object> given = settings("appId", "wx0001", "appSecret", "app-secret-0001",
                "token", "token-0001", "aesKeys", List.of("aes-key-0001", "aes-key-0002"), "pin", 4321);

        registry.configure(tenantA.id(), KEYRING, true, given);

        String json = storedJson(tenantA, KEYRING);
        for (String plaintext : List.of("app-secret-0001", "token-0001", "aes-key-0001", "aes-key-0002", "4321")) {
            assertFalse(json.contains(plaintext), plaintext + " in " + json);
        }
        Map<String, Object> expected = new HashMap<>(given);
        expected.putAll(Map.of("retries", 3, "sandbox", false));
        assertEquals(expected, restarted(core.secrets).settings(tenantA.id(), KEYRING));
    }

    @Test
    void aSecretCopiedToAnotherTenantDoesNotDecryptThere() throws Exception {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "tenant-a-key", "maxQuestions", 7));
        registry.configure(tenantB.id(), QUIZ, true, settings("apiKey", "tenant-b-key"));

        store(tenantB, QUIZ, stored(tenantA, QUIZ));

        PluginRegistryImpl restarted = restarted(core.secrets);
        assertEquals(Map.of("maxQuestions", 7, "mode", "open"), restarted.settings(tenantB.id(), QUIZ),
                "the other settings are read, the secret is absent");
        assertTrue(restarted.isEnabled(tenantB.id(), QUIZ));
        assertEquals("tenant-a-key", restarted.settings(tenantA.id(), QUIZ).get("apiKey"));
    }

    @Test
    void aSecretCopiedToAnotherSettingDoesNotDecryptThere() throws Exception {
        registry.configure(tenantA.id(), KEYRING, true, settings("appSecret", "app-secret-0002", "token", "token-0002"));
        Map<String, Object> swapped = stored(tenantA, KEYRING);
        Object appSecret = swapped.get("appSecret");
        swapped.put("appSecret", swapped.get("token"));
        swapped.put("token", appSecret);

        store(tenantA, KEYRING, swapped);

        assertEquals(Map.of("retries", 3, "sandbox", false), restarted(core.secrets).settings(tenantA.id(), KEYRING));
    }

    @Test
    void aTamperedSecretIsAbsent() throws Exception {
        registry.configure(tenantA.id(), KEYRING, true, settings("appSecret", "app-secret-0003", "appId", "wx0003"));
        Map<String, Object> stored = stored(tenantA, KEYRING);
        String encrypted = (String) stored.get("appSecret");
        int index = encrypted.lastIndexOf(':') + 20;
        stored.put("appSecret", encrypted.substring(0, index) + (encrypted.charAt(index) == 'A' ? 'B' : 'A')
                + encrypted.substring(index + 1));

        store(tenantA, KEYRING, stored);

        PluginRegistryImpl restarted = restarted(core.secrets);
        assertEquals(Map.of("appId", "wx0003", "retries", 3, "sandbox", false), restarted.settings(tenantA.id(), KEYRING));
        assertEquals(2, restarted.forTenant(tenantA.id()).size(), "the tenant's plugins are all listed");
    }

    @Test
    void aRowWrittenBeforeEncryptionIsReadAsItIsAndEncryptedOnTheNextWrite() throws Exception {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "to-be-replaced"));
        store(tenantA, QUIZ, settings("apiKey", "legacy-plain-key", "mode", "timed"));

        PluginRegistryImpl restarted = restarted(core.secrets);
        assertEquals("legacy-plain-key", restarted.settings(tenantA.id(), QUIZ).get("apiKey"));

        restarted.configure(tenantA.id(), QUIZ, true, settings("mode", "open"));

        assertFalse(storedJson(tenantA, QUIZ).contains("legacy-plain-key"), storedJson(tenantA, QUIZ));
        assertEncryptedWith(core.secrets, stored(tenantA, QUIZ).get("apiKey"));
        assertEquals(Map.of("apiKey", "legacy-plain-key", "mode", "open", "maxQuestions", 10),
                restarted(core.secrets).settings(tenantA.id(), QUIZ));
    }

    @Test
    void switchingAloneEncryptsALegacyRow() throws Exception {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "to-be-replaced"));
        store(tenantA, QUIZ, settings("apiKey", "legacy-plain-key"));

        restarted(core.secrets).configure(tenantA.id(), QUIZ, false, null);

        assertEncryptedWith(core.secrets, stored(tenantA, QUIZ).get("apiKey"));
        assertEquals("legacy-plain-key", restarted(core.secrets).settings(tenantA.id(), QUIZ).get("apiKey"));
    }

    @Test
    void aRotatedKeyReadsOldValuesAndEncryptsTheNextWriteWithTheNewKey() throws Exception {
        registry.configure(tenantA.id(), QUIZ, true, settings("apiKey", "before-rotation"));
        SecretCipher rotated = new SecretCipher(NEW_KEY, CoreServices.SECRETS_KEY);
        PluginRegistryImpl afterRotation = restarted(rotated);

        assertEquals("before-rotation", afterRotation.settings(tenantA.id(), QUIZ).get("apiKey"));

        afterRotation.configure(tenantA.id(), QUIZ, true, settings("mode", "timed"));

        assertEncryptedWith(rotated, stored(tenantA, QUIZ).get("apiKey"));
        assertEquals("before-rotation", restarted(new SecretCipher(NEW_KEY)).settings(tenantA.id(), QUIZ).get("apiKey"),
                "the old key is no longer needed");
    }

    @Test
    void aSecretOfAnUnknownKeyIsAbsentKeptOnWritesAndReadAgainWithItsKey() throws Exception {
        registry.configure(tenantA.id(), KEYRING, true, settings("appId", "wx0004", "appSecret", "app-secret-0004"));
        Object encrypted = stored(tenantA, KEYRING).get("appSecret");
        PluginRegistryImpl wrongKey = restarted(new SecretCipher(NEW_KEY));

        assertEquals(Map.of("appId", "wx0004", "retries", 3, "sandbox", false), wrongKey.settings(tenantA.id(), KEYRING));
        assertTrue(wrongKey.isEnabled(tenantA.id(), KEYRING));

        wrongKey.configure(tenantA.id(), KEYRING, true, settings("appId", "wx0005"));
        wrongKey.configure(tenantA.id(), KEYRING, false, null);

        assertEquals(encrypted, stored(tenantA, KEYRING).get("appSecret"), "kept as it was");
        assertEquals("app-secret-0004", restarted(new SecretCipher(NEW_KEY, CoreServices.SECRETS_KEY))
                .settings(tenantA.id(), KEYRING).get("appSecret"));
    }

    @Test
    void anUndecryptableSecretGivenAgainOrAsNullIsReplaced() throws Exception {
        registry.configure(tenantA.id(), KEYRING, true, settings("appSecret", "app-secret-0006", "token", "token-0006"));
        PluginRegistryImpl wrongKey = restarted(new SecretCipher(NEW_KEY));

        wrongKey.configure(tenantA.id(), KEYRING, true, settings("appSecret", "app-secret-0007", "token", null));

        assertEquals(Set.of("appSecret"), stored(tenantA, KEYRING).keySet());
        assertEquals("app-secret-0007", restarted(new SecretCipher(NEW_KEY)).settings(tenantA.id(), KEYRING).get("appSecret"));
    }

    @Test
    void aRequiredSecretThatDoesNotDecryptMustBeGivenAgainToSwitchOn() throws Exception {
        registry.configure(tenantA.id(), QUIZ, false, settings("apiKey", "quiz-api-key-0008"));
        PluginRegistryImpl wrongKey = restarted(new SecretCipher(NEW_KEY));

        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of("apiKey"),
                () -> wrongKey.configure(tenantA.id(), QUIZ, true, null));

        wrongKey.configure(tenantA.id(), QUIZ, true, settings("apiKey", "quiz-api-key-0009"));
        assertEquals("quiz-api-key-0009", restarted(new SecretCipher(NEW_KEY)).settings(tenantA.id(), QUIZ).get("apiKey"));
    }

    @Test
    void aSecretGivenAsNullIsRemoved() throws Exception {
        registry.configure(tenantA.id(), KEYRING, true, settings("appSecret", "app-secret-0010", "appId", "wx0010"));

        registry.configure(tenantA.id(), KEYRING, true, settings("appSecret", null, "appId", "wx0010"));

        assertEquals(Map.of("appId", "wx0010"), stored(tenantA, KEYRING));
        assertFalse(registry.settings(tenantA.id(), KEYRING).containsKey("appSecret"));
    }
}
