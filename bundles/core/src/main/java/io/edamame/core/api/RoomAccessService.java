package io.edamame.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The access check: may this user enter this room, or watch its replay? Every bundle that lets users
 * into a room or its replay (danmaku, media, billing, the room page) asks here, so that the rules are
 * the same everywhere.
 *
 * <ul>
 *   <li>A room of another tenant, or none, is {@code ROOM_NOT_FOUND}, as everywhere else.</li>
 *   <li>The room's host and the tenant's admins may always enter and watch.</li>
 *   <li>Otherwise the request is decided under an access kind: the room's {@link RoomAccess} for the
 *       live; for the replay, the kind its {@link ReplayAccess} stands for ({@code AS_LIVE}: the room's
 *       access; {@code FREE}: {@code PUBLIC}, or {@code PASSWORD} for a password room; {@code PAID}:
 *       {@code PAID}). The {@link RoomAccessRule} services for that kind decide, and if none answers:
 *       {@code PUBLIC} is open to everyone, anonymous viewers included; {@code PASSWORD} needs the right
 *       password ({@code ROOM_PASSWORD_REQUIRED}, {@code ROOM_PASSWORD_WRONG}); {@code PAID} is refused
 *       with {@code PAYMENT_REQUIRED}, because only a billing rule can grant it.</li>
 * </ul>
 */
@ProviderType
public interface RoomAccessService {

    /** Never throws for a denial: the caller chooses how to answer it. */
    AccessDecision check(AccessRequest request);
}
