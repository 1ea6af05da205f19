package io.edamame.media.impl.kms;

import io.edamame.core.api.HealthIndicator;
import io.edamame.core.api.HealthReport;
import io.edamame.core.api.HealthStatus;
import io.edamame.media.api.MediaSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Each media server in {@code /api/v1/health}: UP when all are up, DEGRADED when some are, DOWN when
 * none is (media calls then answer {@code MEDIA_UNAVAILABLE}; the rest of the platform is unaffected).
 * Reads this node's view only, so it never waits for a server.
 */
@Component(service = HealthIndicator.class, property = HealthIndicator.NAME + "=" + MediaSettings.PLUGIN_ID)
public class MediaServersHealth implements HealthIndicator {

    private final MediaServers servers;

    @Activate
    public MediaServersHealth(@Reference MediaServers servers) {
        this.servers = servers;
    }

    @Override
    public HealthReport report() {
        List<MediaServer> all = servers.all();
        long up = all.stream().filter(MediaServer::isUp).count();
        List<Map<String, Object>> described = all.stream().map(MediaServersHealth::describe).toList();
        Map<String, Object> details = Map.of("servers", described);
        HealthStatus status = up == all.size() && up > 0 ? HealthStatus.UP : up > 0 ? HealthStatus.DEGRADED
                : HealthStatus.DOWN;
        return new HealthReport(status, details);
    }

    private static Map<String, Object> describe(MediaServer server) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("url", server.url());
        d.put("status", server.state().name());
        d.put("since", server.since().toString());
        d.put("load", server.load());
        if (server.lastError() != null && !server.isUp()) {
            d.put("error", server.lastError());
        }
        return d;
    }
}
