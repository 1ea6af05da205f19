package io.edamame.core.impl.rest;

import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.core.impl.auth.OperatorAuthenticator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.servlet.Servlet;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.validation.Validation;
import javax.validation.ValidatorFactory;
import org.apache.cxf.validation.BeanValidationProvider;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /api/v1}: every {@link RestResource} service of every bundle, in one JAX-RS application,
 * so that plugins' paths can live under the core's ({@code /tenants/{tenant}/...}). Resources are
 * tracked dynamically; each change builds a new {@link ApiGeneration} while the current one keeps
 * serving, so installing or removing a plugin never fails a request to anything else.
 */
@Component(service = Servlet.class, configurationPid = "io.edamame.core.api",
        property = {
                "osgi.http.whiteboard.servlet.pattern=/api/v1/*",
                "osgi.http.whiteboard.servlet.name=edamame-api",
                "osgi.http.whiteboard.servlet.asyncSupported=true"
        })
@Designate(ocd = ApiServlet.Config.class)
public class ApiServlet extends HttpServlet {

    @ObjectClassDefinition(name = "Edamame REST API")
    public @interface Config {
        @AttributeDefinition(name = "Largest request body (bytes)", min = "1024")
        int max_body_bytes() default 65_536;
    }

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    /** Resources of one bundle arrive one by one; one rebuild serves them all. */
    private static final long REBUILD_DELAY_MILLIS = 25;

    private final transient TokenService tokens;
    private final transient OperatorAuthenticator operators;
    private final transient TenantService tenants;
    private final transient PluginRegistry plugins;
    private final int maxBodyBytes;
    private final transient Map<RestResource, String> resources = new ConcurrentHashMap<>();
    private final transient AtomicReference<ApiGeneration> current = new AtomicReference<>();
    private final transient AtomicBoolean rebuildPending = new AtomicBoolean();
    private final transient ScheduledExecutorService rebuilder = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "edamame-api-rebuild"));
    private transient ValidatorFactory validatorFactory;
    private volatile boolean initialised;

    @Activate
    public ApiServlet(@Reference TokenService tokens, @Reference OperatorAuthenticator operators,
                      @Reference TenantService tenants, @Reference PluginRegistry plugins, Config config) {
        this.tokens = tokens;
        this.operators = operators;
        this.tenants = tenants;
        this.plugins = plugins;
        this.maxBodyBytes = config.max_body_bytes();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addResource(RestResource resource, Map<String, Object> properties) {
        Object plugin = properties.get(Plugin.PLUGIN_ID);
        resources.put(resource, plugin == null ? "" : plugin.toString());
        scheduleRebuild();
    }

    /** Removal rebuilds at once, so that no request reaches a resource whose bundle is stopping. */
    void removeResource(RestResource resource) {
        if (resources.remove(resource) != null && initialised) {
            rebuild();
        }
    }

    @Override
    public void init() throws ServletException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(HibernateValidator.class.getClassLoader());
        try {
            validatorFactory = Validation.byProvider(HibernateValidator.class)
                    .providerResolver(() -> List.of(new HibernateValidator()))
                    .configure()
                    .messageInterpolator(new ParameterMessageInterpolator())
                    .buildValidatorFactory();
        } finally {
            thread.setContextClassLoader(previous);
        }
        initialised = true;
        rebuild();
    }

    private void scheduleRebuild() {
        if (initialised && rebuildPending.compareAndSet(false, true)) {
            rebuilder.schedule(() -> {
                rebuildPending.set(false);
                rebuild();
            }, REBUILD_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void rebuild() {
        if (!initialised) {
            return;
        }
        long started = System.nanoTime();
        Map<RestResource, String> snapshot = new HashMap<>(resources);
        List<Object> served = new ArrayList<>(snapshot.keySet());
        Map<Class<?>, String> pluginOfResource = new HashMap<>();
        snapshot.forEach((resource, plugin) -> {
            if (!plugin.isEmpty()) {
                pluginOfResource.put(resource.getClass(), plugin);
            }
        });
        List<Object> all = new ArrayList<>(served);
        all.add(new OpenApiResource(served));
        List<Object> providers = List.of(
                new JacksonJsonProvider(Json.mapper()),
                new BodyLimitFilter(maxBodyBytes),
                new SecurityFilter(tokens, operators, tenants, plugins, pluginOfResource),
                new EdamameExceptionMapper(),
                new WebApplicationExceptionMapper(),
                new JsonExceptionMapper(),
                new ConstraintViolationMapper(),
                new UnexpectedExceptionMapper());
        try {
            ApiGeneration next = ApiGeneration.build(getServletConfig(), all, providers,
                    new BeanValidationProvider(validatorFactory));
            ApiGeneration previous = current.getAndSet(next);
            if (previous != null) {
                previous.retire();
            }
            LOG.info("REST: serving {} resources ({} of plugins), rebuilt in {} ms", served.size(),
                    pluginOfResource.size(), (System.nanoTime() - started) / 1_000_000);
        } catch (ServletException | RuntimeException e) {
            LOG.error("REST: could not build the API; the previous one keeps serving", e);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        while (true) {
            ApiGeneration generation = current.get();
            if (generation == null) {
                response.setStatus(503);
                response.setContentType("application/json");
                response.getWriter().write("{\"code\":\"" + CoreErrorCode.SERVICE_UNAVAILABLE.name()
                        + "\",\"message\":\"The API is starting\",\"details\":null}");
                return;
            }
            if (generation.enter()) {
                try {
                    generation.service(request, response);
                } finally {
                    generation.leave();
                }
                return;
            }
        }
    }

    @Override
    public void destroy() {
        initialised = false;
        ApiGeneration last = current.getAndSet(null);
        if (last != null) {
            last.retire();
        }
        if (validatorFactory != null) {
            validatorFactory.close();
        }
    }

    @Deactivate
    void deactivate() {
        rebuilder.shutdownNow();
        destroy();
    }
}
