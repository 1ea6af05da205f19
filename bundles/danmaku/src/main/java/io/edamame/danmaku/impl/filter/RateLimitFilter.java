package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.DanmakuSettings;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import java.time.Duration;
import java.time.Instant;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * A token bucket per user and room, with the tenant's rate and burst. It is kept in its
 * virtual-scheduling form (GCRA, ITU-T I.371): one timestamp per bucket, the "theoretical arrival
 * time" by which the bucket would be full again, advanced by one emission interval per danmaku. A
 * danmaku is allowed while that time is at most {@code burst - 1} intervals ahead of now. A bucket
 * whose time has passed is full, which is exactly a bucket never seen, so it is forgotten: memory
 * holds only users who sent recently. Settings changes apply from the next danmaku.
 */
@Component(service = DanmakuFilter.class, property = "service.ranking:Integer=" + DanmakuFilter.RANKING_LIMITS)
public class RateLimitFilter implements DanmakuFilter {

    static final int MAX_BUCKETS = 200_000;
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);
    private static final double MAX_NANOS = Duration.ofDays(36_500).toNanos();

    private record BucketKey(long tenantId, long roomId, long userId) {
    }

    /** {@code full}: when the bucket is full again; {@code allowed}: whether the last danmaku was. */
    private record Bucket(Instant full, boolean allowed) implements ExpiringTable.Expiring {
        @Override
        public Instant expiresAt() {
            return full;
        }
    }

    private final ExpiringTable<BucketKey, Bucket> buckets;

    @Activate
    public RateLimitFilter() {
        this(MAX_BUCKETS);
    }

    RateLimitFilter(int maxBuckets) {
        this.buckets = new ExpiringTable<>("rate limit", maxBuckets, SWEEP_INTERVAL);
    }

    @Override
    public FilterDecision filter(DanmakuDraft draft, FilterContext context) {
        DanmakuSettings settings = context.settings();
        double interval = 1_000_000_000d / settings.ratePerSecond();
        long intervalNanos = Math.max(1, nanos(interval));
        long toleranceNanos = nanos(interval * (settings.burst() - 1L));
        Instant now = context.now();
        Bucket bucket = buckets.update(new BucketKey(draft.tenantId(), draft.roomId(), draft.userId()), now,
                current -> take(current, now, intervalNanos, toleranceNanos));
        return bucket.allowed() ? FilterDecision.pass()
                : FilterDecision.reject(DanmakuErrorCode.RATE_LIMITED, "Sending too fast, wait a moment");
    }

    private static Bucket take(Bucket current, Instant now, long intervalNanos, long toleranceNanos) {
        Instant full = current == null ? now : current.full();
        if (full.isAfter(now.plusNanos(toleranceNanos))) {
            return new Bucket(full, false);
        }
        return new Bucket(full.plusNanos(intervalNanos), true);
    }

    /** Saturated at about a century, so that absurdly slow rates cannot overflow time arithmetic. */
    private static long nanos(double value) {
        return (long) Math.min(value, MAX_NANOS);
    }

    int bucketCount() {
        return buckets.size();
    }

    @Override
    public String name() {
        return "rate-limit";
    }
}
