package io.edamame.core.api;

/** Who may enter a room while it is live; who may watch its replay is its {@link ReplayAccess}. */
public enum RoomAccess {
    /** Every user of the tenant. */
    PUBLIC,
    /** Users who know the room's password. */
    PASSWORD,
    /** Users holding an entitlement (answered by the billing plugin through the access check). */
    PAID
}
