package io.edamame.core.api;

/** The state of a component of the platform in {@code /api/v1/health}. */
public enum HealthStatus {
    /** Working. */
    UP,
    /** Working with less than it should have, e.g. some of its media servers unreachable. */
    DEGRADED,
    /** Not working. */
    DOWN
}
