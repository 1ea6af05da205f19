package io.edamame.core.impl.shell;

import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.TenantPlugin;
import io.edamame.core.api.TenantService;

/** What plugin-enable and plugin-disable share: switch, keep settings, say what happened. */
final class PluginSwitch {

    private PluginSwitch() {
    }

    static Object apply(TenantService tenants, PluginRegistry plugins, String tenant, String plugin, boolean enabled) {
        TenantPlugin result = plugins.configure(tenants.get(tenant).id(), plugin, enabled, null);
        System.out.println("Plugin " + plugin + " is " + (result.enabled() ? "enabled" : "disabled") + " for " + tenant);
        return null;
    }
}
