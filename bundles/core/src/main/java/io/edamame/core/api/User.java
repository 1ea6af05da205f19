package io.edamame.core.api;

import java.time.Instant;

/**
 * A person within one tenant. {@code username} is set for users who sign in with a password
 * (admins, hosts); users arriving from WeChat or by phone are known by their external identities.
 */
public record User(long id, long tenantId, String username, String displayName, String avatarUrl,
                   TenantRole role, Instant createdAt) {

    public boolean isTenantAdmin() {
        return role == TenantRole.TENANT_ADMIN;
    }
}
