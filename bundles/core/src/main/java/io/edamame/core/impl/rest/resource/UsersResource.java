package io.edamame.core.impl.rest.resource;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Page;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService;
import io.edamame.core.impl.persistence.Rules;
import io.swagger.v3.oas.annotations.Operation;
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
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Users of a tenant: admins manage them; everyone reads themselves. */
@Component(service = RestResource.class)
@Path("/tenants/{tenant}/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UsersResource implements RestResource {

    public record CreateUserRequest(
            @NotNull @Pattern(regexp = Rules.USERNAME_PATTERN, message = "must be 3 to 64 letters, digits, '.', '_' or '-'")
            String username,
            @NotNull @Size(min = Rules.PASSWORD_MIN, max = Rules.PASSWORD_MAX) String password,
            @Size(max = Rules.DISPLAY_NAME_MAX) String displayName,
            @NotNull TenantRole role) {
    }

    private final UserService users;

    @Activate
    public UsersResource(@Reference UserService users) {
        this.users = users;
    }

    @GET
    @RolesAllowed(RestResource.TENANT_ADMIN)
    public Page<User> list(@Context SecurityContext security, @QueryParam("page") String page,
                           @QueryParam("size") String size) {
        return users.list(Params.caller(security).tenantId(), Params.page(page, size));
    }

    @POST
    @RolesAllowed(RestResource.TENANT_ADMIN)
    @Operation(summary = "Create a user who signs in with a password (a host, another admin)")
    public Response create(@Context SecurityContext security, @Valid @NotNull CreateUserRequest request) {
        Caller caller = Params.caller(security);
        User user = users.create(caller.tenantId(), new UserService.NewPasswordUser(request.username(),
                request.password(), request.displayName(), request.role()));
        return Response.created(URI.create("tenants/" + caller.tenantSlug() + "/users/" + user.id()))
                .entity(user).build();
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller")
    public User me(@Context SecurityContext security) {
        Caller caller = Params.caller(security);
        return users.get(caller.tenantId(), caller.userId());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A user of the tenant (tenant admins, or the user themself)")
    public User get(@Context SecurityContext security, @PathParam("id") long id) {
        Caller caller = Params.caller(security);
        if (!caller.isTenantAdmin() && caller.userId() != id) {
            throw new EdamameException(CoreErrorCode.FORBIDDEN, "Only tenant admins may read other users");
        }
        return users.get(caller.tenantId(), id);
    }
}
