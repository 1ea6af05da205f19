package io.edamame.redis.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisCredentials;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    @Test
    void aPlainUriNeedsNothingElse() {
        RedisSettings settings = RedisSettings.of(RedisConfigs.config("redis://127.0.0.1:6379/2"));

        assertEquals("127.0.0.1", settings.uri().getHost());
        assertEquals(6379, settings.uri().getPort());
        assertEquals(2, settings.uri().getDatabase());
        assertEquals(Duration.ofMillis(2000), settings.timeout());
        assertEquals(Duration.ofMillis(2000), settings.uri().getTimeout());
        assertEquals("redis://127.0.0.1:6379/2", settings.redactedUri());
    }

    @Test
    void theClientIsNamedForClientListUnlessTheUriNamesIt() {
        assertEquals("edamame", RedisSettings.of(RedisConfigs.config("redis://h")).uri().getClientName());
        assertEquals("node-7", RedisSettings.of(RedisConfigs.config("redis://h?clientName=node-7")).uri().getClientName());
    }

    @Test
    void passwordsNeverAppearInTheRedactedUri() {
        assertEquals("redis://***@h:6379/0", RedisSettings.redact("redis://s3cret@h:6379/0"));
        assertEquals("redis://***@h:6379/0", RedisSettings.redact("redis://:s3cret@h:6379/0"));
        assertEquals("redis://app:***@h:6379/0", RedisSettings.redact("redis://app:s3cret@h:6379/0"));
        assertEquals("redis://app:***@h", RedisSettings.redact("redis://app:s3c/r@t@h"));
        assertEquals("rediss://***@h1:26379,h2:26379/0#primary",
                RedisSettings.redact("rediss://pw@h1:26379,h2:26379/0#primary"));
        assertEquals("redis://h:6379", RedisSettings.redact("redis://h:6379"));

        RedisSettings settings = RedisSettings.of(RedisConfigs.config("redis://app:s3cret@h:6379/0"));
        assertFalse(settings.redactedUri().contains("s3cret"), settings.redactedUri());
    }

    @Test
    void theUrisCredentialsAreUsed() {
        RedisCredentials credentials = RedisSettings.of(RedisConfigs.config("redis://app:s3cret@h"))
                .uri().getCredentialsProvider().resolveCredentials().block();

        assertEquals("app", credentials.getUsername());
        assertEquals("s3cret", new String(credentials.getPassword()));
    }

    @Test
    void aSeparatePasswordOverridesTheUrisAndKeepsItsUserName() {
        RedisCredentials credentials = RedisSettings.of(RedisConfigs.config("redis://app:old@h", "n3w", 2000))
                .uri().getCredentialsProvider().resolveCredentials().block();
        assertEquals("app", credentials.getUsername());
        assertEquals("n3w", new String(credentials.getPassword()));

        RedisCredentials passwordOnly = RedisSettings.of(RedisConfigs.config("redis://h", "n3w", 2000))
                .uri().getCredentialsProvider().resolveCredentials().block();
        assertNull(passwordOnly.getUsername());
        assertEquals("n3w", new String(passwordOnly.getPassword()));
    }

    @Test
    void invalidConfigurationNamesThePropertyAndNeverThePassword() {
        assertMessage("uri: missing", RedisConfigs.config(""));
        assertMessage("uri: missing", RedisConfigs.config(null));
        assertMessage("uri: scheme 'http' is not supported", RedisConfigs.config("http://h"));
        assertMessage("uri: scheme '' is not supported", RedisConfigs.config("127.0.0.1:6379"));
        assertMessage("uri: scheme 'redis-socket' is not supported", RedisConfigs.config("redis-socket:///tmp/redis"));
        assertMessage("timeout.millis: must be positive, is 0", RedisConfigs.config("redis://h", "", 0));

        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> RedisSettings.of(RedisConfigs.config("redis://:s3 cret@h:6379")));
        assertTrue(invalid.getMessage().startsWith("uri: not a valid Redis URI"), invalid.getMessage());
        assertFalse(invalid.getMessage().contains("s3cret"));
        assertNull(invalid.getCause(), "the parser's exception may quote the password");
    }

    private static void assertMessage(String start, RedisConfiguration config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisSettings.of(config));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
