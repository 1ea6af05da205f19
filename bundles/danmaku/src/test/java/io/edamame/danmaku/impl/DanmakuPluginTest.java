package io.edamame.danmaku.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.danmaku.api.DanmakuSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DanmakuPluginTest {

    private final DanmakuPlugin plugin = new DanmakuPlugin();

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> properties() {
        return (Map<String, Map<String, Object>>) plugin.settingsSchema().get("properties");
    }

    private Map<String, Object> schemaDefaults() {
        Map<String, Object> defaults = new HashMap<>();
        properties().forEach((key, property) -> defaults.put(key, property.get("default")));
        return defaults;
    }

    @Test
    void theSchemaDescribesExactlyTheSettingsTheFiltersRead() {
        assertEquals(Set.of(DanmakuSettings.MAX_LENGTH, DanmakuSettings.RATE_PER_SECOND, DanmakuSettings.BURST,
                DanmakuSettings.DUPLICATE_WINDOW_SECONDS, DanmakuSettings.SENSITIVE_WORD_MODE), properties().keySet());
    }

    @Test
    void theSchemasDefaultsAreTheFiltersDefaults() {
        DanmakuSettings read = DanmakuSettings.of(schemaDefaults());
        DanmakuSettings defaults = DanmakuSettings.defaults();

        assertEquals(defaults.maxLength(), read.maxLength());
        assertEquals(defaults.ratePerSecond(), read.ratePerSecond());
        assertEquals(defaults.burst(), read.burst());
        assertEquals(defaults.duplicateWindowSeconds(), read.duplicateWindowSeconds());
        assertEquals(defaults.sensitiveWordMode(), read.sensitiveWordMode());
    }

    @Test
    void theDefaultsAndTheSchemasBoundsPassValidation() {
        plugin.validateSettings(schemaDefaults());
        plugin.validateSettings(Map.of());
        properties().forEach((key, property) -> {
            for (String bound : new String[] {"minimum", "maximum"}) {
                if (property.containsKey(bound)) {
                    plugin.validateSettings(Map.of(key, property.get(bound)));
                }
            }
        });
    }

    @Test
    void everyModeTheSchemaOffersIsValid() {
        Object modes = properties().get(DanmakuSettings.SENSITIVE_WORD_MODE).get("enum");
        assertTrue(modes instanceof Iterable<?>);
        for (Object mode : (Iterable<?>) modes) {
            plugin.validateSettings(Map.of(DanmakuSettings.SENSITIVE_WORD_MODE, mode));
        }
    }

    @Test
    void refusesSettingsTheFiltersCannotUse() {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of(DanmakuSettings.BURST, 0),
                Map.of(DanmakuSettings.MAX_LENGTH, -1),
                Map.of(DanmakuSettings.RATE_PER_SECOND, 0),
                Map.of(DanmakuSettings.DUPLICATE_WINDOW_SECONDS, -5),
                Map.of(DanmakuSettings.SENSITIVE_WORD_MODE, "shout"))) {
            EdamameException e = assertThrows(EdamameException.class, () -> plugin.validateSettings(bad), bad::toString);
            assertEquals(CoreErrorCode.INVALID_SETTINGS, e.code());
        }
    }

    @Test
    void itIsThePluginDanmaku() {
        assertEquals("danmaku", plugin.id());
        assertTrue(plugin.id().matches("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"));
    }
}
