package io.edamame.core.impl.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.TenantPlugin;
import io.edamame.core.api.TenantService;
import io.edamame.core.impl.plugin.SettingsSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "edamame", name = "plugin-configure",
        description = "Sets a tenant's settings of a plugin, secrets included, and optionally switches it on or off")
public class PluginConfigureCommand implements Action {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Argument(index = 0, name = "tenant", required = true, description = "Tenant slug")
    String tenant;

    @Argument(index = 1, name = "plugin", required = true, description = "Plugin id")
    String plugin;

    @Argument(index = 2, name = "settings", multiValued = true,
            description = "name=value pairs, merged over the current settings; an array as comma-separated values")
    List<String> assignments;

    @Option(name = "--enable", description = "Switch the plugin on (default: keep the switch as it is)")
    boolean enable;

    @Option(name = "--disable", description = "Switch the plugin off (default: keep the switch as it is)")
    boolean disable;

    @Option(name = "--unset", multiValued = true, description = "Remove a setting; repeatable")
    List<String> unset;

    @Reference
    TenantService tenants;

    @Reference
    PluginRegistry plugins;

    @Override
    public Object execute() {
        if (enable && disable) {
            throw new IllegalArgumentException("Give --enable or --disable, not both");
        }
        long tenantId = tenants.get(tenant).id();
        TenantPlugin current = plugins.forTenant(tenantId, plugin);
        SettingsSchema schema = new SettingsSchema(current.plugin().settingsSchema());
        Map<String, Object> settings = merged(schema, current.settings());
        boolean enabled = enable || (!disable && current.enabled());
        TenantPlugin result;
        try {
            result = plugins.configure(tenantId, plugin, enabled, settings);
        } catch (EdamameException e) {
            throw readable(e);
        }
        System.out.println("Plugin " + plugin + " is " + (result.enabled() ? "enabled" : "disabled") + " for " + tenant);
        print(schema, result.settings());
        return null;
    }

    /** The current settings with the given ones set and the unset ones removed. */
    private Map<String, Object> merged(SettingsSchema schema, Map<String, Object> current) {
        Map<String, Object> result = new LinkedHashMap<>();
        current.forEach((name, value) -> {
            // The registry fills in the defaults; stored, they would stop following the plugin's own.
            Object fallback = schema.property(name).map(property -> property.get("default")).orElse(null);
            if (!Objects.equals(value, fallback)) {
                result.put(name, value);
            }
        });
        List<Map<String, String>> refused = new ArrayList<>();
        List<String> given = new ArrayList<>();
        List<String> arguments = assignments == null ? List.of() : assignments;
        for (int i = 0; i < arguments.size(); i++) {
            String assignment = arguments.get(i);
            int equals = assignment.indexOf('=');
            if (equals <= 0) {
                // The argument itself is not repeated: it may be a secret typed without its name.
                throw new IllegalArgumentException("Setting " + (i + 1) + " is not of the form name=value");
            }
            String name = assignment.substring(0, equals);
            String text = assignment.substring(equals + 1);
            Map<String, Object> property = schema.property(name).orElse(Map.of());
            if ("object".equals(property.get("type"))) {
                refused.add(Map.of("field", name, "message", "is an object, which the shell cannot set: use PUT "
                        + "/api/v1/tenants/" + tenant + "/plugins/" + plugin));
                continue;
            }
            given.add(name);
            result.put(name, convert(property, text));
        }
        if (!refused.isEmpty()) {
            throw readable(new EdamameException(CoreErrorCode.INVALID_SETTINGS,
                    "Invalid settings for plugin '" + plugin + "'", refused));
        }
        for (String name : unset == null ? List.<String>of() : unset) {
            if (given.contains(name)) {
                throw new IllegalArgumentException("Setting '" + name + "' is both given and unset");
            }
            if (schema.property(name).isEmpty() && result.containsKey(name)) {
                // A setting an earlier version of the plugin had: omitted, it is dropped.
                result.remove(name);
            } else {
                // Null, not omitted: an omitted secret keeps its saved value, and an unknown name is refused.
                result.put(name, null);
            }
        }
        return result;
    }

    /**
     * {@code text} as a value of the property's type. Text that does not convert is passed on as it is, for
     * the registry to refuse with the setting's name and type.
     */
    @SuppressWarnings("unchecked")
    private static Object convert(Map<String, Object> property, String text) {
        String type = String.valueOf(property.getOrDefault("type", "string"));
        String trimmed = text.trim();
        Object value = switch (type) {
            case "integer" -> wholeNumber(trimmed);
            case "number" -> number(trimmed);
            case "boolean" -> "true".equalsIgnoreCase(trimmed) ? Boolean.TRUE
                    : "false".equalsIgnoreCase(trimmed) ? Boolean.FALSE : null;
            case "array" -> text.isBlank() ? List.of() : Arrays.stream(text.split(",", -1))
                    .map(item -> convert(property.get("items") instanceof Map<?, ?> items
                            ? (Map<String, Object>) items : Map.of(), item.trim()))
                    .toList();
            default -> text;
        };
        return value != null ? value : text;
    }

    /** An Integer, or a Long if it must be; null if {@code text} is not a whole number. */
    private static Number wholeNumber(String text) {
        try {
            long value = Long.parseLong(text);
            return value == (int) value ? Integer.valueOf((int) value) : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Number number(String text) {
        Number whole = wholeNumber(text);
        return whole != null ? whole : decimal(text);
    }

    /** A finite Double written in decimal (no hexadecimal, no NaN), or null. */
    private static Double decimal(String text) {
        try {
            double value = new BigDecimal(text).doubleValue();
            return Double.isFinite(value) ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The registry's refusal with one line per setting and what is wrong with it. */
    private static EdamameException readable(EdamameException e) {
        if (!(e.details() instanceof List<?> details) || details.isEmpty()) {
            return e;
        }
        StringBuilder message = new StringBuilder(e.getMessage()).append(':');
        for (Object detail : details) {
            if (detail instanceof Map<?, ?> violation) {
                message.append(System.lineSeparator()).append("  ").append(violation.get("field")).append(": ")
                        .append(violation.get("message"));
            }
        }
        return new EdamameException(e.code(), message.toString(), e.details(), e);
    }

    private static void print(SettingsSchema schema, Map<String, Object> settings) {
        Map<String, Object> sorted = new TreeMap<>(settings);
        int width = sorted.keySet().stream().mapToInt(String::length).max().orElse(0);
        sorted.forEach((name, value) -> System.out.println("  " + name + " ".repeat(width - name.length()) + " = "
                + (schema.isSecret(name) ? "(set)" : text(value))));
    }

    private static String text(Object value) {
        if (value instanceof String text) {
            return text;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
