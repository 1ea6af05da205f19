package io.edamame.core.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Tenants of the platform. Creating one also creates its first tenant admin. */
@ProviderType
public interface TenantService {

    /** The new tenant and its first admin. */
    record CreatedTenant(Tenant tenant, User admin) {
    }

    /**
     * Creates a tenant with its first admin, all or nothing.
     *
     * @throws EdamameException {@code TENANT_SLUG_TAKEN} if the slug exists, {@code VALIDATION_FAILED}
     *                          for a malformed slug, name or credentials
     */
    CreatedTenant create(String slug, String name, String adminUsername, String adminPassword);

    Page<Tenant> list(PageRequest page);

    long count();

    /** The tenant with this slug, whatever its status. */
    Optional<Tenant> find(String slug);

    Optional<Tenant> find(long tenantId);

    /** @throws EdamameException {@code TENANT_NOT_FOUND} */
    default Tenant get(String slug) {
        return find(slug).orElseThrow(() -> new EdamameException(CoreErrorCode.TENANT_NOT_FOUND,
                "No tenant '" + slug + "'"));
    }

    /** Suspends or re-activates a tenant; the change applies to the next request. */
    Tenant setStatus(String slug, TenantStatus status);
}
