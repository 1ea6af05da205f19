package io.edamame.core.api;

/** Whether a tenant's users may use the platform. A suspended tenant's tokens are refused. */
public enum TenantStatus {
    ACTIVE, SUSPENDED
}
