package io.edamame.danmaku.api;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import java.util.HashMap;
import java.util.Map;

/**
 * The danmaku plugin's per-tenant settings that the built-in filters read: the keys, their defaults
 * and typed values.
 *
 * <p>Two ways to read a settings map, on purpose. {@link #validate} throws on nonsense and is meant
 * for the moment settings are saved ({@code Plugin.validateSettings}), so an admin learns of the
 * mistake. {@link #of} never throws: it runs for every danmaku, and a bad value that slipped in must
 * not reject every message of the tenant, so each unusable value falls back to its default. Numbers
 * may be Integer, Long, Double (integral where an integer is expected) or numeric Strings, since
 * settings arrive from JSON and from the database.
 */
public final class DanmakuSettings {

    /** Longest text in Unicode code points (an emoji counts as one, a ZWJ sequence as several). */
    public static final String MAX_LENGTH = "maxLength";
    public static final int DEFAULT_MAX_LENGTH = 100;

    /** Sustained danmaku per second per user and room; may be fractional, e.g. 0.5. */
    public static final String RATE_PER_SECOND = "ratePerSecond";
    public static final double DEFAULT_RATE_PER_SECOND = 1;

    /** How many danmaku a user may send at once before the rate applies. */
    public static final String BURST = "burst";
    public static final int DEFAULT_BURST = 5;

    /** Seconds during which the same user may not repeat the same text in a room; 0 turns the rule off. */
    public static final String DUPLICATE_WINDOW_SECONDS = "duplicateWindowSeconds";
    public static final int DEFAULT_DUPLICATE_WINDOW_SECONDS = 10;

    /** {@code mask} or {@code reject}: see {@link SensitiveWordMode}. */
    public static final String SENSITIVE_WORD_MODE = "sensitiveWordMode";
    public static final SensitiveWordMode DEFAULT_SENSITIVE_WORD_MODE = SensitiveWordMode.MASK;

    private static final DanmakuSettings DEFAULTS = new DanmakuSettings(Map.of());

    private final Map<String, Object> raw;
    private final int maxLength;
    private final double ratePerSecond;
    private final int burst;
    private final int duplicateWindowSeconds;
    private final SensitiveWordMode sensitiveWordMode;

    private DanmakuSettings(Map<String, Object> raw) {
        this.raw = Map.copyOf(withoutNulls(raw));
        this.maxLength = orDefault(positiveInt(raw.get(MAX_LENGTH)), DEFAULT_MAX_LENGTH);
        this.ratePerSecond = orDefault(positiveDouble(raw.get(RATE_PER_SECOND)), DEFAULT_RATE_PER_SECOND);
        this.burst = orDefault(positiveInt(raw.get(BURST)), DEFAULT_BURST);
        this.duplicateWindowSeconds = orDefault(nonNegativeInt(raw.get(DUPLICATE_WINDOW_SECONDS)),
                DEFAULT_DUPLICATE_WINDOW_SECONDS);
        this.sensitiveWordMode = orDefault(mode(raw.get(SENSITIVE_WORD_MODE)), DEFAULT_SENSITIVE_WORD_MODE);
    }

    /** Typed settings over {@code settings}; absent or unusable values read as their defaults. */
    public static DanmakuSettings of(Map<String, Object> settings) {
        return settings == null || settings.isEmpty() ? DEFAULTS : new DanmakuSettings(settings);
    }

    /** Every setting at its default. */
    public static DanmakuSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Checks the keys this class knows; other keys are left to the plugin's settings schema.
     *
     * @throws EdamameException {@code INVALID_SETTINGS} naming the first unusable key and why
     */
    public static void validate(Map<String, Object> settings) {
        require(settings, MAX_LENGTH, positiveInt(settings.get(MAX_LENGTH)), "a positive integer");
        require(settings, RATE_PER_SECOND, positiveDouble(settings.get(RATE_PER_SECOND)), "a positive number");
        require(settings, BURST, positiveInt(settings.get(BURST)), "a positive integer");
        require(settings, DUPLICATE_WINDOW_SECONDS, nonNegativeInt(settings.get(DUPLICATE_WINDOW_SECONDS)),
                "an integer of 0 or more");
        require(settings, SENSITIVE_WORD_MODE, mode(settings.get(SENSITIVE_WORD_MODE)), "'mask' or 'reject'");
    }

    public int maxLength() {
        return maxLength;
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    public int burst() {
        return burst;
    }

    public int duplicateWindowSeconds() {
        return duplicateWindowSeconds;
    }

    public SensitiveWordMode sensitiveWordMode() {
        return sensitiveWordMode;
    }

    /** Every setting as given (without nulls), for filters of other bundles that read their own keys. */
    public Map<String, Object> asMap() {
        return raw;
    }

    private static void require(Map<String, Object> settings, String key, Object parsed, String expected) {
        Object value = settings.get(key);
        if (value != null && parsed == null) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS,
                    "Setting '" + key + "' must be " + expected + ", not '" + value + "'");
        }
    }

    /** Settings maps from JSON may hold nulls, which {@link Map#copyOf} refuses. */
    private static Map<String, Object> withoutNulls(Map<String, Object> settings) {
        Map<String, Object> copy = new HashMap<>();
        settings.forEach((key, value) -> {
            if (key != null && value != null) {
                copy.put(key, value);
            }
        });
        return copy;
    }

    private static <T> T orDefault(T parsed, T fallback) {
        return parsed != null ? parsed : fallback;
    }

    private static Integer positiveInt(Object value) {
        Integer parsed = integer(value);
        return parsed != null && parsed > 0 ? parsed : null;
    }

    private static Integer nonNegativeInt(Object value) {
        Integer parsed = integer(value);
        return parsed != null && parsed >= 0 ? parsed : null;
    }

    private static Double positiveDouble(Object value) {
        Double parsed = number(value);
        return parsed != null && parsed > 0 && !parsed.isInfinite() ? parsed : null;
    }

    /** An int if {@code value} is an integral number within int range, else null. */
    private static Integer integer(Object value) {
        Double parsed = number(value);
        if (parsed == null || parsed != Math.rint(parsed) || Math.abs(parsed) > Integer.MAX_VALUE) {
            return null;
        }
        return parsed.intValue();
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isNaN(d) ? null : d;
        }
        if (value instanceof String s) {
            try {
                double d = Double.parseDouble(s.trim());
                return Double.isNaN(d) ? null : d;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static SensitiveWordMode mode(Object value) {
        if (value instanceof String s) {
            for (SensitiveWordMode mode : SensitiveWordMode.values()) {
                if (mode.wire().equalsIgnoreCase(s.trim())) {
                    return mode;
                }
            }
        }
        return null;
    }
}
