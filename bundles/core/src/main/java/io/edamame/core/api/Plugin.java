package io.edamame.core.api;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A feature a tenant can switch on: register an implementation as an OSGi service and the core lists
 * it for every tenant, off by default. The plugin's REST resources ({@link RestResource} with
 * {@link #PLUGIN_ID} set) are refused with {@code PLUGIN_DISABLED} for tenants that have not switched
 * it on; its WebSocket endpoints ask {@link PluginRegistry#isEnabled}.
 *
 * <p>Switches and settings outlive the plugin bundle: uninstalling keeps them, reinstalling restores them.
 */
@ConsumerType
public interface Plugin {

    /** Service property naming the plugin a {@link RestResource} belongs to. */
    String PLUGIN_ID = "edamame.plugin.id";

    /** Stable id, lower-case letters, digits and dashes, e.g. {@code danmaku}. */
    String id();

    String name();

    String version();

    String description();

    /**
     * A JSON-schema-like description of the per-tenant settings: {@code {"type":"object",
     * "properties":{name:{"type":"string|integer|number|boolean|array", "default", "minimum",
     * "maximum", "maxLength", "enum", "description", "secret"}}, "required":[...]}}. Settings are checked
     * against it before they are saved; unknown keys are refused.
     *
     * <p>A setting marked {@code "secret": true} (of any type) is never returned by the REST API, which only
     * names the secrets that are set, and it is stored encrypted with the platform's key (PID
     * {@code io.edamame.core.secrets}). {@link PluginRegistry#settings} and {@link #onEnabled} receive it
     * decrypted.
     */
    Map<String, Object> settingsSchema();

    /**
     * Further checks of settings that the schema cannot express.
     *
     * @throws EdamameException with {@code INVALID_SETTINGS} to refuse them; nothing is saved
     */
    default void validateSettings(Map<String, Object> settings) {
    }

    /** Called after a tenant switched the plugin on, or changed its settings while on. */
    default void onEnabled(Tenant tenant, Map<String, Object> settings) {
    }

    /** Called after a tenant switched the plugin off. */
    default void onDisabled(Tenant tenant) {
    }
}
