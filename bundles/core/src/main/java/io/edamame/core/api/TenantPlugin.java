package io.edamame.core.api;

import java.util.Map;

/** A plugin as one tenant sees it: installed, whether switched on, and the tenant's settings. */
public record TenantPlugin(PluginInfo plugin, boolean enabled, Map<String, Object> settings) {
}
