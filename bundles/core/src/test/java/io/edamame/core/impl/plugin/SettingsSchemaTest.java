package io.edamame.core.impl.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SettingsSchemaTest {

    /** A schema with a property of every kind. */
    private static final SettingsSchema SCHEMA = new SettingsSchema(Map.of(
            "type", "object",
            "properties", Map.of(
                    "name", Map.of("type", "string", "minLength", 2, "maxLength", 5),
                    "count", Map.of("type", "integer", "minimum", 1, "maximum", 10, "default", 3),
                    "ratio", Map.of("type", "number", "minimum", 0, "maximum", 1),
                    "on", Map.of("type", "boolean", "default", false),
                    "colour", Map.of("type", "string", "enum", List.of("red", "green")),
                    "words", Map.of("type", "array", "maxItems", 2, "items", Map.of("type", "string", "maxLength", 3)),
                    "extra", Map.of("type", "object"),
                    "token", Map.of("type", "string", "secret", true),
                    "untyped", Map.of()),
            "required", List.of("token", "count")));

    private static Map<String, Object> settings(Object... keysAndValues) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    /** The settings with the required token, which most cases do not care about. */
    private static Map<String, Object> valid(Object... keysAndValues) {
        Map<String, Object> settings = settings(keysAndValues);
        settings.putIfAbsent("token", "t");
        return settings;
    }

    private static Set<String> failedFields(Map<String, Object> settings) {
        return SCHEMA.violations(settings).stream().map(v -> v.get("field")).collect(Collectors.toSet());
    }

    private static void assertValid(Map<String, Object> settings) {
        assertEquals(List.of(), SCHEMA.violations(settings), settings::toString);
    }

    private static void assertInvalid(Map<String, Object> settings, String... fields) {
        assertEquals(Set.copyOf(Arrays.asList(fields)), failedFields(settings), settings::toString);
    }

    @Test
    void acceptsValidSettings() {
        assertValid(valid("name", "abc", "count", 10, "ratio", 0.5, "on", true, "colour", "green",
                "words", List.of("a", "bcd"), "extra", Map.of("k", 1), "untyped", "text"));
    }

    @Test
    void checksTypes() {
        assertInvalid(valid("name", 12), "name");
        assertInvalid(valid("count", "3"), "count");
        assertInvalid(valid("count", 2.5), "count");
        assertInvalid(valid("ratio", "0.5"), "ratio");
        assertInvalid(valid("on", "true"), "on");
        assertInvalid(valid("words", "a,b"), "words");
        assertInvalid(valid("extra", List.of()), "extra");
        assertInvalid(valid("untyped", 1), "untyped");
    }

    @Test
    void integersMayComeAsAnyWholeNumber() {
        assertValid(valid("count", 4L));
        assertValid(valid("count", 4.0));
        assertValid(valid("ratio", 1));
    }

    @Test
    void anUnknownTypeAcceptsNoValue() {
        SettingsSchema schema = new SettingsSchema(Map.of("properties", Map.of("x", Map.of("type", "date"))));

        assertEquals(1, schema.violations(settings("x", "2024-01-01")).size());
    }

    @Test
    void checksEnums() {
        assertValid(valid("colour", "red"));
        assertInvalid(valid("colour", "blue"), "colour");
        assertInvalid(valid("colour", "RED"), "colour");
    }

    @Test
    void checksMinimumAndMaximumInclusively() {
        assertValid(valid("count", 1));
        assertValid(valid("count", 10));
        assertInvalid(valid("count", 0), "count");
        assertInvalid(valid("count", 11), "count");
        assertValid(valid("ratio", 0.0));
        assertInvalid(valid("ratio", -0.01), "ratio");
        assertInvalid(valid("ratio", 1.01), "ratio");
    }

    @Test
    void checksStringLengths() {
        assertValid(valid("name", "ab"));
        assertValid(valid("name", "abcde"));
        assertInvalid(valid("name", "a"), "name");
        assertInvalid(valid("name", "abcdef"), "name");
    }

    @Test
    void checksArraysAndTheirItems() {
        assertInvalid(valid("words", List.of("a", "b", "c")), "words");
        assertInvalid(valid("words", List.of("a", "long")), "words[1]");
        assertInvalid(valid("words", List.of(1)), "words[0]");
        assertInvalid(valid("words", Arrays.asList("a", null)), "words[1]");
    }

    @Test
    void requiresTheRequiredSettingsUnlessTheyHaveADefault() {
        assertInvalid(settings(), "token");
        assertInvalid(settings("token", null), "token");
        assertValid(settings("token", "t"));
    }

    @Test
    void refusesUnknownKeys() {
        assertInvalid(valid("colour", "red", "size", 3, "Name", "ab"), "size", "Name");
    }

    @Test
    void reportsEveryViolationWithAMessage() {
        List<Map<String, String>> violations = SCHEMA.violations(settings("count", 0, "name", 1, "bogus", true));

        assertEquals(Set.of("count", "name", "bogus", "token"),
                violations.stream().map(v -> v.get("field")).collect(Collectors.toSet()));
        violations.forEach(v -> assertEquals(Set.of("field", "message"), v.keySet()));
    }

    @Test
    void aMissingSchemaAcceptsNoSettingsButEmptyOnes() {
        SettingsSchema none = new SettingsSchema(null);

        assertEquals(List.of(), none.violations(Map.of()));
        assertEquals(1, none.violations(Map.of("anything", 1)).size());
        assertEquals(Map.of("a", 1), none.withDefaults(Map.of("a", 1)));
    }

    @Test
    void fillsInDefaults() {
        assertEquals(Map.of("count", 3, "on", false, "token", "t"), SCHEMA.withDefaults(settings("token", "t")));
        assertEquals(Map.of("count", 7, "on", false), SCHEMA.withDefaults(settings("count", 7)));
    }

    @Test
    void anExplicitNullKeepsTheDefault() {
        assertEquals(Map.of("count", 3, "on", false), SCHEMA.withDefaults(settings("count", null)));
    }

    @Test
    void redactsSecrets() {
        Map<String, Object> stored = settings("token", "s3cret", "name", "abc");

        assertEquals(Map.of("name", "abc"), SCHEMA.redacted(stored));
        assertEquals(Map.of("token", "s3cret", "name", "abc"), stored, "the input is left alone");
    }

    @Test
    void keepsStoredSecretsThatAreOmitted() {
        Map<String, Object> stored = settings("token", "s3cret", "name", "old");

        assertEquals(Map.of("token", "s3cret", "name", "new"), SCHEMA.keepingSecrets(settings("name", "new"), stored));
        assertEquals(Map.of("token", "changed"), SCHEMA.keepingSecrets(settings("token", "changed"), stored));
        assertEquals(Map.of(), SCHEMA.keepingSecrets(settings(), settings("name", "not a secret")));
    }
}
