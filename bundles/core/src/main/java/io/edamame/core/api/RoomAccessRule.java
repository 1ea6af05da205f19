package io.edamame.core.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A contribution to the access check, registered as an OSGi service (whiteboard) by the bundle that
 * knows the answer: billing answers for {@link RoomAccess#PAID} rooms from tickets and memberships,
 * an integrator may answer for invitation-only rooms. Rules are asked for the rooms whose access is
 * listed in their {@link #ACCESS} property, highest {@code service.ranking} first; the first that
 * does not abstain decides. A rule is not asked about the room's host or a tenant admin, who may
 * always enter.
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
