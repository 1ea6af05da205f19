package io.edamame.core.impl.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.impl.secrets.SecretCipher;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.KeyringPlugin;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which settings are encrypted for storage, and how they come back, with {@link KeyringPlugin}'s schema. */
class SecretSettingsTest {

    private static final long TENANT = 7;
    private static final String PLUGIN = KeyringPlugin.ID;
    private static final SettingsSchema SCHEMA = new SettingsSchema(new KeyringPlugin().settingsSchema());

    private final SecretSettings secrets = new SecretSettings(new SecretCipher(CoreServices.SECRETS_KEY), new ObjectMapper());

    private static Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("appId", "wx0001");
        settings.put("appSecret", "app-secret-value");
        settings.put("aesKeys", List.of("aes-key-one", "aes-key-two"));
        settings.put("pin", 1234);
        settings.put("ports", List.of(80, 443));
        settings.put("sandbox", true);
        return settings;
    }

    @Test
    void secretsOfEveryTypeAreEncryptedAndDecryptToWhatTheyWere() {
        Map<String, Object> stored = secrets.encrypt(TENANT, PLUGIN, SCHEMA, settings());

        for (String secret : List.of("appSecret", "aesKeys", "pin")) {
            assertTrue(SecretCipher.isEncrypted(stored.get(secret)), secret + ": " + stored.get(secret));
        }
        assertEquals("wx0001", stored.get("appId"));
        assertEquals(List.of(80, 443), stored.get("ports"));
        assertEquals(true, stored.get("sandbox"));
        assertFalse(stored.toString().contains("app-secret-value") || stored.toString().contains("aes-key"), stored.toString());

        SecretSettings.Decrypted decrypted = secrets.decrypt(TENANT, PLUGIN, stored);

        assertEquals(settings(), decrypted.settings());
        assertEquals(Map.of(), decrypted.undecryptable());
    }

    @Test
    void aPlainValueThatLooksEncryptedIsEncryptedSoThatItReadsAsItWas() {
        Map<String, Object> settings = Map.of("appId", "enc:v1:12345678:AAAA");

        Map<String, Object> stored = secrets.encrypt(TENANT, PLUGIN, SCHEMA, settings);

        assertTrue(SecretCipher.isEncrypted(stored.get("appId")));
        assertFalse(stored.get("appId").equals("enc:v1:12345678:AAAA"));
        assertEquals(settings, secrets.decrypt(TENANT, PLUGIN, stored).settings());
    }

    @Test
    void plainValuesAreReadAsTheyAre() {
        Map<String, Object> legacy = Map.of("appSecret", "stored-before-encryption", "retries", 4);

        SecretSettings.Decrypted decrypted = secrets.decrypt(TENANT, PLUGIN, legacy);

        assertEquals(legacy, decrypted.settings());
        assertEquals(Map.of(), decrypted.undecryptable());
    }

    @Test
    void nullsAreLeftOut() {
        Map<String, Object> settings = new HashMap<>(Map.of("appId", "wx0001"));
        settings.put("appSecret", null);

        assertEquals(Map.of("appId", "wx0001"), secrets.encrypt(TENANT, PLUGIN, SCHEMA, settings));
    }

    @Test
    void valuesMovedToAnotherTenantPluginOrSettingAreAbsentAndKeptAsStored() {
        Map<String, Object> stored = secrets.encrypt(TENANT, PLUGIN, SCHEMA, settings());
        Map<String, Object> swapped = new LinkedHashMap<>(stored);
        swapped.put("token", stored.get("appSecret"));
        swapped.remove("appSecret");

        for (SecretSettings.Decrypted elsewhere : List.of(secrets.decrypt(TENANT + 1, PLUGIN, stored),
                secrets.decrypt(TENANT, "other-plugin", stored))) {
            assertEquals(Map.of("appId", "wx0001", "ports", List.of(80, 443), "sandbox", true), elsewhere.settings());
            assertEquals(List.of("appSecret", "aesKeys", "pin"), List.copyOf(elsewhere.undecryptable().keySet()));
            assertEquals(stored.get("appSecret"), elsewhere.undecryptable().get("appSecret"));
        }
        SecretSettings.Decrypted otherSetting = secrets.decrypt(TENANT, PLUGIN, swapped);
        assertFalse(otherSetting.settings().containsKey("token"));
        assertEquals(stored.get("appSecret"), otherSetting.undecryptable().get("token"));
        assertEquals(List.of("aes-key-one", "aes-key-two"), otherSetting.settings().get("aesKeys"));
    }
}
