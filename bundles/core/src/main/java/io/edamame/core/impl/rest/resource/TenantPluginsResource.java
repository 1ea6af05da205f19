package io.edamame.core.impl.rest.resource;

import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.TenantPlugin;
import io.edamame.core.impl.plugin.SettingsSchema;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.validation.Valid;
import javax.validation.constraints.NotNull;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** A tenant's plugins: which are on, and their settings (secrets never returned). */
@Component(service = RestResource.class)
@Path("/tenants/{tenant}/plugins")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(RestResource.TENANT_ADMIN)
public class TenantPluginsResource implements RestResource {

    /**
     * A plugin as the tenant has it. {@code settings} leaves out the secret ones; {@code secretsSet} names
     * the secret settings that have a value, sorted, so that an admin can see that a secret is configured.
     */
    public record PluginView(String id, String name, String version, String description,
                             Map<String, Object> settingsSchema, boolean enabled, Map<String, Object> settings,
                             List<String> secretsSet) {

        static PluginView of(TenantPlugin plugin) {
            SettingsSchema schema = new SettingsSchema(plugin.plugin().settingsSchema());
            return new PluginView(plugin.plugin().id(), plugin.plugin().name(), plugin.plugin().version(),
                    plugin.plugin().description(), plugin.plugin().settingsSchema(), plugin.enabled(),
                    schema.redacted(plugin.settings()), schema.secretsSet(plugin.settings()));
        }
    }

    /**
     * {@code settings} omitted keeps the saved ones; secret settings omitted keep their saved values, and a
     * setting given as {@code null} is removed.
     */
    public record SwitchRequest(@NotNull Boolean enabled, Map<String, Object> settings) {
    }

    private final PluginRegistry plugins;

    @Activate
    public TenantPluginsResource(@Reference PluginRegistry plugins) {
        this.plugins = plugins;
    }

    @GET
    @Operation(summary = "Every installed plugin, with this tenant's switch and settings")
    public List<PluginView> list(@Context SecurityContext security) {
        return plugins.forTenant(Params.caller(security).tenantId()).stream().map(PluginView::of).toList();
    }

    @GET
    @Path("/{pluginId}")
    public PluginView get(@Context SecurityContext security, @PathParam("pluginId") String pluginId) {
        return PluginView.of(plugins.forTenant(Params.caller(security).tenantId(), pluginId));
    }

    @PUT
    @Path("/{pluginId}")
    @Operation(summary = "Switch a plugin on or off for this tenant and set its settings; effective on the next request")
    public PluginView configure(@Context SecurityContext security, @PathParam("pluginId") String pluginId,
                                @Valid @NotNull SwitchRequest request) {
        return PluginView.of(plugins.configure(Params.caller(security).tenantId(), pluginId, request.enabled(),
                request.settings()));
    }
}
