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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextRulesFilterTest {

    private final TextRulesFilter filter = new TextRulesFilter();

    private FilterDecision check(String text) {
        return filter.filter(draft(text), at(T0));
    }

    private FilterDecision check(String text, int maxLength) {
        return filter.filter(draft(text), at(T0, Map.of(DanmakuSettings.MAX_LENGTH, maxLength)));
    }

    @Test
    void passesOrdinaryTextUnchanged() {
        assertEquals(FilterDecision.pass(), check("666 主播好"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n", "\u3000\u3000", "\u00A0", "\r\n", "\u0000\u0007", "\u202E "})
    void rejectsTextWithNothingVisible(String text) {
        assertEquals(DanmakuErrorCode.TEXT_EMPTY, ((FilterDecision.Reject) check(text)).code());
    }

    @Test
    void turnsEachLineBreakIntoOneSpace() {
        assertEquals(FilterDecision.rewrite("a b c d e"), check("a\nb\r\nc\rd\u2028e"));
        assertEquals(FilterDecision.rewrite("a  b"), check("a\n\nb"));
    }

    @Test
    void removesControlAndBidiOverrideCharacters() {
        assertEquals(FilterDecision.rewrite("abc"), check("a\u0000b\u001B\u007Fc"));
        assertEquals(FilterDecision.rewrite("ab"), check("a\tb"));
        assertEquals(FilterDecision.rewrite("evil"), check("\u202Eevil\u2066\u2069"));
    }

    @Test
    void keepsEmojiJoinersAndVariationSelectors() {
        String family = "👨\u200D👩\u200D👧 ❤\uFE0F";

        assertEquals(FilterDecision.pass(), check(family));
    }

    @Test
    void acceptsExactlyMaxLengthAndRejectsOneMore() {
        assertEquals(FilterDecision.pass(), check("a".repeat(100)));
        assertEquals(DanmakuErrorCode.TEXT_TOO_LONG, ((FilterDecision.Reject) check("a".repeat(101))).code());
        assertEquals(FilterDecision.pass(), check("abc", 3));
        assertEquals(DanmakuErrorCode.TEXT_TOO_LONG, ((FilterDecision.Reject) check("abcd", 3)).code());
    }

    @Test
    void countsCodePointsNotChars() {
        // Each emoji is two chars but one code point; CJK ideographs are one of each.
        assertEquals(FilterDecision.pass(), check("😀".repeat(3), 3));
        assertEquals(FilterDecision.pass(), check("弹幕来", 3));
        assertEquals(FilterDecision.pass(), check("\uD840\uDC00\uD840\uDC01", 2));
        assertEquals(DanmakuErrorCode.TEXT_TOO_LONG, ((FilterDecision.Reject) check("😀😀😀😀", 3)).code());
    }

    @Test
    void countsAZwjSequenceAsItsCodePoints() {
        // man ZWJ woman ZWJ girl: 5 code points drawn as one glyph.
        assertEquals(DanmakuErrorCode.TEXT_TOO_LONG,
                ((FilterDecision.Reject) check("👨\u200D👩\u200D👧", 4)).code());
        assertEquals(FilterDecision.pass(), check("👨\u200D👩\u200D👧", 5));
    }

    @Test
    void measuresLengthAfterRemovingControls() {
        assertEquals(FilterDecision.rewrite("abc"), check("a\u0000\u0000b\u0000c", 3));
    }
}
