package io.edamame.danmaku.impl.filter;

import static io.edamame.danmaku.impl.filter.Drafts.T0;
import static io.edamame.danmaku.impl.filter.Drafts.at;
import static io.edamame.danmaku.impl.filter.Drafts.draft;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuSettings;
import io.edamame.danmaku.api.FilterDecision;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SensitiveWordFilterTest {

    private static final Map<String, Object> REJECT = Map.of(DanmakuSettings.SENSITIVE_WORD_MODE, "reject");

    private final InMemoryWordSource source = new InMemoryWordSource();
    private final SensitiveWordFilter filter = new SensitiveWordFilter(source);

    private FilterDecision check(long tenantId, String text) {
        return filter.filter(draft(tenantId, 10, 100, text), at(T0));
    }

    @Test
    void masksEachMatchedCharacterByDefault() {
        source.set(1, "spam", "广告");

        assertEquals(FilterDecision.rewrite("no **** here, ** please"), check(1, "no SPAM here, 广告 please"));
    }

    @Test
    void masksOverlappingMatchesAsOneRun() {
        source.set(1, "he", "she", "his", "hers");

        assertEquals(FilterDecision.rewrite("u*****"), check(1, "ushers"));
    }

    @Test
    void masksACharacterOutsideTheBmpWithOneStar() {
        source.set(1, "😀", "\uD840\uDC00文");

        assertEquals(FilterDecision.rewrite("a*b**"), check(1, "a😀b\uD840\uDC00文"));
    }

    @Test
    void passesTextWithoutMatchesAndTenantsWithoutWords() {
        source.set(1, "spam");

        assertEquals(FilterDecision.pass(), check(1, "ham"));
        assertEquals(FilterDecision.pass(), check(2, "spam"), "tenant 2 has no list");
    }

    @Test
    void rejectsWhenTheTenantSaysSo() {
        source.set(1, "spam");

        FilterDecision decision = filter.filter(draft(1, 10, 100, "such Spam"), at(T0, REJECT));

        assertEquals(DanmakuErrorCode.SENSITIVE_WORD, ((FilterDecision.Reject) decision).code());
        assertEquals(FilterDecision.pass(), filter.filter(draft(1, 10, 100, "fine"), at(T0, REJECT)));
    }

    @Test
    void theRejectionDoesNotRevealTheWord() {
        source.set(1, "secretword");

        FilterDecision.Reject reject = (FilterDecision.Reject) filter.filter(draft(1, 1, 1, "secretword"),
                at(T0, REJECT));

        assertEquals(-1, reject.message().indexOf("secretword"));
    }

    @Test
    void compilesEachListOnceUntilItChanges() {
        source.set(1, "spam");
        check(1, "spam");
        check(1, "spam");
        check(1, "ham");
        assertEquals(1, source.listReads.get());

        source.set(1, "ham");

        assertEquals(FilterDecision.pass(), check(1, "spam"));
        assertEquals(FilterDecision.rewrite("***"), check(1, "ham"));
        assertEquals(2, source.listReads.get());
    }

    @Test
    void keepsTenantsListsApart() {
        source.set(1, "apple");
        source.set(2, "banana");

        assertEquals(FilterDecision.pass(), check(1, "banana"));
        assertEquals(FilterDecision.rewrite("******"), check(2, "banana"));
        assertEquals(FilterDecision.rewrite("*****"), check(1, "apple"));
    }
}
