package io.edamame.wechat.impl;

import static io.edamame.core.testing.Errors.assertFieldErrors;
import static io.edamame.wechat.api.WeChatSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edamame.core.api.CoreErrorCode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The plugin as the core's registry sees it. */
class WeChatPluginTest {

    final WeChatPlugin plugin = new WeChatPlugin();

    @Test
    void itIsThePluginWechat() {
        assertEquals("wechat", plugin.id());
    }

    @Test
    void secretsAreMarkedSecretInTheSchema() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) plugin.settingsSchema()
                .get("properties");
        Set<String> secrets = new TreeSet<>();
        properties.forEach((name, schema) -> {
            if (Boolean.TRUE.equals(schema.get("secret"))) {
                secrets.add(name);
            }
        });
        assertEquals(new TreeSet<>(Set.of(MINIAPP_SECRET, MP_SECRET, MP_TOKEN, MP_AES_KEY)), secrets);
        assertEquals("reject", properties.get(CONTENT_SECURITY_WHEN_UNAVAILABLE).get("default"));
    }

    @Test
    void settingsAreValidatedAsTenantWeChatDoes() {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MINIAPP_APP_ID, MINIAPP_SECRET),
                () -> plugin.validateSettings(Map.of(MINIAPP_APP_ID, "wx-not-an-app-id")));
    }
}
