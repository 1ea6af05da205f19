package io.edamame.danmaku.api;

import java.time.Instant;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a {@link DanmakuFilter} may read besides the draft. The chain builds one per danmaku, so every
 * filter sees the same settings and the same time. An interface, so that later versions can add to
 * it (room state for slow mode, the sender's role) without breaking filters.
 */
@ProviderType
public interface FilterContext {

    /** The danmaku settings of the draft's tenant. */
    DanmakuSettings settings();

    /**
     * The time to judge the draft by, from the chain's clock. Filters use this rather than the system
     * clock, so that limits are deterministic under test.
     */
    Instant now();

    /** A context, for the chain and for unit tests of filters. */
    static FilterContext of(DanmakuSettings settings, Instant now) {
        return new SimpleFilterContext(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(now, "now"));
    }
}

/** The one implementation; package-private so that the API's only promise is the interface. */
record SimpleFilterContext(DanmakuSettings settings, Instant now) implements FilterContext {
}
