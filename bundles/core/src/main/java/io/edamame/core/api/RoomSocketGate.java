package io.edamame.core.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The checks every WebSocket of a room makes before anything else, the same for every plugin's endpoint
 * at {@code /ws/<plugin>/{tenant}/{roomId}}: the tenant exists and is active, the tenant has the plugin
 * switched on, the room id is a number, and the token, if one is given, is valid and of that tenant
 * (another tenant's token is refused as if the room did not exist, so that rooms do not leak). Whether
 * the caller may enter the room is the access check's ({@link RoomAccessService}), which the endpoint
 * asks next, with its own purpose.
 */
@ProviderType
public interface RoomSocketGate {

    /**
     * Checks a connection being opened; never throws for a refusal.
     *
     * @param token the bearer token the client sent, or null for an anonymous viewer
     */
    Admission open(String tenantSlug, String roomIdText, String pluginId, String token);

    /** Checks a token sent after opening (a client that cannot put it in the URL), for an admitted connection. */
    Admission signIn(Admission opened, String token);

    /**
     * Checks again, for a connection admitted earlier, what may have changed since: the tenant is still
     * active and still has the plugin on. Endpoints ask before letting an open connection into a room.
     */
    Admission recheck(Admission admitted, String pluginId);

    /**
     * What a gate decided: an admitted connection has its tenant, room and caller (null when anonymous);
     * a refused one has the close code and the error code to close it with.
     */
    record Admission(Tenant tenant, long roomId, Caller caller, int closeCode, ErrorCode refusal) {

        public static Admission admitted(Tenant tenant, long roomId, Caller caller) {
            return new Admission(tenant, roomId, caller, 0, null);
        }

        public static Admission refused(int closeCode, ErrorCode refusal) {
            return new Admission(null, 0, null, closeCode, refusal);
        }

        public boolean isAdmitted() {
            return refusal == null;
        }

        public long tenantId() {
            return tenant.id();
        }
    }
}
