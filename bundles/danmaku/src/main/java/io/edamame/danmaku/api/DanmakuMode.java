package io.edamame.danmaku.api;

import java.util.Locale;

/** Where a danmaku is drawn: scrolling across the video, or fixed at the top or bottom. */
public enum DanmakuMode {
    SCROLL,
    TOP,
    BOTTOM;

    /** The lower-case name used in the WebSocket protocol, e.g. {@code scroll}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode named by its {@link #wire()} name. Strict: the protocol has exactly three lower-case
     * names, so anything else is a client error the endpoint answers, not something to guess at.
     *
     * @throws IllegalArgumentException if {@code wire} is null or not a wire name
     */
    public static DanmakuMode fromWire(String wire) {
        for (DanmakuMode mode : values()) {
            if (mode.wire().equals(wire)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown danmaku mode: " + wire);
    }
}
