package io.edamame.core.impl.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts secrets that are stored in the database with AES-256-GCM (the JDK's own provider), under the
 * key of {@link SecretsConfig}. An encrypted value reads {@code enc:v1:<keyId>:<Base64(nonce ||
 * ciphertext || tag)>}: a fresh 12-byte nonce per value, and the key named by the first 8 hex digits of its
 * SHA-256, so that values encrypted with a previous key still decrypt while {@code secrets.previous.keys}
 * lists it.
 *
 * <p>The associated data binds a value to its place (for plugin settings: tenant, plugin and setting):
 * a value copied to another place does not decrypt.
 */
@Component(service = SecretCipher.class, configurationPid = SecretsConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SecretsConfig.class)
public class SecretCipher {

    /** What every encrypted value starts with, whatever its format version. */
    public static final String PREFIX = "enc:";

    private static final Logger LOG = LoggerFactory.getLogger(SecretCipher.class);
    private static final String V1 = PREFIX + "v1:";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private volatile Keys keys;

    /** The key that encrypts, and every key that decrypts (it included), by id. */
    private record Keys(String currentId, Map<String, SecretKeySpec> byId) {
    }

    /** Why an encrypted value could not be decrypted; the message never contains the value. */
    public static final class UndecryptableException extends Exception {

        private static final long serialVersionUID = 1L;

        UndecryptableException(String message) {
            super(message);
        }
    }

    @Activate
    public SecretCipher(@Reference ConfigurationAdmin configurationAdmin, SecretsConfig config) throws IOException {
        String key = config.secrets_key();
        if (key == null || key.isBlank()) {
            key = generateAndSaveKey(configurationAdmin);
        }
        this.keys = keys(key, config.secrets_previous_keys());
    }

    /** For tests: a fixed key, and previous keys accepted for decryption only. */
    public SecretCipher(String key, String... previousKeys) {
        this.keys = keys(key, String.join(",", previousKeys));
    }

    @Modified
    void modified(SecretsConfig config) {
        if (config.secrets_key() != null && !config.secrets_key().isBlank()) {
            keys = keys(config.secrets_key(), config.secrets_previous_keys());
            LOG.info("SECRETS: key {} encrypts; {} key(s) decrypt", keys.currentId(), keys.byId().size());
        } else {
            // A restart would generate a new key, and the stored secrets would no longer decrypt.
            LOG.warn("SECRETS: secrets.key was emptied in {}; key {} stays in use until a restart",
                    SecretsConfig.PID, keys.currentId());
        }
    }

    /** Base64 of 32 random bytes: a new key. */
    private static String newKey() {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String generateAndSaveKey(ConfigurationAdmin configurationAdmin) throws IOException {
        String key = newKey();
        Configuration configuration = configurationAdmin.getConfiguration(SecretsConfig.PID, "?");
        Dictionary<String, Object> properties = Optional.ofNullable(configuration.getProperties())
                .orElseGet(Hashtable::new);
        properties.put("secrets.key", key);
        configuration.update(properties);
        LOG.info("SECRETS: generated a new key and saved it in configuration {}", SecretsConfig.PID);
        return key;
    }

    private static Keys keys(String key, String previousKeys) {
        byte[] current = decodeKey("secrets.key", key);
        Map<String, SecretKeySpec> byId = new LinkedHashMap<>();
        String currentId = keyId(current);
        byId.put(currentId, new SecretKeySpec(current, "AES"));
        if (previousKeys != null && !previousKeys.isBlank()) {
            List<String> previous = List.of(previousKeys.split(","));
            for (int i = 0; i < previous.size(); i++) {
                if (previous.get(i).isBlank()) {
                    continue;
                }
                byte[] bytes = decodeKey("secrets.previous.keys (key " + (i + 1) + ")", previous.get(i));
                byId.putIfAbsent(keyId(bytes), new SecretKeySpec(bytes, "AES"));
            }
        }
        return new Keys(currentId, Map.copyOf(byId));
    }

    private static byte[] decodeKey(String property, String value) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SecretsConfig.PID + ": " + property + " is not valid Base64", e);
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(SecretsConfig.PID + ": " + property + " must decode to "
                    + KEY_BYTES + " bytes, it has " + bytes.length);
        }
        return bytes;
    }

    /** The first 8 hex digits of the key's SHA-256: names the key in encrypted values and logs, reveals nothing. */
    private static String keyId(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The id of the key that encrypts. */
    public String currentKeyId() {
        return keys.currentId();
    }

    /** Whether {@code value} is in the encrypted form (of any version): it must be decrypted to be read. */
    public static boolean isEncrypted(Object value) {
        return value instanceof String text && text.startsWith(PREFIX);
    }

    /** {@code plaintext} encrypted with the current key, bound to {@code associatedData}. */
    public String encrypt(byte[] plaintext, String associatedData) {
        Keys current = keys;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, current.byId().get(current.currentId()),
                    new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = cipher.doFinal(plaintext);
            byte[] payload = ByteBuffer.allocate(NONCE_BYTES + ciphertext.length).put(nonce).put(ciphertext).array();
            return V1 + current.currentId() + ":" + Base64.getEncoder().encodeToString(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every Java platform", e);
        }
    }

    /**
     * The plaintext of a value {@link #encrypt}ed with the same {@code associatedData}.
     *
     * @throws UndecryptableException if the value is not in a known form, its key is not configured, or
     *         it fails authentication (tampered with, or encrypted for another place)
     */
    public byte[] decrypt(String encrypted, String associatedData) throws UndecryptableException {
        if (encrypted == null || !encrypted.startsWith(V1)) {
            throw new UndecryptableException("not in the form " + V1 + "<keyId>:<data>");
        }
        String[] parts = encrypted.substring(V1.length()).split(":", -1);
        if (parts.length != 2) {
            throw new UndecryptableException("not in the form " + V1 + "<keyId>:<data>");
        }
        SecretKeySpec key = keys.byId().get(parts[0]);
        if (key == null) {
            throw new UndecryptableException("encrypted with key " + parts[0]
                    + ", which is neither secrets.key nor one of secrets.previous.keys");
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new UndecryptableException("its data is not valid Base64");
        }
        if (payload.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UndecryptableException("its data is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, payload, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(payload, NONCE_BYTES, payload.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new UndecryptableException("it fails authentication under key " + parts[0]
                    + " (altered, or encrypted for another place)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every Java platform", e);
        }
    }
}
