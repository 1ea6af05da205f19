package io.edamame.core.testing;

import io.edamame.core.api.Plugin;
import java.util.List;
import java.util.Map;

/**
 * A plugin with secret settings of several types, as the WeChat plugin has an app secret, a token and AES
 * keys. Settings, none required: {@code appId} (string), the secrets {@code appSecret} and {@code token}
 * (strings), {@code aesKeys} (array of strings) and {@code pin} (integer), {@code retries} (integer 0..10,
 * default 3), {@code ratio} (number), {@code sandbox} (boolean, default false), {@code ports} (array of
 * integers) and {@code extra} (object).
 */
public final class KeyringPlugin implements Plugin {

    public static final String ID = "keyring";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String name() {
        return "Keyring";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Secrets of every type";
    }

    @Override
    public Map<String, Object> settingsSchema() {
        return Map.of(
                "type", "object",
                "properties", Map.of(
                        "appId", Map.of("type", "string", "maxLength", 32),
                        "appSecret", Map.of("type", "string", "secret", true),
                        "token", Map.of("type", "string", "secret", true),
                        "aesKeys", Map.of("type", "array", "items", Map.of("type", "string"), "secret", true),
                        "pin", Map.of("type", "integer", "secret", true),
                        "retries", Map.of("type", "integer", "minimum", 0, "maximum", 10, "default", 3),
                        "ratio", Map.of("type", "number"),
                        "sandbox", Map.of("type", "boolean", "default", false),
                        "ports", Map.of("type", "array", "items", Map.of("type", "integer"), "maxItems", 4),
                        "extra", Map.of("type", "object")),
                "required", List.of());
    }
}
