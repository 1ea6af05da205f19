package io.edamame.core.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A contribution to the access check, registered as an OSGi service (whiteboard) by the bundle that
 * knows the answer: billing answers for {@link RoomAccess#PAID} from tickets and memberships, an
 * integrator may answer for invitation-only rooms. Rules are asked for the access kinds listed in their
 * {@link #ACCESS} property, highest {@code service.ranking} first; the first that does not abstain
 * decides. A rule is not asked about the room's host or a tenant admin, who may always enter.
 *
 * <p>The kind a request is asked under depends on its {@link AccessRequest#purpose() purpose}:
 * <ul>
 *   <li>{@link AccessPurpose#LIVE}: the room's {@link Room#access() access}.</li>
 *   <li>{@link AccessPurpose#REPLAY}: what the room's {@link Room#replayAccess() replayAccess} stands
 *       for: {@link ReplayAccess#AS_LIVE} the room's access; {@link ReplayAccess#FREE}
 *       {@link RoomAccess#PUBLIC}, or {@link RoomAccess#PASSWORD} for a password room;
 *       {@link ReplayAccess#PAID} {@link RoomAccess#PAID}.</li>
 * </ul>
 * So a rule registered for {@code PAID} is asked about live {@code PAID} rooms, about replays of rooms
 * whose {@code replayAccess} is {@code PAID} (whatever their live access), and about replays of
 * {@code PAID} rooms whose {@code replayAccess} is {@code AS_LIVE}; {@code request.purpose()} tells a
 * ticket for the live from one for the replay. It is never asked about a {@code FREE} replay.
 */
@ConsumerType
public interface RoomAccessRule {

    /**
     * Service property: the {@link RoomAccess} names (String or String[]) this rule answers for,
     * e.g. {@code edamame.room.access=PAID}.
     */
    String ACCESS = "edamame.room.access";

    /** The decision for {@code request} about {@code room}, or empty to leave it to the next rule. */
    Optional<AccessDecision> decide(Room room, AccessRequest request);
}
