package io.edamame.danmaku.impl.filter;

import static io.edamame.danmaku.impl.filter.Drafts.T0;
import static io.edamame.danmaku.impl.filter.Drafts.at;
import static io.edamame.danmaku.impl.filter.Drafts.draft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuSettings;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DuplicateFilterTest {

    private final DuplicateFilter filter = new DuplicateFilter();

    private boolean duplicate(DanmakuDraft draft, Instant now, Map<String, Object> settings) {
        return Drafts.rejects(filter.filter(draft, at(now, settings)), DanmakuErrorCode.DUPLICATE);
    }

    private boolean duplicate(String text, Instant now) {
        return duplicate(draft(text), now, Map.of());
    }

    @Test
    void rejectsTheSameTextWithinTheWindow() {
        assertFalse(duplicate("666", T0));
        assertTrue(duplicate("666", T0.plusSeconds(9)));
    }

    @Test
    void allowsItAgainOnceTheWindowHasPassed() {
        duplicate("666", T0);

        assertTrue(duplicate("666", T0.plusMillis(9_999)));
        assertFalse(duplicate("666", T0.plusSeconds(10)));
        assertTrue(duplicate("666", T0.plusSeconds(11)), "the window restarts from the accepted repeat");
    }

    @Test
    void aRejectedRepeatDoesNotExtendTheWindow() {
        duplicate("666", T0);
        duplicate("666", T0.plusSeconds(5));
        duplicate("666", T0.plusSeconds(9));

        assertFalse(duplicate("666", T0.plusSeconds(10)));
    }

    @Test
    void comparesIgnoringCaseAndWhiteSpaceRuns() {
        duplicate("Hello  World", T0);

        assertTrue(duplicate(" hello world ", T0));
        assertTrue(duplicate("HELLO\u3000WORLD", T0));
        assertFalse(duplicate("hello worlds", T0));
    }

    @Test
    void isPerUserAndRoomAndTenant() {
        duplicate(draft(1, 10, 100, "gg"), T0, Map.of());

        assertFalse(duplicate(draft(1, 10, 101, "gg"), T0, Map.of()), "other user");
        assertFalse(duplicate(draft(1, 11, 100, "gg"), T0, Map.of()), "other room");
        assertFalse(duplicate(draft(2, 10, 100, "gg"), T0, Map.of()), "other tenant");
        assertTrue(duplicate(draft(1, 10, 100, "gg"), T0, Map.of()));
    }

    @Test
    void usesTheTenantsWindowAndZeroTurnsTheRuleOff() {
        Map<String, Object> short3 = Map.of(DanmakuSettings.DUPLICATE_WINDOW_SECONDS, 3);
        duplicate(draft("x"), T0, short3);
        assertFalse(duplicate(draft("x"), T0.plusSeconds(3), short3));

        Map<String, Object> off = Map.of(DanmakuSettings.DUPLICATE_WINDOW_SECONDS, 0);
        assertFalse(duplicate(draft("y"), T0, off));
        assertFalse(duplicate(draft("y"), T0, off));
    }

    @Test
    void forgetsExpiredTextsSoMemoryStaysBounded() {
        DuplicateFilter bounded = new DuplicateFilter(1_000);
        for (int i = 0; i < 300; i++) {
            bounded.filter(draft("text " + i), at(T0));
        }
        assertEquals(300, bounded.entryCount());

        bounded.filter(draft("later"), at(T0.plusSeconds(60)));

        assertEquals(1, bounded.entryCount());
    }

    @Test
    void staysWithinItsCapUnderAFloodOfTexts() {
        DuplicateFilter bounded = new DuplicateFilter(50);
        for (int i = 0; i < 5_000; i++) {
            bounded.filter(draft("text " + i), at(T0));
            assertTrue(bounded.entryCount() <= 51, "at text " + i);
        }
    }
}
