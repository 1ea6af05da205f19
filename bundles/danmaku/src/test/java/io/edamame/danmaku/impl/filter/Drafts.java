package io.edamame.danmaku.impl.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edamame.core.api.ErrorCode;
import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.api.DanmakuSettings;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import java.time.Instant;
import java.util.Map;

/** Drafts and contexts for filter tests. */
final class Drafts {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private Drafts() {
    }

    static DanmakuDraft draft(String text) {
        return draft(1, 10, 100, text);
    }

    static DanmakuDraft draft(long tenantId, long roomId, long userId, String text) {
        return new DanmakuDraft(tenantId, roomId, userId, "viewer", text, null, DanmakuMode.SCROLL, "c1", T0);
    }

    static FilterContext at(Instant now) {
        return FilterContext.of(DanmakuSettings.defaults(), now);
    }

    static FilterContext at(Instant now, Map<String, Object> settings) {
        return FilterContext.of(DanmakuSettings.of(settings), now);
    }

    /** Whether {@code decision} rejects, after asserting it is either a pass or a rejection with {@code code}. */
    static boolean rejects(FilterDecision decision, ErrorCode code) {
        if (decision instanceof FilterDecision.Reject reject) {
            assertEquals(code, reject.code());
            return true;
        }
        assertEquals(FilterDecision.pass(), decision);
        return false;
    }
}
