package io.edamame.wechat.impl;

import static io.edamame.wechat.api.WeChatSettings.*;

import io.edamame.core.api.Plugin;
import io.edamame.wechat.api.WeChatSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes WeChat a plugin: each tenant switches it on and sets its own mini-program and service account. Secret
 * settings are encrypted at rest by the core and never returned.
 */
@Component(service = Plugin.class)
public class WeChatPlugin implements Plugin {

    @Override
    public String id() {
        // Qualified: inside a Plugin, a bare PLUGIN_ID is the inherited Plugin.PLUGIN_ID (the service property's
        // name), which shadows the static import.
        return WeChatSettings.PLUGIN_ID;
    }

    @Override
    public String name() {
        return "WeChat";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Mini-program and H5 (service account) login, room codes, subscribe and template messages, "
                + "the service account's message endpoint, JS-SDK share cards and content security for danmaku";
    }

    /** Built once: the core asks for it on every read of a tenant's settings, which is every WeChat request. */
    private static final Map<String, Object> SCHEMA = schema();

    @Override
    public Map<String, Object> settingsSchema() {
        return SCHEMA;
    }

    private static Map<String, Object> schema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MINIAPP_APP_ID, string(32, "The mini-program's AppID"));
        properties.put(MINIAPP_SECRET, secret(64, "The mini-program's AppSecret"));
        properties.put(MINIAPP_ROOM_PAGE, Map.of("type", "string", "maxLength", 128, "default",
                TenantWeChat.DEFAULT_ROOM_PAGE, "description", "The page a room's mini-program code opens"));
        properties.put(MINIAPP_ROOM_START_TEMPLATE, string(64, "Subscribe message template for 'room is starting'"));
        properties.put(MINIAPP_ROOM_START_DATA, Map.of("type", "object", "default", TenantWeChat.DEFAULT_MINIAPP_DATA,
                "description", "Template keywords to texts; {title} and {startedAt} are filled in"));
        properties.put(MP_APP_ID, string(32, "The service account's AppID"));
        properties.put(MP_SECRET, secret(64, "The service account's AppSecret"));
        properties.put(MP_TOKEN, secret(32, "The Token of the message endpoint"));
        properties.put(MP_AES_KEY, secret(43, "The EncodingAESKey of the message endpoint (safe mode)"));
        properties.put(MP_ROOM_START_TEMPLATE, string(64, "Template message for 'room is starting'"));
        properties.put(MP_ROOM_START_DATA, Map.of("type", "object", "default", TenantWeChat.DEFAULT_MP_DATA,
                "description", "Template keywords to texts; {title} and {startedAt} are filled in"));
        properties.put(MP_FOLLOW_REPLY, string(600, "Text answered to a new follower"));
        properties.put(MP_KEYWORD_REPLIES, Map.of("type", "array", "maxItems", 200, "items", Map.of("type", "object"),
                "description", "Text replies: {keyword, reply, match: exact|contains}"));
        properties.put(H5_ROOM_URL, string(512, "The H5 room page with {roomId}, e.g. https://live.example.com/rooms/{roomId}"));
        properties.put(CONTENT_SECURITY, Map.of("type", "boolean", "default", false,
                "description", "Check danmaku with WeChat's content security API"));
        properties.put(CONTENT_SECURITY_WHEN_UNAVAILABLE, Map.of("type", "string", "enum", List.of("reject", "accept"),
                "default", "reject", "description", "What to do with a danmaku when WeChat cannot check it"));
        return Map.of("type", "object", "properties", java.util.Collections.unmodifiableMap(properties),
                "required", List.of());
    }

    @Override
    public void validateSettings(Map<String, Object> settings) {
        TenantWeChat.validate(settings);
    }

    private static Map<String, Object> string(int maxLength, String description) {
        return Map.of("type", "string", "maxLength", maxLength, "description", description);
    }

    private static Map<String, Object> secret(int maxLength, String description) {
        return Map.of("type", "string", "maxLength", maxLength, "secret", true, "description", description);
    }
}
