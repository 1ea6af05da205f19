package io.edamame.core.api;

/** A user's role in their tenant. */
public enum TenantRole {
    /** Runs the tenant: users, rooms, plugins and their settings. */
    TENANT_ADMIN,
    /** Any other user: hosts and viewers. */
    MEMBER
}
