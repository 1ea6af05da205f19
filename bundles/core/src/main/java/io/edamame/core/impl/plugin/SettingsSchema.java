package io.edamame.core.impl.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a plugin's per-tenant settings against the JSON-schema-like description the plugin gives
 * ({@link io.edamame.core.api.Plugin#settingsSchema()}): an object whose properties have a
 * {@code type} (string, integer, number, boolean, array, object) and optionally {@code enum},
 * {@code minimum}, {@code maximum}, {@code minLength}, {@code maxLength}, {@code maxItems},
 * {@code items}, {@code default} and {@code secret}. Keys the schema does not name are refused.
 */
public final class SettingsSchema {

    private final Map<String, Object> schema;

    public SettingsSchema(Map<String, Object> schema) {
        this.schema = schema == null ? Map.of() : schema;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> properties() {
        Object properties = schema.get("properties");
        return properties instanceof Map<?, ?> map ? (Map<String, Map<String, Object>>) map : Map.of();
    }

    /** Every problem with {@code settings}, as {@code {"field","message"}} entries; empty if valid. */
    public List<Map<String, String>> violations(Map<String, Object> settings) {
        List<Map<String, String>> violations = new ArrayList<>();
        Map<String, Map<String, Object>> properties = properties();
        for (String key : settings.keySet()) {
            if (!properties.containsKey(key)) {
                violations.add(violation(key, "is not a setting of this plugin"));
            }
        }
        Object required = schema.get("required");
        if (required instanceof Collection<?> names) {
            for (Object name : names) {
                if (settings.get(String.valueOf(name)) == null && !properties.getOrDefault(String.valueOf(name), Map.of())
                        .containsKey("default")) {
                    violations.add(violation(String.valueOf(name), "is required"));
                }
            }
        }
        properties.forEach((name, property) -> {
            Object value = settings.get(name);
            if (value != null) {
                checkValue(name, property, value, violations);
            }
        });
        return violations;
    }

    @SuppressWarnings("unchecked")
    private static void checkValue(String field, Map<String, Object> property, Object value,
                                   List<Map<String, String>> violations) {
        String type = String.valueOf(property.getOrDefault("type", "string"));
        boolean typeOk = switch (type) {
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Integer || value instanceof Long
                    || (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()));
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "array" -> value instanceof List<?>;
            case "object" -> value instanceof Map<?, ?>;
            default -> false;
        };
        if (!typeOk) {
            violations.add(violation(field, "must be of type " + type));
            return;
        }
        Object allowed = property.get("enum");
        if (allowed instanceof Collection<?> options && !options.contains(value)) {
            violations.add(violation(field, "must be one of " + options));
        }
        if (value instanceof Number number) {
            if (property.get("minimum") instanceof Number min && number.doubleValue() < min.doubleValue()) {
                violations.add(violation(field, "must be at least " + min));
            }
            if (property.get("maximum") instanceof Number max && number.doubleValue() > max.doubleValue()) {
                violations.add(violation(field, "must be at most " + max));
            }
        }
        if (value instanceof String text) {
            if (property.get("minLength") instanceof Number min && text.length() < min.intValue()) {
                violations.add(violation(field, "must be at least " + min + " characters"));
            }
            if (property.get("maxLength") instanceof Number max && text.length() > max.intValue()) {
                violations.add(violation(field, "must be at most " + max + " characters"));
            }
        }
        if (value instanceof List<?> list) {
            if (property.get("maxItems") instanceof Number max && list.size() > max.intValue()) {
                violations.add(violation(field, "must have at most " + max + " items"));
            }
            if (property.get("items") instanceof Map<?, ?> items) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) == null) {
                        violations.add(violation(field + "[" + i + "]", "must not be null"));
                    } else {
                        checkValue(field + "[" + i + "]", (Map<String, Object>) items, list.get(i), violations);
                    }
                }
            }
        }
    }

    /** The schema's defaults overlaid with {@code settings}. */
    public Map<String, Object> withDefaults(Map<String, Object> settings) {
        Map<String, Object> result = new LinkedHashMap<>();
        properties().forEach((name, property) -> {
            if (property.containsKey("default")) {
                result.put(name, property.get("default"));
            }
        });
        settings.forEach((name, value) -> {
            if (value != null) {
                result.put(name, value);
            }
        });
        return result;
    }

    /** The description of one setting, if the schema names it. */
    public Optional<Map<String, Object>> property(String name) {
        return Optional.ofNullable(properties().get(name));
    }

    /** Whether the schema marks the setting {@code "secret": true}. */
    public boolean isSecret(String name) {
        return property(name).map(property -> Boolean.TRUE.equals(property.get("secret"))).orElse(false);
    }

    /** {@code settings} without the values of properties marked {@code "secret": true}. */
    public Map<String, Object> redacted(Map<String, Object> settings) {
        Map<String, Object> result = new LinkedHashMap<>(settings);
        result.keySet().removeIf(this::isSecret);
        return result;
    }

    /** The sorted names of the secret settings that have a value in {@code settings}; never their values. */
    public List<String> secretsSet(Map<String, Object> settings) {
        return settings.entrySet().stream()
                .filter(setting -> setting.getValue() != null && isSecret(setting.getKey()))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /** Secrets that {@code stored} has and {@code incoming} omits are kept: clients never see them. */
    public Map<String, Object> keepingSecrets(Map<String, Object> incoming, Map<String, Object> stored) {
        Map<String, Object> result = new LinkedHashMap<>(incoming);
        properties().keySet().forEach(name -> {
            if (isSecret(name) && !incoming.containsKey(name) && stored.containsKey(name)) {
                result.put(name, stored.get(name));
            }
        });
        return result;
    }

    private static Map<String, String> violation(String field, String message) {
        return Map.of("field", field, "message", message);
    }
}
