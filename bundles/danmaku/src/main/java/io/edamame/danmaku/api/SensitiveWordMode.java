package io.edamame.danmaku.api;

import java.util.Locale;

/** What the sensitive-word filter does with a match: the tenant setting {@link DanmakuSettings#SENSITIVE_WORD_MODE}. */
public enum SensitiveWordMode {
    /** Replace every character of each matched word with {@code *} and let the danmaku through. */
    MASK,
    /** Reject the danmaku with {@link DanmakuErrorCode#SENSITIVE_WORD}. */
    REJECT;

    /** The lower-case name used in settings, e.g. {@code mask}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
