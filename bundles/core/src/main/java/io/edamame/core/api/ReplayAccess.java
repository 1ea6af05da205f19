package io.edamame.core.api;

/**
 * Who may watch a room's replay ({@link AccessPurpose#REPLAY}), a setting of each room next to its
 * {@link RoomAccess}. The room's host and the tenant's admins may always watch.
 */
public enum ReplayAccess {
    /** Whoever may enter the live: the room's {@link RoomAccess} decides, as for the live. */
    AS_LIVE,
    /**
     * Every user of the tenant and anonymous viewers, even of a {@link RoomAccess#PAID} room; the replay
     * of a {@link RoomAccess#PASSWORD} room still needs the room's password.
     */
    FREE,
    /**
     * Users holding an entitlement, whatever the room's access: answered by the {@link RoomAccessRule}s
     * registered for {@link RoomAccess#PAID}, refused with {@code PAYMENT_REQUIRED} if none grants it.
     */
    PAID
}
