package io.edamame.danmaku.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DanmakuValuesTest {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void modesRoundTripThroughTheirWireNames() {
        for (DanmakuMode mode : DanmakuMode.values()) {
            assertSame(mode, DanmakuMode.fromWire(mode.wire()));
        }
        assertEquals("bottom", DanmakuMode.BOTTOM.wire());
    }

    @Test
    void unknownModesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DanmakuMode.fromWire(null));
        assertThrows(IllegalArgumentException.class, () -> DanmakuMode.fromWire("SCROLL"));
        assertThrows(IllegalArgumentException.class, () -> DanmakuMode.fromWire("left"));
    }

    @Test
    void withTextChangesOnlyTheText() {
        DanmakuDraft draft = new DanmakuDraft(1, 2, 3, "u", "old", "#ffffff", DanmakuMode.TOP, "c", NOW);

        assertEquals(new DanmakuDraft(1, 2, 3, "u", "new", "#ffffff", DanmakuMode.TOP, "c", NOW),
                draft.withText("new"));
    }

    @Test
    void aDraftNeedsTextModeAndTime() {
        assertThrows(NullPointerException.class,
                () -> new DanmakuDraft(1, 2, 3, "u", null, null, DanmakuMode.TOP, null, NOW));
        assertThrows(NullPointerException.class,
                () -> new DanmakuDraft(1, 2, 3, "u", "t", null, null, null, NOW));
        assertThrows(NullPointerException.class,
                () -> new DanmakuDraft(1, 2, 3, "u", "t", null, DanmakuMode.TOP, null, null));
    }

    @Test
    void decisionsRefuseMissingParts() {
        assertThrows(NullPointerException.class, () -> FilterDecision.rewrite(null));
        assertThrows(NullPointerException.class, () -> FilterDecision.reject(null, "m"));
        assertThrows(NullPointerException.class, () -> FilterDecision.reject(DanmakuErrorCode.DUPLICATE, null));
    }

    @Test
    void errorCodesMapToTheirHttpStatus() {
        assertEquals(429, DanmakuErrorCode.RATE_LIMITED.httpStatus());
        assertEquals(400, DanmakuErrorCode.TEXT_TOO_LONG.httpStatus());
        assertEquals(500, DanmakuErrorCode.FILTER_FAILED.httpStatus());
    }
}
