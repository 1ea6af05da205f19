package io.edamame.danmaku.impl.filter;

import static io.edamame.danmaku.impl.filter.Drafts.T0;
import static io.edamame.danmaku.impl.filter.Drafts.draft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.ErrorCode;
import io.edamame.core.testing.MutableClock;
import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.DanmakuSettings;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import io.edamame.danmaku.api.FilterOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class FilterChainImplTest {

    private final MutableClock clock = new MutableClock(T0);
    private final FilterChainImpl chain = new FilterChainImpl(clock);
    private final List<String> calls = new ArrayList<>();
    private long nextServiceId = 1;

    /** A filter that records its name and decides with {@code decide}. */
    private DanmakuFilter filter(String name, BiFunction<DanmakuDraft, FilterContext, FilterDecision> decide) {
        return new DanmakuFilter() {
            @Override
            public FilterDecision filter(DanmakuDraft draft, FilterContext context) {
                calls.add(name);
                return decide.apply(draft, context);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private DanmakuFilter passing(String name) {
        return filter(name, (d, c) -> FilterDecision.pass());
    }

    private Map<String, Object> properties(int ranking) {
        return Map.of("service.ranking", ranking, "service.id", nextServiceId++);
    }

    private Map<String, Object> register(DanmakuFilter filter, int ranking) {
        Map<String, Object> properties = properties(ranking);
        chain.addFilter(filter, properties);
        return properties;
    }

    private FilterOutcome apply(String text) {
        return chain.apply(draft(text), Map.of());
    }

    @Test
    void acceptsUnchangedWithoutFilters() {
        DanmakuDraft draft = draft("hi");

        assertEquals(new FilterOutcome.Accepted(draft), chain.apply(draft, Map.of()));
    }

    @Test
    void runsFiltersFromHighestRankingThenByServiceId() {
        register(passing("low"), 0);
        register(passing("high"), 1000);
        register(passing("mid-first"), 500);
        register(passing("mid-second"), 500);
        register(passing("negative"), -5);

        apply("x");

        assertEquals(List.of("high", "mid-first", "mid-second", "low", "negative"), calls);
    }

    @Test
    void treatsAMissingOrNonIntegerRankingAsZero() {
        chain.addFilter(passing("string-ranked"), Map.of("service.ranking", "900", "service.id", 1L));
        chain.addFilter(passing("unranked"), Map.of("service.id", 2L));
        chain.addFilter(passing("ranked"), Map.of("service.ranking", 1, "service.id", 3L));

        apply("x");

        assertEquals(List.of("ranked", "string-ranked", "unranked"), calls);
    }

    @Test
    void feedsEachRewriteToTheNextFilter() {
        register(filter("upper", (d, c) -> FilterDecision.rewrite(d.text().toUpperCase())), 20);
        register(filter("exclaim", (d, c) -> FilterDecision.rewrite(d.text() + "!")), 10);
        register(passing("observer"), 5);

        FilterOutcome outcome = apply("hi");

        DanmakuDraft accepted = ((FilterOutcome.Accepted) outcome).draft();
        assertEquals("HI!", accepted.text());
        assertEquals(draft("ignored").withText("HI!"), accepted, "only the text changes");
    }

    @Test
    void theFirstRejectionWinsAndLaterFiltersDoNotRun() {
        register(passing("first"), 30);
        register(filter("blocker", (d, c) -> FilterDecision.reject(DanmakuErrorCode.DUPLICATE, "again")), 20);
        register(filter("also-blocks", (d, c) -> FilterDecision.reject(DanmakuErrorCode.RATE_LIMITED, "no")), 10);

        FilterOutcome outcome = apply("x");

        assertEquals(new FilterOutcome.Rejected(DanmakuErrorCode.DUPLICATE, "again", "blocker"), outcome);
        assertFalse(outcome.accepted());
        assertEquals(List.of("first", "blocker"), calls);
    }

    @Test
    void passesAThirdPartyErrorCodeThrough() {
        ErrorCode own = new ErrorCode() {
            @Override
            public String name() {
                return "ADVERTISING";
            }

            @Override
            public int httpStatus() {
                return 400;
            }
        };
        register(filter("ads", (d, c) -> FilterDecision.reject(own, "No ads")), 0);

        assertEquals("ADVERTISING", ((FilterOutcome.Rejected) apply("buy now")).code().name());
    }

    @Test
    void aThrowingFilterRejectsTheMessageAsFilterFailed() {
        register(filter("broken", (d, c) -> {
            throw new IllegalStateException("boom");
        }), 10);
        register(passing("after"), 0);

        FilterOutcome outcome = apply("x");

        assertEquals(new FilterOutcome.Rejected(DanmakuErrorCode.FILTER_FAILED,
                "Danmaku could not be checked, try again later", "broken"), outcome);
        assertEquals(List.of("broken"), calls);
    }

    @Test
    void aFilterAnsweringNullRejectsTheMessageAsFilterFailed() {
        register(filter("silent", (d, c) -> null), 0);

        assertEquals(DanmakuErrorCode.FILTER_FAILED, ((FilterOutcome.Rejected) apply("x")).code());
    }

    @Test
    void givesEveryFilterTheTenantsSettingsAndTheClocksTime() {
        List<FilterContext> seen = new ArrayList<>();
        register(filter("a", (d, c) -> {
            seen.add(c);
            return FilterDecision.pass();
        }), 1);
        clock.advance(Duration.ofSeconds(42));

        chain.apply(draft("x"), Map.of(DanmakuSettings.MAX_LENGTH, "7"));

        assertEquals(Instant.parse("2025-01-01T00:00:42Z"), seen.get(0).now());
        assertEquals(7, seen.get(0).settings().maxLength());
    }

    @Test
    void filtersAddedAndRemovedWhileRunningTakeEffectAtOnce() {
        DanmakuFilter blocker = filter("blocker", (d, c) -> FilterDecision.reject(DanmakuErrorCode.TEXT_EMPTY, "e"));
        assertTrue(apply("x").accepted());

        Map<String, Object> properties = register(blocker, 0);
        assertFalse(apply("x").accepted());

        chain.removeFilter(blocker, properties);
        assertTrue(apply("x").accepted());
    }

    @Test
    void removesOnlyTheRegistrationThatWentAway() {
        DanmakuFilter shared = passing("shared");
        Map<String, Object> first = register(shared, 0);
        register(shared, 0);

        chain.removeFilter(shared, first);
        apply("x");

        assertEquals(List.of("shared"), calls);
    }

    @Test
    void aChangedRankingMovesTheFilter() {
        DanmakuFilter mover = passing("mover");
        register(passing("fixed"), 100);
        Map<String, Object> properties = register(mover, 0);

        chain.updateFilter(mover, Map.of("service.ranking", 200, "service.id", properties.get("service.id")));
        apply("x");

        assertEquals(List.of("mover", "fixed"), calls);
    }

    @Test
    void runsTheBuiltInFiltersInTheirDocumentedOrder() {
        InMemoryWordSource words = new InMemoryWordSource();
        words.set(1, "bad");
        chain.addFilter(new SensitiveWordFilter(words), properties(DanmakuFilter.RANKING_CONTENT));
        chain.addFilter(new DuplicateFilter(), properties(DanmakuFilter.RANKING_LIMITS - 10));
        chain.addFilter(new RateLimitFilter(), properties(DanmakuFilter.RANKING_LIMITS));
        chain.addFilter(new TextRulesFilter(), properties(DanmakuFilter.RANKING_VALIDATION));

        FilterOutcome first = apply("so\nBAD");
        FilterOutcome repeat = apply("so BAD");

        assertEquals("so ***", ((FilterOutcome.Accepted) first).draft().text(),
                "line break normalised before the word filter");
        assertEquals("duplicate", ((FilterOutcome.Rejected) repeat).filter(),
                "duplicate compares the normalised text");
    }
}
