package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.DanmakuFilter;
import java.util.Comparator;
import java.util.Map;
import org.osgi.framework.Constants;

/** A registered filter with the service properties that order it. */
record RankedFilter(DanmakuFilter filter, int ranking, long serviceId) {

    /** Highest ranking first; equal rankings in registration order, as the framework ranks services. */
    static final Comparator<RankedFilter> CHAIN_ORDER = Comparator.comparingInt(RankedFilter::ranking).reversed()
            .thenComparingLong(RankedFilter::serviceId);

    static RankedFilter of(DanmakuFilter filter, Map<String, Object> properties) {
        // As OSGi Core 5.2.5: a service.ranking that is not an Integer counts as 0.
        int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer value ? value : 0;
        return new RankedFilter(filter, ranking, serviceId(properties));
    }

    static long serviceId(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long id ? id : 0L;
    }
}
