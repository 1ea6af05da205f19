package io.edamame.core.impl.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.impl.secrets.SecretCipher.UndecryptableException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class SecretCipherTest {

    private static final String KEY = key("secret-cipher-test-key-number-1!");
    private static final String OTHER_KEY = key("secret-cipher-test-key-number-2!");
    private static final String THIRD_KEY = key("secret-cipher-test-key-number-3!");
    private static final String PLACE = "7:wechat:appSecret";
    private static final byte[] PLAINTEXT = "\"wx-app-secret-0123\"".getBytes(StandardCharsets.UTF_8);

    private static String key(String thirtyTwoCharacters) {
        return Base64.getEncoder().encodeToString(thirtyTwoCharacters.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first 8 hex digits of the SHA-256 of the key's bytes, as the stored form promises. */
    private static String keyId(String key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(key));
        return HexFormat.of().formatHex(digest).substring(0, 8);
    }

    @Test
    void aValueDecryptsToWhatWasEncrypted() throws Exception {
        SecretCipher cipher = new SecretCipher(KEY);

        String encrypted = cipher.encrypt(PLAINTEXT, PLACE);

        assertArrayEquals(PLAINTEXT, cipher.decrypt(encrypted, PLACE));
        assertArrayEquals(PLAINTEXT, new SecretCipher(KEY).decrypt(encrypted, PLACE), "another node, same key");
    }

    @Test
    void theStoredFormNamesTheVersionAndTheKeyAndHoldsNonceCiphertextAndTag() throws Exception {
        String encrypted = new SecretCipher(KEY).encrypt(PLAINTEXT, PLACE);

        String prefix = "enc:v1:" + keyId(KEY) + ":";
        assertTrue(encrypted.startsWith(prefix), encrypted);
        byte[] payload = Base64.getDecoder().decode(encrypted.substring(prefix.length()));
        assertEquals(12 + PLAINTEXT.length + 16, payload.length, "nonce, ciphertext and tag");
        assertTrue(SecretCipher.isEncrypted(encrypted));
        assertFalse(SecretCipher.isEncrypted(new String(PLAINTEXT, StandardCharsets.UTF_8)));
        assertFalse(SecretCipher.isEncrypted(42));
        assertEquals(keyId(KEY), new SecretCipher(KEY).currentKeyId());
    }

    @Test
    void eachEncryptionHasItsOwnNonce() throws Exception {
        SecretCipher cipher = new SecretCipher(KEY);

        String first = cipher.encrypt(PLAINTEXT, PLACE);
        String second = cipher.encrypt(PLAINTEXT, PLACE);

        assertNotEquals(first, second);
        assertArrayEquals(cipher.decrypt(first, PLACE), cipher.decrypt(second, PLACE));
    }

    /** A byte of the nonce, of the ciphertext and of the tag changed. */
    @ParameterizedTest
    @ValueSource(ints = {0, 11, 12, 20, -1})
    void aTamperedValueIsRefused(int position) throws Exception {
        SecretCipher cipher = new SecretCipher(KEY);
        String encrypted = cipher.encrypt(PLAINTEXT, PLACE);
        int cut = encrypted.lastIndexOf(':') + 1;
        byte[] payload = Base64.getDecoder().decode(encrypted.substring(cut));
        int index = position < 0 ? payload.length + position : position;
        payload[index] ^= 0x01;
        String tampered = encrypted.substring(0, cut) + Base64.getEncoder().encodeToString(payload);

        UndecryptableException e = assertThrows(UndecryptableException.class, () -> cipher.decrypt(tampered, PLACE));
        assertTrue(e.getMessage().contains("fails authentication"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8:wechat:appSecret", "7:wechat:token", "7:billing:appSecret", ""})
    void aValueMovedToAnotherPlaceIsRefused(String otherPlace) {
        SecretCipher cipher = new SecretCipher(KEY);
        String encrypted = cipher.encrypt(PLAINTEXT, PLACE);

        assertThrows(UndecryptableException.class, () -> cipher.decrypt(encrypted, otherPlace));
    }

    @Test
    void aValueOfAnUnknownKeyIsRefusedNamingTheKeyNotTheValue() throws Exception {
        String encrypted = new SecretCipher(OTHER_KEY).encrypt(PLAINTEXT, PLACE);

        UndecryptableException e = assertThrows(UndecryptableException.class,
                () -> new SecretCipher(KEY).decrypt(encrypted, PLACE));

        assertTrue(e.getMessage().contains(keyId(OTHER_KEY)), e.getMessage());
        assertFalse(e.getMessage().contains("wx-app-secret"), e.getMessage());
    }

    @Test
    void aValueClaimingAnotherKnownKeyIsRefused() throws Exception {
        SecretCipher both = new SecretCipher(KEY, OTHER_KEY);
        String encrypted = both.encrypt(PLAINTEXT, PLACE);
        String relabelled = encrypted.replace(":" + keyId(KEY) + ":", ":" + keyId(OTHER_KEY) + ":");

        assertThrows(UndecryptableException.class, () -> both.decrypt(relabelled, PLACE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"enc:v2:abcdef01:AAAA", "enc:v1:", "enc:v1:abcdef01", "enc:v1:a:b:c", "enc:", "plain"})
    void aValueNotInTheStoredFormIsRefused(String value) {
        assertThrows(UndecryptableException.class, () -> new SecretCipher(KEY).decrypt(value, PLACE));
    }

    @Test
    void aValueWithBrokenDataIsRefused() throws Exception {
        SecretCipher cipher = new SecretCipher(KEY);
        String id = keyId(KEY);

        assertThrows(UndecryptableException.class, () -> cipher.decrypt("enc:v1:" + id + ":not*base64", PLACE));
        assertThrows(UndecryptableException.class, () -> cipher.decrypt("enc:v1:" + id + ":AAAAAAAA", PLACE));
    }

    @Test
    void previousKeysDecryptAndTheKeyEncrypts() throws Exception {
        String old = new SecretCipher(KEY).encrypt(PLAINTEXT, PLACE);
        SecretCipher rotated = new SecretCipher(OTHER_KEY, THIRD_KEY, KEY);

        assertArrayEquals(PLAINTEXT, rotated.decrypt(old, PLACE));
        String renewed = rotated.encrypt(rotated.decrypt(old, PLACE), PLACE);
        assertTrue(renewed.startsWith("enc:v1:" + keyId(OTHER_KEY) + ":"), renewed);
        assertArrayEquals(PLAINTEXT, new SecretCipher(OTHER_KEY).decrypt(renewed, PLACE));
        assertThrows(UndecryptableException.class, () -> new SecretCipher(OTHER_KEY).decrypt(old, PLACE),
                "once the old key is no longer listed");
    }

    @Test
    void aModifiedConfigurationRotatesTheKey() throws Exception {
        SecretCipher cipher = new SecretCipher(KEY);
        String old = cipher.encrypt(PLAINTEXT, PLACE);

        cipher.modified(config(OTHER_KEY, " " + KEY + " ,"));

        assertEquals(keyId(OTHER_KEY), cipher.currentKeyId());
        assertArrayEquals(PLAINTEXT, cipher.decrypt(old, PLACE));
    }

    @Test
    void refusesAKeyThatIsNotBase64() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SecretCipher("not base64!"));

        assertTrue(e.getMessage().contains("secrets.key"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 31, 33, 64})
    void refusesAKeyOfOtherThan32Bytes(int length) {
        String key = Base64.getEncoder().encodeToString(new byte[length]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SecretCipher(key));

        assertTrue(e.getMessage().contains("secrets.key") && e.getMessage().contains("32 bytes"), e.getMessage());
    }

    @Test
    void refusesAnInvalidPreviousKeyNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SecretCipher(KEY, OTHER_KEY, Base64.getEncoder().encodeToString(new byte[8])));

        assertTrue(e.getMessage().contains("secrets.previous.keys (key 2)"), e.getMessage());
    }

    @Test
    void anEmptyKeyIsGeneratedAndSavedOnFirstStart() throws Exception {
        Hashtable<String, Object> existing = new Hashtable<>();
        existing.put("secrets.previous.keys", KEY);
        AtomicReference<Dictionary<String, Object>> saved = new AtomicReference<>();

        SecretCipher cipher = new SecretCipher(configurationAdmin(existing, saved), config("", KEY));

        String generated = (String) saved.get().get("secrets.key");
        assertEquals(32, Base64.getDecoder().decode(generated).length);
        assertEquals(KEY, saved.get().get("secrets.previous.keys"), "the other properties are kept");
        assertEquals(keyId(generated), cipher.currentKeyId());
        String encrypted = cipher.encrypt(PLAINTEXT, PLACE);
        assertArrayEquals(PLAINTEXT, new SecretCipher(generated).decrypt(encrypted, PLACE), "the saved key is the one used");
    }

    @Test
    void aConfiguredKeyIsNotReplaced() throws Exception {
        AtomicReference<Dictionary<String, Object>> saved = new AtomicReference<>();

        SecretCipher cipher = new SecretCipher(configurationAdmin(new Hashtable<>(), saved), config(KEY, ""));

        assertEquals(null, saved.get(), "nothing saved");
        assertEquals(keyId(KEY), cipher.currentKeyId());
    }

    // ---- helpers

    private static SecretsConfig config(String key, String previousKeys) {
        return new SecretsConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SecretsConfig.class;
            }

            @Override
            public String secrets_key() {
                return key;
            }

            @Override
            public String secrets_previous_keys() {
                return previousKeys;
            }
        };
    }

    /** ConfigurationAdmin holding {@link SecretsConfig#PID} with {@code properties}; records what is saved. */
    @SuppressWarnings("unchecked")
    private static ConfigurationAdmin configurationAdmin(Hashtable<String, Object> properties,
                                                         AtomicReference<Dictionary<String, Object>> saved) {
        Configuration configuration = (Configuration) Proxy.newProxyInstance(SecretCipherTest.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> properties;
                    case "update" -> {
                        saved.set((Dictionary<String, Object>) args[0]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(SecretCipherTest.class.getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConfiguration") && SecretsConfig.PID.equals(args[0])) {
                        return configuration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
