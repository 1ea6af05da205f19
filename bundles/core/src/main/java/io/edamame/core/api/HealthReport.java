package io.edamame.core.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link HealthIndicator} says about its component. The details appear in {@code /api/v1/health}
 * beside the status, in their order, as JSON (strings, numbers, booleans, lists and maps); {@code /health}
 * is public, so they must carry nothing secret and no tenant's data.
 *
 * @param status the component's status
 * @param details further facts, e.g. {@code {"servers": 2, "reachable": 1}}; none is named {@code status}
 */
public record HealthReport(HealthStatus status, Map<String, Object> details) {

    public HealthReport {
        Objects.requireNonNull(status, "status");
        if (details == null) {
            details = Map.of();
        } else {
            if (details.containsKey("status")) {
                throw new IllegalArgumentException("a detail cannot be named 'status'; that is the report's status");
            }
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    public static HealthReport up(Map<String, Object> details) {
        return new HealthReport(HealthStatus.UP, details);
    }

    public static HealthReport degraded(Map<String, Object> details) {
        return new HealthReport(HealthStatus.DEGRADED, details);
    }

    public static HealthReport down(Map<String, Object> details) {
        return new HealthReport(HealthStatus.DOWN, details);
    }
}
