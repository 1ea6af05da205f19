package io.edamame.core.impl.rest;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.core.impl.auth.OperatorAuthenticator;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import javax.annotation.Priority;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

/**
 * Authenticates and authorises every request from the matched resource method's annotations:
 * {@code @PermitAll} is open; {@code @RolesAllowed(PLATFORM_OPERATOR)} takes HTTP Basic against the
 * JAAS realm; everything else takes a bearer token of the tenant named in the path (another tenant's
 * token answers 404, as if the tenant did not exist), and {@code @RolesAllowed(TENANT_ADMIN)} takes an
 * admin's. A resource of a plugin is refused with {@code PLUGIN_DISABLED} unless the tenant switched it on.
 */
@Priority(Priorities.AUTHENTICATION)
public class SecurityFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    private final TokenService tokens;
    private final OperatorAuthenticator operators;
    private final TenantService tenants;
    private final PluginRegistry plugins;
    /** Resource class to the plugin it belongs to; core resources are absent. */
    private final Map<Class<?>, String> pluginOfResource;

    @Context
    private ResourceInfo resourceInfo;

    public SecurityFilter(TokenService tokens, OperatorAuthenticator operators, TenantService tenants,
                          PluginRegistry plugins, Map<Class<?>, String> pluginOfResource) {
        this.tokens = tokens;
        this.operators = operators;
        this.tenants = tenants;
        this.plugins = plugins;
        this.pluginOfResource = Map.copyOf(pluginOfResource);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resourceInfo.getResourceMethod();
        Class<?> resource = resourceInfo.getResourceClass();
        if (method == null || resource == null || !RestResource.class.isAssignableFrom(resource)) {
            return; // the API's own description
        }
        String tenantSlug = request.getUriInfo().getPathParameters().getFirst(RestResource.TENANT_PARAM);
        Caller caller = null;
        if (!isPermitAll(method, resource)) {
            Set<String> roles = rolesAllowed(method, resource);
            if (roles.contains(RestResource.PLATFORM_OPERATOR)) {
                authenticateOperator(request);
                return;
            }
            caller = authenticateCaller(request, tenantSlug);
            if (roles.contains(RestResource.TENANT_ADMIN) && !roles.contains(RestResource.MEMBER)
                    && !caller.isTenantAdmin()) {
                throw new EdamameException(CoreErrorCode.FORBIDDEN, "Only tenant admins may do this");
            }
        }
        String pluginId = pluginOfResource.get(resource);
        if (pluginId != null && tenantSlug != null) {
            long tenantId = caller != null ? caller.tenantId() : tenants.find(tenantSlug).filter(Tenant::isActive)
                    .map(Tenant::id).orElseThrow(() -> tenantNotFound(tenantSlug));
            plugins.requireEnabled(tenantId, pluginId);
        }
    }

    private Caller authenticateCaller(ContainerRequestContext request, String tenantSlug) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new EdamameException(CoreErrorCode.UNAUTHENTICATED, "A bearer token is required");
        }
        Caller caller = tokens.verify(header.substring(BEARER.length()).trim());
        if (tenantSlug != null && !tenantSlug.equals(caller.tenantSlug())) {
            throw tenantNotFound(tenantSlug);
        }
        Set<String> roles = caller.isTenantAdmin() ? Set.of(RestResource.TENANT_ADMIN, RestResource.MEMBER)
                : Set.of(RestResource.MEMBER);
        request.setSecurityContext(new ApiSecurityContext(caller, roles, request.getSecurityContext().isSecure(),
                "Bearer"));
        return caller;
    }

    private void authenticateOperator(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    char[] password = decoded.substring(colon + 1).toCharArray();
                    try {
                        var operator = operators.authenticate(decoded.substring(0, colon), password);
                        if (operator.isPresent()) {
                            request.setSecurityContext(new ApiSecurityContext(
                                    new ApiSecurityContext.Operator(operator.get()),
                                    Set.of(RestResource.PLATFORM_OPERATOR), request.getSecurityContext().isSecure(),
                                    SecurityContext.BASIC_AUTH));
                            return;
                        }
                    } finally {
                        Arrays.fill(password, '\0');
                    }
                }
            } catch (IllegalArgumentException e) {
                // not Base64: refused below like any other bad credentials
            }
        }
        request.abortWith(Response.fromResponse(ErrorBody.response(CoreErrorCode.UNAUTHENTICATED,
                        "Platform operator credentials are required", null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"edamame-platform\"").build());
    }

    private static EdamameException tenantNotFound(String slug) {
        return new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No tenant '" + slug + "'");
    }

    private static boolean isPermitAll(Method method, Class<?> resource) {
        if (method.isAnnotationPresent(PermitAll.class)) {
            return true;
        }
        return !method.isAnnotationPresent(RolesAllowed.class) && resource.isAnnotationPresent(PermitAll.class);
    }

    private static Set<String> rolesAllowed(Method method, Class<?> resource) {
        RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
        if (allowed == null) {
            allowed = resource.getAnnotation(RolesAllowed.class);
        }
        return allowed == null ? Set.of(RestResource.MEMBER) : Set.of(allowed.value());
    }
}
