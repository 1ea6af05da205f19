package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.DanmakuFilterChain;
import io.edamame.danmaku.api.DanmakuSettings;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import io.edamame.danmaku.api.FilterOutcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every {@link DanmakuFilter} service in ranking order. Filters come and go while danmaku flow,
 * so the list is copy-on-write: writers (rare) replace a sorted immutable list, readers (every
 * danmaku) take it without locking and finish with the filters they started with.
 *
 * <p>Fail closed: a filter that throws or answers null rejects the danmaku with
 * {@link DanmakuErrorCode#FILTER_FAILED}. A moderation filter that breaks must not let everything
 * through; the cost is that a broken filter silences the rooms until it is fixed or removed, which
 * the error log makes visible.
 */
@Component(service = DanmakuFilterChain.class)
public class FilterChainImpl implements DanmakuFilterChain {

    private static final Logger LOG = LoggerFactory.getLogger(FilterChainImpl.class);

    private final Clock clock;
    private volatile List<RankedFilter> filters = List.of();

    @Activate
    public FilterChainImpl() {
        this(Clock.systemUTC());
    }

    FilterChainImpl(Clock clock) {
        this.clock = clock;
    }

    @Reference(service = DanmakuFilter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeFilter", updated = "updateFilter")
    synchronized void addFilter(DanmakuFilter filter, Map<String, Object> properties) {
        List<RankedFilter> next = new ArrayList<>(filters);
        next.add(RankedFilter.of(filter, properties));
        publish(next);
    }

    synchronized void removeFilter(DanmakuFilter filter, Map<String, Object> properties) {
        long serviceId = RankedFilter.serviceId(properties);
        List<RankedFilter> next = new ArrayList<>(filters);
        next.removeIf(ranked -> ranked.filter() == filter && ranked.serviceId() == serviceId);
        publish(next);
    }

    /** A changed {@code service.ranking} moves the filter. */
    synchronized void updateFilter(DanmakuFilter filter, Map<String, Object> properties) {
        removeFilter(filter, properties);
        addFilter(filter, properties);
    }

    private void publish(List<RankedFilter> next) {
        next.sort(RankedFilter.CHAIN_ORDER);
        filters = List.copyOf(next);
    }

    @Override
    public FilterOutcome apply(DanmakuDraft draft, Map<String, Object> tenantSettings) {
        FilterContext context = FilterContext.of(DanmakuSettings.of(tenantSettings), clock.instant());
        DanmakuDraft current = draft;
        for (RankedFilter ranked : filters) {
            DanmakuFilter filter = ranked.filter();
            FilterDecision decision = decide(filter, current, context);
            if (decision instanceof FilterDecision.Reject reject) {
                return new FilterOutcome.Rejected(reject.code(), reject.message(), filter.name());
            }
            if (decision instanceof FilterDecision.Rewrite rewrite) {
                current = current.withText(rewrite.text());
            }
        }
        return new FilterOutcome.Accepted(current);
    }

    private static FilterDecision decide(DanmakuFilter filter, DanmakuDraft draft, FilterContext context) {
        FilterDecision decision;
        try {
            decision = filter.filter(draft, context);
        } catch (RuntimeException e) {
            LOG.error("ROOM {}: danmaku filter {} failed, message of user {} rejected", draft.roomId(),
                    filter.name(), draft.userId(), e);
            return failed();
        }
        if (decision == null) {
            LOG.error("ROOM {}: danmaku filter {} returned no decision, message of user {} rejected",
                    draft.roomId(), filter.name(), draft.userId());
            return failed();
        }
        return decision;
    }

    private static FilterDecision failed() {
        return FilterDecision.reject(DanmakuErrorCode.FILTER_FAILED, "Danmaku could not be checked, try again later");
    }
}
