package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Rejects a user's text that the same user sent to the same room less than the tenant's duplicate
 * window ago. Texts are compared ignoring case and runs of white space. The window starts at the
 * last time the text got through this filter, so a repeat that is rejected does not extend it.
 * Runs just after the rate limit, so flooding with one text is also counted against the rate.
 */
@Component(service = DanmakuFilter.class,
        property = "service.ranking:Integer=" + (DanmakuFilter.RANKING_LIMITS - 10))
public class DuplicateFilter implements DanmakuFilter {

    static final int MAX_ENTRIES = 200_000;
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);
    private static final Pattern WHITE_SPACE = Pattern.compile("[\\s\\p{Z}]+");

    private record SentText(long tenantId, long roomId, long userId, String text) {
    }

    /** {@code repeated}: whether the last danmaku with this text came within the window. */
    private record Seen(Instant expiresAt, boolean repeated) implements ExpiringTable.Expiring {
    }

    private final ExpiringTable<SentText, Seen> seen;

    @Activate
    public DuplicateFilter() {
        this(MAX_ENTRIES);
    }

    DuplicateFilter(int maxEntries) {
        this.seen = new ExpiringTable<>("duplicates", maxEntries, SWEEP_INTERVAL);
    }

    @Override
    public FilterDecision filter(DanmakuDraft draft, FilterContext context) {
        int windowSeconds = context.settings().duplicateWindowSeconds();
        if (windowSeconds == 0) {
            return FilterDecision.pass();
        }
        Instant now = context.now();
        SentText key = new SentText(draft.tenantId(), draft.roomId(), draft.userId(), comparable(draft.text()));
        Seen entry = seen.update(key, now, current -> current != null
                ? new Seen(current.expiresAt(), true)
                : new Seen(now.plusSeconds(windowSeconds), false));
        return entry.repeated()
                ? FilterDecision.reject(DanmakuErrorCode.DUPLICATE, "You sent this a moment ago")
                : FilterDecision.pass();
    }

    static String comparable(String text) {
        return WHITE_SPACE.matcher(text).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }

    int entryCount() {
        return seen.size();
    }

    @Override
    public String name() {
        return "duplicate";
    }
}
