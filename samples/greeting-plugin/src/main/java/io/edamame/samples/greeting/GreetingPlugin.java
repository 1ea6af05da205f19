package io.edamame.samples.greeting;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.Tenant;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Registers the plugin: tenants see it, off by default, as soon as this bundle starts. */
@Component(service = Plugin.class)
public class GreetingPlugin implements Plugin {

    public static final String ID = "greeting";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String name() {
        return "Greeting";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Greets a tenant's users with a message the tenant admin chooses";
    }

    @Override
    public Map<String, Object> settingsSchema() {
        return Map.of(
                "type", "object",
                "properties", Map.of(
                        "message", Map.of("type", "string", "default", "Hello", "maxLength", 200,
                                "description", "What GET /tenants/{tenant}/greeting answers"),
                        "repeat", Map.of("type", "integer", "default", 1, "minimum", 1, "maximum", 5)),
                "required", List.of());
    }

    @Override
    public void validateSettings(Map<String, Object> settings) {
        Object message = settings.get("message");
        if (message instanceof String text && text.isBlank()) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS, "message must not be blank");
        }
    }

    @Override
    public void onEnabled(Tenant tenant, Map<String, Object> settings) {
        // Nothing to prepare: settings are read per request from the registry.
    }
}
