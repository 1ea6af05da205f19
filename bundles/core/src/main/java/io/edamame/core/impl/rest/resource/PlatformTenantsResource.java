package io.edamame.core.impl.rest.resource;

import io.edamame.core.api.Page;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TenantStatus;
import io.edamame.core.impl.persistence.Rules;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.net.URI;
import javax.annotation.security.RolesAllowed;
import javax.validation.Valid;
import javax.validation.constraints.NotNull;
import javax.validation.constraints.Pattern;
import javax.validation.constraints.Size;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Tenants, for the platform operator (HTTP Basic against the Karaf JAAS realm). */
@Component(service = RestResource.class)
@Path("/platform/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(RestResource.PLATFORM_OPERATOR)
@SecurityRequirement(name = "operator")
public class PlatformTenantsResource implements RestResource {

    public record CreateTenantRequest(
            @NotNull @Pattern(regexp = Rules.SLUG_PATTERN, message = "must be 3 to 40 lower-case letters, digits or dashes")
            String slug,
            @NotNull @Size(min = 1, max = Rules.TENANT_NAME_MAX) String name,
            @NotNull @Pattern(regexp = Rules.USERNAME_PATTERN, message = "must be 3 to 64 letters, digits, '.', '_' or '-'")
            String adminUsername,
            @NotNull @Size(min = Rules.PASSWORD_MIN, max = Rules.PASSWORD_MAX) String adminPassword) {
    }

    private final TenantService tenants;

    @Activate
    public PlatformTenantsResource(@Reference TenantService tenants) {
        this.tenants = tenants;
    }

    @POST
    @Operation(summary = "Create a tenant with its first tenant admin")
    public Response create(@Valid @NotNull CreateTenantRequest request) {
        TenantService.CreatedTenant created = tenants.create(request.slug(), request.name(), request.adminUsername(),
                request.adminPassword());
        return Response.created(URI.create("platform/tenants/" + created.tenant().slug())).entity(created).build();
    }

    @GET
    @Operation(summary = "List tenants")
    public Page<Tenant> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        return tenants.list(Params.page(page, size));
    }

    @GET
    @Path("/{slug}")
    public Tenant get(@PathParam("slug") String slug) {
        return tenants.get(slug);
    }

    @POST
    @Path("/{slug}/suspend")
    @Operation(summary = "Suspend a tenant: its users' tokens are refused from the next request on")
    public Tenant suspend(@PathParam("slug") String slug) {
        return tenants.setStatus(slug, TenantStatus.SUSPENDED);
    }

    @POST
    @Path("/{slug}/activate")
    public Tenant activate(@PathParam("slug") String slug) {
        return tenants.setStatus(slug, TenantStatus.ACTIVE);
    }
}
