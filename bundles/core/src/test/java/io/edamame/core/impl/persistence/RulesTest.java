package io.edamame.core.impl.persistence;

import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.failedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RulesTest {

    /** The fields {@code check} reports, or none. */
    private static Set<String> failures(UnaryOperator<Rules> check) {
        try {
            check.apply(Rules.check()).orThrow();
            return Set.of();
        } catch (EdamameException e) {
            assertEquals(CoreErrorCode.VALIDATION_FAILED, e.code());
            return failedFields(e);
        }
    }

    private static void assertPasses(UnaryOperator<Rules> check) {
        assertEquals(Set.of(), failures(check));
    }

    private static void assertFails(String field, UnaryOperator<Rules> check) {
        assertEquals(Set.of(field), failures(check));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a-b", "acme-school-2024", "0a0", "a234567890123456789012345678901234567890"})
    void acceptsSlugs(String slug) {
        assertPasses(r -> r.slug("slug", slug));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"ab", "-ab", "ab-", "Abc", "a_b", "a.b", "a b", "a234567890123456789012345678901234567890x"})
    void refusesSlugs(String slug) {
        assertFails("slug", r -> r.slug("slug", slug));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob", "Bob.Smith_2-x", "..."})
    void acceptsUsernames(String username) {
        assertPasses(r -> r.username("username", username));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"ab", "bob smith", "bob@example.com", "名字名字"})
    void refusesUsernames(String username) {
        assertFails("username", r -> r.username("username", username));
    }

    @Test
    void usernamesHaveAtMost64Characters() {
        assertPasses(r -> r.username("username", "u".repeat(64)));
        assertFails("username", r -> r.username("username", "u".repeat(65)));
    }

    @Test
    void passwordsHave8To128Characters() {
        assertPasses(r -> r.password("password", "p".repeat(8)));
        assertPasses(r -> r.password("password", "p".repeat(128)));
        assertFails("password", r -> r.password("password", "p".repeat(7)));
        assertFails("password", r -> r.password("password", "p".repeat(129)));
        assertFails("password", r -> r.password("password", null));
    }

    @Test
    void requiredTextMustNotBeBlank() {
        assertFails("title", r -> r.text("title", null, true, 10));
        assertFails("title", r -> r.text("title", " \t", true, 10));
        assertPasses(r -> r.text("title", "x", true, 10));
    }

    @Test
    void optionalTextMayBeAbsent() {
        assertPasses(r -> r.text("description", null, false, 10));
        assertPasses(r -> r.text("description", "  ", false, 10));
    }

    @Test
    void textHasAMaximumLength() {
        assertPasses(r -> r.text("title", "t".repeat(10), true, 10));
        assertFails("title", r -> r.text("title", "t".repeat(11), true, 10));
        assertFails("description", r -> r.text("description", "t".repeat(11), false, 10));
    }

    static Stream<List<String>> validTags() {
        return Stream.of(null, List.of(), List.of("a"), List.of("live music", "t".repeat(32)),
                Collections.nCopies(10, "tag"));
    }

    @ParameterizedTest
    @MethodSource("validTags")
    void acceptsTags(List<String> tags) {
        assertPasses(r -> r.tags("tags", tags));
    }

    static Stream<List<String>> invalidTags() {
        return Stream.of(Collections.nCopies(11, "tag"), List.of("a,b"), List.of(""), List.of(" leading"),
                List.of("t".repeat(33)), Arrays.asList("ok", null));
    }

    @ParameterizedTest
    @MethodSource("invalidTags")
    void refusesTags(List<String> tags) {
        assertFails("tags", r -> r.tags("tags", tags));
    }

    @Test
    void requireRefusesNull() {
        assertFails("type", r -> r.require("type", null));
        assertPasses(r -> r.require("type", "AUDIO"));
    }

    @Test
    void reportsEveryFailedFieldInOrderWithItsMessage() {
        EdamameException e = assertError(CoreErrorCode.VALIDATION_FAILED, () -> Rules.check()
                .slug("slug", "X")
                .password("password", "ok-password")
                .require("role", null)
                .fail("custom", "is wrong")
                .orThrow());

        assertEquals(List.of("slug", "role", "custom"),
                ((List<?>) e.details()).stream().map(v -> ((Map<?, ?>) v).get("field")).toList());
        assertEquals(Map.of("field", "custom", "message", "is wrong"), ((List<?>) e.details()).get(2));
    }
}
