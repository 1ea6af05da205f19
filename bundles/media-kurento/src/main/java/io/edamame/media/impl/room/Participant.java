package io.edamame.media.impl.room;

import io.edamame.core.api.Caller;
import io.edamame.core.api.RoomRole;
import io.edamame.core.api.TenantRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kurento.client.IceCandidate;
import org.kurento.client.WebRtcEndpoint;

/**
 * One connection in a room. Its fields are guarded by the room's lock; the endpoints are used
 * outside it. A participant publishes at most one stream, which other participants name by its
 * {@link #id}; it subscribes to any number, named by their publisher ids.
 */
final class Participant {

    /** ICE candidates kept for one endpoint that does not exist yet. */
    static final int MAX_PENDING_CANDIDATES = 100;
    /** Endpoints that may have candidates waiting at once. */
    static final int MAX_PENDING_ENDPOINTS = 32;

    final String id;
    final Caller caller;
    final String name;
    final SignalingPeer peer;
    RoomRole role;
    boolean handRaised;
    boolean muted;
    /** The publishing endpoint, once its SDP is answered. */
    WebRtcEndpoint publishing;
    /** Set while a publish is being negotiated, so that a second one is refused. */
    boolean publishPending;
    /** The endpoint feeding this publisher into the recording, if the room records. */
    org.kurento.client.HubPort recordingPort;
    /** Publisher id → the endpoint receiving that publisher's stream. */
    final Map<String, WebRtcEndpoint> subscriptions = new HashMap<>();
    /** Publisher ids whose subscription is being negotiated. */
    final java.util.Set<String> subscriptionsPending = new java.util.HashSet<>();
    /** Endpoint key (a publisher id) → candidates that came before their endpoint. */
    private final Map<String, List<IceCandidate>> pendingCandidates = new LinkedHashMap<>();
    boolean left;

    Participant(String id, Caller caller, String name, RoomRole role, SignalingPeer peer) {
        this.id = id;
        this.caller = caller;
        this.name = name;
        this.role = role;
        this.peer = peer;
    }

    long userId() {
        return caller == null ? 0 : caller.userId();
    }

    /** Whether everyone is told about this participant: the host, speakers and tenant admins, not the audience. */
    boolean isVisible() {
        return role != RoomRole.AUDIENCE || isModerator();
    }

    boolean isModerator() {
        return role == RoomRole.HOST || (caller != null && caller.role() == TenantRole.TENANT_ADMIN);
    }

    /** Keeps a candidate for later; false when this participant has too many waiting. */
    boolean bufferCandidate(String endpointKey, IceCandidate candidate) {
        List<IceCandidate> waiting = pendingCandidates.get(endpointKey);
        if (waiting == null) {
            if (pendingCandidates.size() >= MAX_PENDING_ENDPOINTS) {
                return false;
            }
            waiting = new ArrayList<>();
            pendingCandidates.put(endpointKey, waiting);
        }
        if (waiting.size() >= MAX_PENDING_CANDIDATES) {
            return false;
        }
        waiting.add(candidate);
        return true;
    }

    /** The candidates waiting for an endpoint, removed. */
    List<IceCandidate> takeCandidates(String endpointKey) {
        List<IceCandidate> waiting = pendingCandidates.remove(endpointKey);
        return waiting == null ? List.of() : waiting;
    }

    void forgetCandidates(String endpointKey) {
        pendingCandidates.remove(endpointKey);
    }

    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("participantId", id);
        d.put("userId", caller == null ? null : caller.userId());
        d.put("name", name);
        d.put("role", role.name());
        d.put("publishing", publishing != null);
        d.put("muted", muted);
        return d;
    }
}
