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
import io.edamame.danmaku.api.FilterDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimitFilterTest {

    private final RateLimitFilter filter = new RateLimitFilter();

    private boolean allowed(DanmakuDraft draft, Instant now, Map<String, Object> settings) {
        return !Drafts.rejects(filter.filter(draft, at(now, settings)), DanmakuErrorCode.RATE_LIMITED);
    }

    private boolean allowed(Instant now) {
        return allowed(draft("hi"), now, Map.of());
    }

    private int allowedOf(int attempts, Instant now) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            allowed += allowed(now) ? 1 : 0;
        }
        return allowed;
    }

    @Test
    void allowsTheDefaultBurstAtOnceThenRejects() {
        assertEquals(5, allowedOf(5, T0));
        assertEquals(0, allowedOf(3, T0));
    }

    @Test
    void refillsAtTheDefaultRateOfOnePerSecond() {
        allowedOf(5, T0);

        assertEquals(0, allowedOf(1, T0.plusMillis(999)));
        assertEquals(1, allowedOf(2, T0.plusSeconds(1)));
        assertEquals(2, allowedOf(3, T0.plusSeconds(3)));
    }

    @Test
    void refillsNoMoreThanTheBurst() {
        allowedOf(5, T0);

        assertEquals(5, allowedOf(10, T0.plusSeconds(3600)));
    }

    @Test
    void appliesTheTenantsRateAndBurst() {
        Map<String, Object> settings = Map.of(DanmakuSettings.RATE_PER_SECOND, 4, DanmakuSettings.BURST, 2);

        assertTrue(allowed(draft("a"), T0, settings));
        assertTrue(allowed(draft("a"), T0, settings));
        assertFalse(allowed(draft("a"), T0.plusMillis(249), settings));
        assertTrue(allowed(draft("a"), T0.plusMillis(250), settings));
        assertFalse(allowed(draft("a"), T0.plusMillis(250), settings));
    }

    @Test
    void supportsFractionalRates() {
        Map<String, Object> settings = Map.of(DanmakuSettings.RATE_PER_SECOND, 0.5, DanmakuSettings.BURST, 1);

        assertTrue(allowed(draft("a"), T0, settings));
        assertFalse(allowed(draft("a"), T0.plusMillis(1999), settings));
        assertTrue(allowed(draft("a"), T0.plusSeconds(2), settings));
    }

    @Test
    void keepsOneBucketPerTenantRoomAndUser() {
        for (int i = 0; i < 5; i++) {
            allowed(draft(1, 10, 100, "x"), T0, Map.of());
        }

        assertFalse(allowed(draft(1, 10, 100, "x"), T0, Map.of()));
        assertTrue(allowed(draft(2, 10, 100, "x"), T0, Map.of()), "other tenant");
        assertTrue(allowed(draft(1, 11, 100, "x"), T0, Map.of()), "other room");
        assertTrue(allowed(draft(1, 10, 101, "x"), T0, Map.of()), "other user");
    }

    @Test
    void aRejectedAttemptDoesNotDelayTheNextToken() {
        allowedOf(5, T0);
        allowedOf(20, T0.plusMillis(500));

        assertTrue(allowed(T0.plusSeconds(1)));
    }

    @Test
    void aClockGoingBackDoesNotGrantExtraTokens() {
        allowedOf(5, T0);

        assertEquals(0, allowedOf(1, T0.minusSeconds(10)));
    }

    @Test
    void forgetsBucketsOnceFullSoMemoryHoldsOnlyRecentSenders() {
        RateLimitFilter limited = new RateLimitFilter(1_000);
        for (int user = 0; user < 500; user++) {
            limited.filter(draft(1, 10, user, "x"), at(T0));
        }
        assertEquals(500, limited.bucketCount());

        // One token was taken, so each bucket is full again a second later; the next sweep drops them.
        limited.filter(draft(1, 10, 9999, "x"), at(T0.plusSeconds(60)));

        assertEquals(1, limited.bucketCount());
    }

    @Test
    void staysWithinItsCapUnderAFloodOfSenders() {
        RateLimitFilter limited = new RateLimitFilter(100);
        for (int user = 0; user < 10_000; user++) {
            limited.filter(draft(1, 10, user, "x"), at(T0));
            assertTrue(limited.bucketCount() <= 101, "at user " + user + ": " + limited.bucketCount());
        }
    }

    @Test
    void grantsExactlyTheBurstToConcurrentSenders() throws Exception {
        int threads = 8;
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        if (filter.filter(draft("x"), at(T0)) == FilterDecision.pass()) {
                            granted.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(5, granted.get());
    }
}
