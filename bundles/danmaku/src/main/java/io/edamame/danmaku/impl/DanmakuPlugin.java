package io.edamame.danmaku.impl;

import io.edamame.core.api.Plugin;
import io.edamame.danmaku.api.DanmakuSettings;
import io.edamame.danmaku.api.SensitiveWordMode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes danmaku a plugin: every tenant sees it, off by default, as soon as this bundle starts, and a
 * tenant admin switches it on and sets its limits. The schema lets the core refuse ill-typed or
 * out-of-range settings before they are saved; {@link DanmakuSettings#validate} is the same rule in
 * code, for what a schema cannot say.
 */
@Component(service = Plugin.class)
public class DanmakuPlugin implements Plugin {

    public static final String ID = "danmaku";

    /** Longest text a tenant may allow; the protocol caps a frame at 4 KiB. */
    static final int MAX_LENGTH_LIMIT = 500;
    static final int RATE_LIMIT = 100;
    static final int BURST_LIMIT = 100;
    static final int DUPLICATE_WINDOW_LIMIT = 3600;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String name() {
        return "Danmaku";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Real-time bullet comments in rooms: filtered, rate-limited, moderated and replayable";
    }

    @Override
    public Map<String, Object> settingsSchema() {
        return Map.of(
                "type", "object",
                "properties", Map.of(
                        DanmakuSettings.MAX_LENGTH, Map.of("type", "integer",
                                "default", DanmakuSettings.DEFAULT_MAX_LENGTH, "minimum", 1, "maximum", MAX_LENGTH_LIMIT,
                                "description", "Longest danmaku, in characters (Unicode code points)"),
                        DanmakuSettings.RATE_PER_SECOND, Map.of("type", "number",
                                "default", DanmakuSettings.DEFAULT_RATE_PER_SECOND, "minimum", 0.01,
                                "maximum", RATE_LIMIT,
                                "description", "Danmaku a viewer may send per second in a room, sustained"),
                        DanmakuSettings.BURST, Map.of("type", "integer",
                                "default", DanmakuSettings.DEFAULT_BURST, "minimum", 1, "maximum", BURST_LIMIT,
                                "description", "Danmaku a viewer may send at once before the rate applies"),
                        DanmakuSettings.DUPLICATE_WINDOW_SECONDS, Map.of("type", "integer",
                                "default", DanmakuSettings.DEFAULT_DUPLICATE_WINDOW_SECONDS, "minimum", 0,
                                "maximum", DUPLICATE_WINDOW_LIMIT,
                                "description", "Seconds in which a viewer may not repeat a text; 0 allows repeats"),
                        DanmakuSettings.SENSITIVE_WORD_MODE, Map.of("type", "string",
                                "default", DanmakuSettings.DEFAULT_SENSITIVE_WORD_MODE.wire(),
                                "enum", Arrays.stream(SensitiveWordMode.values()).map(SensitiveWordMode::wire).toList(),
                                "description", "What happens to a danmaku with a word of the tenant's list")),
                "required", List.of());
    }

    @Override
    public void validateSettings(Map<String, Object> settings) {
        DanmakuSettings.validate(settings);
    }
}
