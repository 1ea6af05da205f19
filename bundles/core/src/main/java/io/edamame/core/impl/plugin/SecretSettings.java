package io.edamame.core.impl.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.impl.secrets.SecretCipher;
import io.edamame.core.impl.secrets.SecretCipher.UndecryptableException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin's settings as stored: each value of a secret setting is encrypted by {@link SecretCipher}, its
 * plaintext being the value's JSON (so a secret of any schema type works) and its associated data
 * {@code tenantId:pluginId:settingName}. Plain values are left as they are.
 *
 * <p>Reading decrypts every value in the encrypted form, whatever the plugin's schema says now: a setting
 * that stopped being secret still reads, and one that became secret is read in plain text until its next
 * write, as are rows written before settings were encrypted. So that the encrypted form is never
 * ambiguous, a plain value that happens to look like one is encrypted too.
 */
final class SecretSettings {

    private static final Logger LOG = LoggerFactory.getLogger(SecretSettings.class);

    /**
     * Stored settings as read: the readable values, and the encrypted values that could not be decrypted,
     * as stored (absent from {@code settings}).
     */
    record Decrypted(Map<String, Object> settings, Map<String, String> undecryptable) {
    }

    private final SecretCipher cipher;
    private final ObjectMapper json;

    SecretSettings(SecretCipher cipher, ObjectMapper json) {
        this.cipher = cipher;
        this.json = json;
    }

    /** {@code settings} to store: secret values (and plain ones in the encrypted form) encrypted, nulls left out. */
    Map<String, Object> encrypt(long tenantId, String pluginId, SettingsSchema schema, Map<String, Object> settings) {
        Map<String, Object> result = new LinkedHashMap<>();
        settings.forEach((name, value) -> {
            if (value == null) {
                return;
            }
            if (schema.isSecret(name) || SecretCipher.isEncrypted(value)) {
                result.put(name, cipher.encrypt(toJson(value), associatedData(tenantId, pluginId, name)));
            } else {
                result.put(name, value);
            }
        });
        return result;
    }

    /**
     * Stored settings decrypted. A value that does not decrypt (its key is not configured, it was altered
     * or copied from another place) is logged and left out: the plugin works on without it, and the
     * tenant's other plugins are not affected.
     */
    Decrypted decrypt(long tenantId, String pluginId, Map<String, Object> stored) {
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, String> undecryptable = new LinkedHashMap<>();
        stored.forEach((name, value) -> {
            if (!SecretCipher.isEncrypted(value)) {
                settings.put(name, value);
                return;
            }
            try {
                byte[] plaintext = cipher.decrypt((String) value, associatedData(tenantId, pluginId, name));
                settings.put(name, json.readValue(plaintext, Object.class));
            } catch (UndecryptableException | IOException e) {
                String reason = e instanceof UndecryptableException ? e.getMessage() : "its plaintext is not JSON";
                // The value itself is never logged, nor the exception: a parser's message may quote it.
                LOG.error("PLUGIN {}: setting '{}' of tenant {} cannot be decrypted and is treated as absent: {}",
                        pluginId, name, tenantId, reason);
                undecryptable.put(name, (String) value);
            }
        });
        return new Decrypted(settings, undecryptable);
    }

    /** Binds an encrypted value to its place: copied to another tenant, plugin or setting, it does not decrypt. */
    static String associatedData(long tenantId, String pluginId, String name) {
        // Unambiguous: the tenant id is a number and a plugin id has no colon.
        return tenantId + ":" + pluginId + ":" + name;
    }

    private byte[] toJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS, "Settings cannot be stored as JSON", null, e);
        }
    }
}
