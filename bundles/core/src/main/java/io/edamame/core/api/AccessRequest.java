package io.edamame.core.api;

import java.util.Objects;

/**
 * A request to enter a room or watch its replay.
 *
 * @param tenantId the tenant named by the request (its URL), not by the caller
 * @param roomId the room
 * @param caller who asks, as proven by a bearer token; null for an anonymous viewer
 * @param purpose live or replay
 * @param password the room password the user typed, for {@link RoomAccess#PASSWORD} rooms; else null
 */
public record AccessRequest(long tenantId, long roomId, Caller caller, AccessPurpose purpose, String password) {

    public AccessRequest {
        Objects.requireNonNull(purpose, "purpose");
    }

    public static AccessRequest live(long tenantId, long roomId, Caller caller) {
        return new AccessRequest(tenantId, roomId, caller, AccessPurpose.LIVE, null);
    }

    public static AccessRequest replay(long tenantId, long roomId, Caller caller) {
        return new AccessRequest(tenantId, roomId, caller, AccessPurpose.REPLAY, null);
    }

    public AccessRequest withPassword(String password) {
        return new AccessRequest(tenantId, roomId, caller, purpose, password);
    }

    public boolean isAnonymous() {
        return caller == null;
    }
}
