package io.edamame.core.impl.rest.resource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edamame.core.api.HealthIndicator;
import io.edamame.core.api.HealthReport;
import io.edamame.core.api.HealthStatus;
import io.edamame.core.api.PluginInfo;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RestResource;
import io.edamame.core.impl.rest.Json;
import io.swagger.v3.oas.annotations.Operation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.annotation.security.PermitAll;
import javax.sql.DataSource;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: the database, the installed plugins and every {@link HealthIndicator}. Only the
 * database makes it answer 503; a component that is not UP makes the status DEGRADED, because the rest
 * of the platform still works without it.
 *
 * <p>Indicators are called together, while the database is checked, on threads of this resource, and
 * waited for {@link #REPORT_TIMEOUT} at most, so that a hung one costs a request 2 s, not forever. An
 * indicator still busy with an earlier call is not called again: the request waits for that call, which
 * bounds the threads to one per indicator.
 */
@Component(service = RestResource.class)
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class HealthResource implements RestResource {

    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(HealthResource.class);
    private static final ObjectMapper JSON = Json.mapper();

    private final DataSource dataSource;
    private final PluginRegistry plugins;
    private final Duration timeout;
    private final ExecutorService executor;
    private final Map<Long, Indicator> indicators = new ConcurrentHashMap<>();

    /** A registered indicator, its call in progress, and whether it failed last time (to log changes only). */
    private static final class Indicator {
        final HealthIndicator service;
        final String name;
        final long serviceId;
        private CompletableFuture<ObjectNode> running;
        private boolean failing;

        Indicator(HealthIndicator service, String name, long serviceId) {
            this.service = service;
            this.name = name;
            this.serviceId = serviceId;
        }

        synchronized CompletableFuture<ObjectNode> call(ExecutorService executor) {
            if (running == null || running.isDone()) {
                try {
                    running = CompletableFuture.supplyAsync(() -> component(service.report()), executor);
                } catch (RejectedExecutionException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            return running;
        }

        /** Answers whether this changes the indicator from working to failing or back. */
        synchronized boolean failing(boolean now) {
            boolean changed = failing != now;
            failing = now;
            return changed;
        }
    }

    @Activate
    public HealthResource(@Reference(target = "(osgi.jndi.service.name=edamame)") DataSource dataSource,
                          @Reference PluginRegistry plugins) {
        this(dataSource, plugins, REPORT_TIMEOUT);
    }

    HealthResource(DataSource dataSource, PluginRegistry plugins, Duration timeout) {
        this.dataSource = dataSource;
        this.plugins = plugins;
        this.timeout = timeout;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "edamame-health-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Reference(service = HealthIndicator.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "removeIndicator", updated = "updateIndicator")
    void addIndicator(HealthIndicator indicator, Map<String, Object> properties) {
        long serviceId = (Long) properties.get(Constants.SERVICE_ID);
        if (!(properties.get(HealthIndicator.NAME) instanceof String name) || name.isBlank()) {
            LOG.warn("HEALTH indicator {}: no {} property, so it is not reported", serviceId, HealthIndicator.NAME);
            return;
        }
        indicators.put(serviceId, new Indicator(indicator, name.strip(), serviceId));
    }

    void removeIndicator(HealthIndicator indicator, Map<String, Object> properties) {
        indicators.remove((Long) properties.get(Constants.SERVICE_ID));
    }

    void updateIndicator(HealthIndicator indicator, Map<String, Object> properties) {
        removeIndicator(indicator, properties);
        addIndicator(indicator, properties);
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    @GET
    @Operation(summary = "The database, the installed plugins and the platform's components; "
            + "503 only when the database does not answer")
    public Response health() {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Indicator, CompletableFuture<ObjectNode>> calls = new LinkedHashMap<>();
        indicators.values().stream().sorted(Comparator.comparingLong(indicator -> indicator.serviceId))
                .forEach(indicator -> calls.put(indicator, indicator.call(executor)));
        Map<String, Object> database = new LinkedHashMap<>();
        boolean up;
        try (Connection connection = dataSource.getConnection()) {
            up = connection.isValid(2);
            database.put("status", up ? "UP" : "DOWN");
            database.put("product", connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            up = false;
            database.put("status", "DOWN");
            database.put("error", e.getMessage());
        }
        List<Map<String, String>> installed = plugins.installed().stream()
                .map((PluginInfo p) -> Map.of("id", p.id(), "version", p.version(), "status", "INSTALLED")).toList();
        Map<String, ObjectNode> components = new TreeMap<>();
        Set<String> names = new HashSet<>();
        calls.forEach((indicator, call) -> {
            // The older service keeps the name, so that a newcomer cannot hide it.
            String name = names.add(indicator.name) ? indicator.name : indicator.name + "#" + indicator.serviceId;
            components.put(name, await(indicator, call, deadline));
        });
        boolean allUp = components.values().stream()
                .allMatch(component -> HealthStatus.UP.name().equals(component.path("status").asText()));
        HealthStatus status = !up ? HealthStatus.DOWN : allUp ? HealthStatus.UP : HealthStatus.DEGRADED;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.name());
        body.put("database", database);
        body.put("plugins", installed);
        body.put("components", components);
        return Response.status(up ? 200 : 503).entity(body).build();
    }

    private ObjectNode await(Indicator indicator, CompletableFuture<ObjectNode> call, long deadline) {
        try {
            ObjectNode component = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (indicator.failing(false)) {
                LOG.info("HEALTH {}: the indicator reports again", indicator.name);
            }
            return component;
        } catch (TimeoutException e) {
            return failed(indicator, "no report within " + timeout.toMillis() + " ms", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return failed(indicator, cause.getMessage() == null ? cause.getClass().getName()
                    : cause.getClass().getName() + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(indicator, "interrupted", null);
        }
    }

    private static ObjectNode failed(Indicator indicator, String error, Throwable cause) {
        if (indicator.failing(true)) {
            LOG.warn("HEALTH {}: the indicator failed, reported DOWN until it reports again: {}",
                    indicator.name, error, cause);
        }
        ObjectNode component = JSON.createObjectNode();
        component.put("status", HealthStatus.DOWN.name());
        component.put("error", error);
        return component;
    }

    /** The report as JSON, made on the indicator's thread so that odd details fail only this component. */
    private static ObjectNode component(HealthReport report) {
        if (report == null) {
            throw new IllegalStateException("returned no report");
        }
        ObjectNode component = JSON.createObjectNode();
        component.put("status", report.status().name());
        component.setAll((ObjectNode) JSON.valueToTree(report.details()));
        return component;
    }
}
