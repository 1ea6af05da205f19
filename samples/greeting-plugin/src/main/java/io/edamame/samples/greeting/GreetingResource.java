package io.edamame.samples.greeting;

import io.edamame.core.api.Caller;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RestResource;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Served under /api/v1 while this bundle runs. The property {@code edamame.plugin.id} makes the core
 * refuse tenants that have not switched the plugin on (403 PLUGIN_DISABLED) before this code runs.
 */
@Component(service = RestResource.class, property = Plugin.PLUGIN_ID + "=" + GreetingPlugin.ID)
@Path("/tenants/{tenant}/greeting")
@Produces(MediaType.APPLICATION_JSON)
public class GreetingResource implements RestResource {

    private final PluginRegistry plugins;

    @Activate
    public GreetingResource(@Reference PluginRegistry plugins) {
        this.plugins = plugins;
    }

    @GET
    public Map<String, Object> greet(@Context SecurityContext security) {
        Caller caller = (Caller) security.getUserPrincipal();
        Map<String, Object> settings = plugins.settings(caller.tenantId(), GreetingPlugin.ID);
        String message = String.valueOf(settings.get("message"));
        int repeat = ((Number) settings.get("repeat")).intValue();
        return Map.of("message", String.join(" ", java.util.Collections.nCopies(repeat, message)),
                "tenant", caller.tenantSlug());
    }
}
