package io.edamame.core.api;

import java.time.Instant;

/** A company, school or brand running its own rooms on the shared platform. */
public record Tenant(long id, String slug, String name, TenantStatus status, Instant createdAt) {

    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }
}
