package io.edamame.core.api;

import java.util.Map;

/** What an installed plugin says about itself. */
public record PluginInfo(String id, String name, String version, String description,
                         Map<String, Object> settingsSchema) {
}
