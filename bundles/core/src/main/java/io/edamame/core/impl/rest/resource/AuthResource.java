package io.edamame.core.impl.rest.resource;

import io.edamame.core.api.RestResource;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService;
import io.edamame.core.impl.persistence.Rules;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import javax.annotation.security.PermitAll;
import javax.validation.Valid;
import javax.validation.constraints.NotNull;
import javax.validation.constraints.Size;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

@Component(service = RestResource.class)
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AuthResource implements RestResource {

    public record LoginRequest(
            @NotNull @Size(max = 40) String tenant,
            @NotNull @Size(max = 64) String username,
            @NotNull @Size(max = Rules.PASSWORD_MAX) String password) {
    }

    public record LoginResponse(String token, String tokenType, Instant expiresAt, User user) {
    }

    private final UserService users;
    private final TenantService tenants;
    private final TokenService tokens;

    @Activate
    public AuthResource(@Reference UserService users, @Reference TenantService tenants, @Reference TokenService tokens) {
        this.users = users;
        this.tenants = tenants;
        this.tokens = tokens;
    }

    @POST
    @Path("/login")
    @PermitAll
    @Operation(summary = "Exchange a tenant user's password for a bearer token")
    public LoginResponse login(@Valid @NotNull LoginRequest request) {
        User user = users.authenticate(request.tenant(), request.username(), request.password());
        Tenant tenant = tenants.get(request.tenant());
        TokenService.AccessToken token = tokens.issue(tenant, user);
        return new LoginResponse(token.token(), "Bearer", token.expiresAt(), user);
    }
}
