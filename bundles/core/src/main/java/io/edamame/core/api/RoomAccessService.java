package io.edamame.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The access check: may this user enter this room, or watch its replay? Every bundle that lets users
 * into a room (danmaku, media, the room page) asks here, so that the rules are the same everywhere.
 *
 * <ul>
 *   <li>A room of another tenant, or none, is {@code ROOM_NOT_FOUND}, as everywhere else.</li>
 *   <li>The room's host and the tenant's admins may always enter.</li>
 *   <li>Otherwise the {@link RoomAccessRule} services for the room's access decide, and if none
 *       answers: {@code PUBLIC} rooms are open to everyone, anonymous viewers included;
 *       {@code PASSWORD} rooms need the right password ({@code ROOM_PASSWORD_REQUIRED},
 *       {@code ROOM_PASSWORD_WRONG}); {@code PAID} rooms are refused with {@code PAYMENT_REQUIRED},
 *       because only a billing rule can grant them.</li>
 * </ul>
 */
@ProviderType
public interface RoomAccessService {

    /** Never throws for a denial: the caller chooses how to answer it. */
    AccessDecision check(AccessRequest request);
}
