package io.edamame.danmaku.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DanmakuSettingsTest {

    private static void assertDefaults(DanmakuSettings settings) {
        assertEquals(100, settings.maxLength());
        assertEquals(1.0, settings.ratePerSecond());
        assertEquals(5, settings.burst());
        assertEquals(10, settings.duplicateWindowSeconds());
        assertSame(SensitiveWordMode.MASK, settings.sensitiveWordMode());
    }

    @Test
    void defaultsWhenEmptyOrNull() {
        assertDefaults(DanmakuSettings.of(Map.of()));
        assertDefaults(DanmakuSettings.of(null));
        assertDefaults(DanmakuSettings.defaults());
    }

    @Test
    void readsIntegersLongsDoublesAndNumericStrings() {
        DanmakuSettings settings = DanmakuSettings.of(Map.of(
                DanmakuSettings.MAX_LENGTH, 50L,
                DanmakuSettings.RATE_PER_SECOND, "2.5",
                DanmakuSettings.BURST, 3.0,
                DanmakuSettings.DUPLICATE_WINDOW_SECONDS, " 0 ",
                DanmakuSettings.SENSITIVE_WORD_MODE, "REJECT"));

        assertEquals(50, settings.maxLength());
        assertEquals(2.5, settings.ratePerSecond());
        assertEquals(3, settings.burst());
        assertEquals(0, settings.duplicateWindowSeconds());
        assertSame(SensitiveWordMode.REJECT, settings.sensitiveWordMode());
    }

    @Test
    void fallsBackToTheDefaultForEachUnusableValue() {
        Map<String, Object> nonsense = new HashMap<>();
        nonsense.put(DanmakuSettings.MAX_LENGTH, 0);
        nonsense.put(DanmakuSettings.RATE_PER_SECOND, "fast");
        nonsense.put(DanmakuSettings.BURST, 2.5);
        nonsense.put(DanmakuSettings.DUPLICATE_WINDOW_SECONDS, -1);
        nonsense.put(DanmakuSettings.SENSITIVE_WORD_MODE, "shout");

        assertDefaults(DanmakuSettings.of(nonsense));
    }

    @Test
    void rejectsOverflowingAndNonFiniteNumbers() {
        DanmakuSettings settings = DanmakuSettings.of(Map.of(
                DanmakuSettings.MAX_LENGTH, 1L << 40,
                DanmakuSettings.RATE_PER_SECOND, Double.POSITIVE_INFINITY,
                DanmakuSettings.BURST, "NaN"));

        assertEquals(100, settings.maxLength());
        assertEquals(1.0, settings.ratePerSecond());
        assertEquals(5, settings.burst());
    }

    @Test
    void keepsEveryGivenKeyForOtherFiltersWithoutNulls() {
        Map<String, Object> given = new HashMap<>();
        given.put("acme.adsFilter", true);
        given.put("empty", null);

        assertEquals(Map.of("acme.adsFilter", true), DanmakuSettings.of(given).asMap());
    }

    @Test
    void validateAcceptsGoodAndAbsentValues() {
        DanmakuSettings.validate(Map.of());
        DanmakuSettings.validate(Map.of(DanmakuSettings.MAX_LENGTH, 20, DanmakuSettings.SENSITIVE_WORD_MODE, "mask",
                DanmakuSettings.DUPLICATE_WINDOW_SECONDS, 0, "otherKey", "anything"));
    }

    @Test
    void validateNamesTheKeyThatIsWrong() {
        EdamameException e = assertThrows(EdamameException.class,
                () -> DanmakuSettings.validate(Map.of(DanmakuSettings.MAX_LENGTH, 20, DanmakuSettings.BURST, -1)));

        assertSame(CoreErrorCode.INVALID_SETTINGS, e.code());
        assertTrue(e.getMessage().contains("'burst'"), e.getMessage());
    }
}
