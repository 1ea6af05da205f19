package io.edamame.core.api;

import java.security.Principal;

/** An authenticated user of a tenant, as proven by a bearer token. */
public record Caller(long tenantId, String tenantSlug, long userId, TenantRole role) implements Principal {

    @Override
    public String getName() {
        return tenantSlug + "/" + userId;
    }

    public boolean isTenantAdmin() {
        return role == TenantRole.TENANT_ADMIN;
    }
}
