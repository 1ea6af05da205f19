package io.edamame.danmaku.impl.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.danmaku.impl.filter.AhoCorasick.Match;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AhoCorasickTest {

    @Test
    void findsOverlappingWordsOfTheClassicExample() {
        AhoCorasick automaton = new AhoCorasick(List.of("he", "she", "his", "hers"));

        assertEquals(List.of(new Match(1, 4, "she"), new Match(2, 4, "he"), new Match(2, 6, "hers")),
                automaton.findAll("ushers"));
    }

    @Test
    void findsWordsInsideEachOtherAndRepeatedOnes() {
        AhoCorasick automaton = new AhoCorasick(List.of("a", "aa", "aaa"));

        // 3 of "a", 2 of "aa", 1 of "aaa"
        assertEquals(6, automaton.findAll("aaa").size());
        assertEquals(List.of(new Match(0, 1, "a"), new Match(2, 3, "a")), new AhoCorasick(List.of("a")).findAll("aba"));
    }

    @Test
    void followsFailureLinksAcrossPartialMatches() {
        AhoCorasick automaton = new AhoCorasick(List.of("abcd", "bcx"));

        assertEquals(List.of(new Match(2, 5, "bcx")), automaton.findAll("abbcx"));
        assertEquals(List.of(new Match(1, 4, "bcx")), automaton.findAll("abcx"));
    }

    @Test
    void matchesAsciiIgnoringCaseAndReportsTheListedWord() {
        AhoCorasick automaton = new AhoCorasick(List.of("Spam"));

        assertEquals(List.of(new Match(4, 8, "Spam"), new Match(9, 13, "Spam")), automaton.findAll("buy SPAM spam"));
    }

    @Test
    void doesNotFoldBeyondAscii() {
        AhoCorasick automaton = new AhoCorasick(List.of("é"));

        assertTrue(automaton.findAll("É").isEmpty());
        assertEquals(1, automaton.findAll("café").size());
    }

    @Test
    void matchesCjkText() {
        AhoCorasick automaton = new AhoCorasick(List.of("坏人", "人民", "广告"));

        assertEquals(List.of(new Match(1, 3, "坏人"), new Match(2, 4, "人民")), automaton.findAll("大坏人民"));
        assertTrue(automaton.matchesAny("这是广告吗"));
        assertFalse(automaton.matchesAny("这是好人"));
    }

    @Test
    void reportsUtf16IndicesForCharactersOutsideTheBmp() {
        // U+20000 (CJK extension B) and an emoji are two chars each.
        AhoCorasick automaton = new AhoCorasick(List.of("\uD840\uDC00x", "😀"));

        assertEquals(List.of(new Match(1, 4, "\uD840\uDC00x"), new Match(4, 6, "😀")),
                automaton.findAll("a\uD840\uDC00x😀"));
    }

    @Test
    void aSurrogateHalfDoesNotMatchAWholeCharacter() {
        AhoCorasick automaton = new AhoCorasick(List.of("😀"));

        assertTrue(automaton.findAll("😃").isEmpty(), "shares the high surrogate only");
    }

    @Test
    void ignoresBlankAndNullWordsAndCountsDuplicatesOnce() {
        AhoCorasick automaton = new AhoCorasick(Arrays.asList("bad", "BAD", "", "  ", null));

        assertEquals(1, automaton.size());
        assertEquals(1, automaton.findAll("bad").size());
    }

    @Test
    void anEmptyListMatchesNothing() {
        AhoCorasick automaton = new AhoCorasick(List.of());

        assertEquals(0, automaton.size());
        assertTrue(automaton.findAll("anything").isEmpty());
        assertFalse(automaton.matchesAny(""));
    }

    @Test
    void matchesAnyAgreesWithFindAll() {
        AhoCorasick automaton = new AhoCorasick(List.of("he", "she", "his", "hers"));

        for (String text : List.of("ushers", "this", "h", "", "xyz", "sHe")) {
            assertEquals(!automaton.findAll(text).isEmpty(), automaton.matchesAny(text), text);
        }
    }
}
