package io.edamame.core.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Marker of a JAX-RS resource served under {@code /api/v1}: register the annotated object as a service
 * of this type (a DS component) and it is served while its bundle runs. Set {@link Plugin#PLUGIN_ID}
 * to have tenants without the plugin switched on refused with {@code PLUGIN_DISABLED}.
 *
 * <p>Security: by default a resource needs a bearer token of the tenant named by the {@code {tenant}}
 * path parameter. {@code @PermitAll} opens a method to anyone, {@code @RolesAllowed(TENANT_ADMIN)}
 * restricts it to tenant admins. The caller is the principal of the JAX-RS {@code SecurityContext}.
 */
@ConsumerType
public interface RestResource {

    /** Path parameter that names the tenant in tenant-scoped paths. */
    String TENANT_PARAM = "tenant";

    /** Role of the platform operator (HTTP Basic against the Karaf JAAS realm). */
    String PLATFORM_OPERATOR = "PLATFORM_OPERATOR";

    /** Role of tenant admins. */
    String TENANT_ADMIN = "TENANT_ADMIN";

    /** Role of every user of the tenant. */
    String MEMBER = "MEMBER";
}
