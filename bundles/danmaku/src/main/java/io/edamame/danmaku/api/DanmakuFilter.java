package io.edamame.danmaku.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A step of the danmaku filter chain. Register an implementation as an OSGi service (whiteboard) and
 * the chain picks it up at once, and drops it when the service goes away.
 *
 * <p>Order: filters run from the highest {@code service.ranking} to the lowest (same ranking: the
 * lower {@code service.id} first). The built-in filters run at the {@code RANKING_*} values below;
 * place a filter between them, e.g. at {@code RANKING_CONTENT + 50} to see normalised text that has
 * passed the limits but not yet the sensitive-word filter.
 *
 * <p>Contract: {@link #filter} is called concurrently from many connection threads and must be
 * thread-safe and fast (no blocking I/O: it runs before every viewer sees the message; a filter that must
 * ask a remote service, as the WeChat plugin's content check does, caches answers and bounds both the wait
 * and the calls in flight). A rewrite is
 * what the next filter sees. A filter that throws or returns null makes the chain reject the message
 * with {@link DanmakuErrorCode#FILTER_FAILED}: a broken moderation filter must not let everything
 * through.
 */
@ConsumerType
public interface DanmakuFilter {

    /** Rejects blank, over-long and malformed messages and normalises control characters. */
    int RANKING_VALIDATION = 1000;

    /** Per-user rate limit; the duplicate-flood rule runs just after it, at {@code RANKING_LIMITS - 10}. */
    int RANKING_LIMITS = 800;

    /** Content moderation: the sensitive-word filter. */
    int RANKING_CONTENT = 600;

    /**
     * Decides about {@code draft}.
     *
     * @param draft the danmaku as the previous filters left it
     * @param context the tenant's settings and the time
     * @return never null
     */
    FilterDecision filter(DanmakuDraft draft, FilterContext context);

    /** Names the filter in rejections and logs; the class name unless overridden. */
    default String name() {
        return getClass().getName();
    }
}
