package io.edamame.core.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The health of one component of the platform, registered as an OSGi service (whiteboard) by the
 * bundle that owns it, e.g. the media bundle for its media servers. {@code GET /api/v1/health} lists
 * every indicator under {@code "components"}, by the name in its {@link #NAME} property:
 * {@code "components": {"media-kurento": {"status": "DOWN", ...details}}}.
 *
 * <p>A component that is not {@link HealthStatus#UP} makes the platform's status {@code DEGRADED} but
 * never makes {@code /health} answer 503: only the database does. A load balancer must keep sending
 * traffic to a node whose media servers are down, because rooms, danmaku and everything else still work.
 *
 * <p>The report is asked for on each {@code /health} request, on a thread of the core, and is waited for
 * 2 seconds at most: an indicator that throws, answers null or is slower is reported {@code DOWN} with
 * an {@code "error"}. While a call is still running, the indicator is not called again; later requests
 * wait for that call instead.
 */
@ConsumerType
public interface HealthIndicator {

    /**
     * Service property (String): the component's name in the report, e.g. {@code media-kurento}; unique
     * among indicators. An indicator without one is not reported; a second indicator with a name already
     * taken is reported as {@code <name>#<service.id>}.
     */
    String NAME = "edamame.health.name";

    /**
     * The component's health now. Must be quick (answer from state the component keeps, rather than
     * probe a server on the calling thread) and must not throw.
     */
    HealthReport report();
}
