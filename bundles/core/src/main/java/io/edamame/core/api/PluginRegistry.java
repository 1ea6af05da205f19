package io.edamame.core.api;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Installed plugins and, per tenant, whether each is on and its settings. Reads are served from
 * memory; a switch takes effect on the next request.
 */
@ProviderType
public interface PluginRegistry {

    /** Plugins installed in this runtime. */
    List<PluginInfo> installed();

    /** Every installed plugin with the tenant's switch and settings. */
    List<TenantPlugin> forTenant(long tenantId);

    /** @throws EdamameException {@code PLUGIN_NOT_FOUND} if not installed */
    TenantPlugin forTenant(long tenantId, String pluginId);

    /** Whether the plugin is installed and switched on for the tenant. */
    boolean isEnabled(long tenantId, String pluginId);

    /** @throws EdamameException {@code PLUGIN_DISABLED} unless {@link #isEnabled} */
    default void requireEnabled(long tenantId, String pluginId) {
        if (!isEnabled(tenantId, pluginId)) {
            throw new EdamameException(CoreErrorCode.PLUGIN_DISABLED,
                    "Plugin '" + pluginId + "' is not enabled for this tenant");
        }
    }

    /** The tenant's settings of the plugin (the schema's defaults filled in). */
    Map<String, Object> settings(long tenantId, String pluginId);

    /**
     * Switches a plugin on or off for a tenant and, when {@code settings} is not null, replaces its
     * settings. Settings are validated first; invalid ones change nothing.
     *
     * @throws EdamameException {@code PLUGIN_NOT_FOUND}, {@code INVALID_SETTINGS}
     */
    TenantPlugin configure(long tenantId, String pluginId, boolean enabled, Map<String, Object> settings);

    /** Ids of the tenants that have switched the plugin on. */
    List<Long> tenantsEnabling(String pluginId);
}
