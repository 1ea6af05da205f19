package io.edamame.media.impl.room;

import io.edamame.core.api.Caller;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomRole;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.RoomType;
import io.edamame.media.api.MediaErrorCode;
import io.edamame.media.impl.kms.MediaServer;
import io.edamame.media.impl.store.RecordingStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kurento.client.HubPort;
import org.kurento.client.IceCandidate;
import org.kurento.client.MediaType;
import org.kurento.client.TFuture;
import org.kurento.client.Transaction;
import org.kurento.client.WebRtcEndpoint;
import org.kurento.client.internal.server.KurentoServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of one room on this node: its participants and roles, raised hands, and the Kurento
 * objects that carry its audio and video (an SFU: every subscriber gets an endpoint of its own,
 * connected from the publisher's).
 *
 * <p>The room's state is guarded by its monitor. Kurento calls that a participant's request needs
 * (creating an endpoint, answering an SDP offer) run outside it, so that one slow negotiation never
 * holds up the room; their result is committed under the monitor only if the participant, the
 * publisher and the room's media are still the same, and released otherwise. Building and tearing
 * down the room's media are serialised by {@link #mediaLock}.
 */
public final class MediaRoom {

    static final int MAX_SDP_LENGTH = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MediaRoom.class);

    final RoomKey key;
    final RoomType type;
    final long hostUserId;
    private final RoomServices services;
    private final Object mediaLock = new Object();
    private final Map<String, Participant> participants = new LinkedHashMap<>();
    private RoomStatus status;
    private RoomMedia media;
    private Instant emptySince;

    MediaRoom(Room room, RoomServices services) {
        this.key = new RoomKey(room.tenantId(), room.id());
        this.type = room.type();
        this.hostUserId = room.hostUserId();
        this.status = room.status();
        this.services = services;
        this.emptySince = services.now();
    }

    public synchronized RoomStatus status() {
        return status;
    }

    public synchronized int participantCount() {
        return participants.size();
    }

    public synchronized String pipelineId() {
        return media == null ? null : media.pipeline.getId();
    }

    synchronized boolean hasMediaOn(MediaServer server) {
        return media != null && media.server == server;
    }

    // ---- joining and leaving --------------------------------------------------------------------

    /** Adds a participant; the result tells them who is here and what they may do. */
    /**
     * Adds a participant; the result tells them who is here and what they may do. Audience members are
     * announced to moderators only, and only moderators get the whole audience in their result: told to
     * everyone, a room of n viewers would cost n² notifications to fill.
     */
    public Map<String, Object> join(String participantId, Caller caller, String name, SignalingPeer peer) {
        List<Delivery> out = new ArrayList<>();
        Map<String, Object> result;
        synchronized (this) {
            if (status == RoomStatus.ENDED) {
                throw new EdamameException(MediaErrorCode.ROOM_NOT_LIVE, "The room has ended");
            }
            RoomRole role = caller != null && caller.userId() == hostUserId ? RoomRole.HOST : RoomRole.AUDIENCE;
            Participant participant = new Participant(participantId, caller, name, role, peer);
            Notification joined = new Notification("participantJoined", participant.describe());
            boolean moderator = participant.isModerator();
            List<Map<String, Object>> others = new ArrayList<>();
            List<String> raisedHands = new ArrayList<>();
            for (Participant other : participants.values()) {
                if (moderator || other.isVisible()) {
                    others.add(other.describe());
                }
                if (moderator && other.handRaised) {
                    raisedHands.add(other.id);
                }
                if (participant.isVisible() || other.isModerator()) {
                    out.add(new Delivery(other.peer, joined));
                }
            }
            participants.put(participantId, participant);
            emptySince = null;
            result = new LinkedHashMap<>(joined.params());
            result.put("roomType", type.name());
            result.put("roomStatus", status.name());
            result.put("participants", others);
            result.put("participantCount", participants.size());
            result.put("maxSpeakers", services.maxSpeakers(key.tenantId()));
            if (moderator) {
                result.put("raisedHands", raisedHands);
            }
        }
        deliver(out);
        return result;
    }

    /** Removes a participant and releases everything they held. Safe to call twice. */
    public void leave(String participantId) {
        List<WebRtcEndpoint> toRelease = new ArrayList<>();
        List<Delivery> out = new ArrayList<>();
        RoomMedia current;
        synchronized (this) {
            Participant participant = participants.remove(participantId);
            if (participant == null) {
                return;
            }
            participant.left = true;
            current = media;
            collectPublication(participant, toRelease, out);
            toRelease.addAll(participant.subscriptions.values());
            participant.subscriptions.clear();
            if (participants.isEmpty()) {
                emptySince = services.now();
            }
            Notification left = new Notification("participantLeft", Map.of("participantId", participantId));
            for (Participant other : participants.values()) {
                if (participant.isVisible() || other.isModerator()) {
                    out.add(new Delivery(other.peer, left));
                }
            }
        }
        deliver(out);
        release(current, toRelease);
    }

    // ---- publishing -----------------------------------------------------------------------------

    /** Answers the participant's SDP offer with their publishing endpoint's answer. */
    public String publish(String participantId, String sdpOffer) {
        checkSdp(sdpOffer);
        synchronized (this) {
            Participant participant = joined(participantId);
            requireLive();
            if (participant.role == RoomRole.AUDIENCE) {
                throw new EdamameException(MediaErrorCode.NOT_ALLOWED,
                        "Only the host and accepted speakers publish; raise your hand first");
            }
            if (participant.publishing != null || participant.publishPending) {
                throw new EdamameException(MediaErrorCode.ALREADY_PUBLISHING, "Already publishing; unpublish first");
            }
            participant.publishPending = true;
        }
        RoomMedia roomMedia = null;
        WebRtcEndpoint endpoint = null;
        HubPort port = null;
        boolean committed = false;
        try {
            roomMedia = ensureMedia();
            endpoint = roomMedia.newWebRtcEndpoint();
            listenForCandidates(endpoint, peerOf(participantId), participantId);
            String answer = processOffer(endpoint, sdpOffer);
            port = roomMedia.mixerPortFor(endpoint);
            List<IceCandidate> waiting;
            List<Delivery> out = new ArrayList<>();
            synchronized (this) {
                Participant participant = participants.get(participantId);
                if (participant == null || media != roomMedia) {
                    throw new EdamameException(MediaErrorCode.NOT_JOINED, "Left, or the media was reset, meanwhile");
                }
                participant.publishing = endpoint;
                participant.recordingPort = port;
                participant.publishPending = false;
                committed = true;
                waiting = participant.takeCandidates(participantId);
                Notification published = new Notification("publisherJoined", participant.describe());
                for (Participant other : participants.values()) {
                    if (other != participant) {
                        out.add(new Delivery(other.peer, published));
                    }
                }
            }
            deliver(out);
            addCandidates(endpoint, waiting);
            endpoint.gatherCandidates();
            return answer;
        } catch (RuntimeException e) {
            if (committed) {
                // Answered, but the media server failed to gather: as if the publisher stopped.
                try {
                    unpublish(participantId);
                } catch (EdamameException alreadyGone) {
                    // Left, unpublished or reset meanwhile: nothing of it is left to release.
                }
            } else {
                synchronized (this) {
                    Participant participant = participants.get(participantId);
                    if (participant != null) {
                        participant.publishPending = false;
                    }
                }
                if (port != null) {
                    RoomMedia.releaseQuietly(port);
                }
                if (endpoint != null) {
                    roomMedia.release(endpoint);
                }
            }
            throw mediaError(e);
        }
    }

    /** Stops the participant's publication: every subscriber's endpoint of it is released. */
    public void unpublish(String participantId) {
        List<WebRtcEndpoint> toRelease = new ArrayList<>();
        List<Delivery> out = new ArrayList<>();
        RoomMedia current;
        synchronized (this) {
            Participant participant = joined(participantId);
            if (participant.publishing == null) {
                throw new EdamameException(MediaErrorCode.NOT_PUBLISHING, "Not publishing");
            }
            current = media;
            collectPublication(participant, toRelease, out);
        }
        deliver(out);
        release(current, toRelease);
    }

    /** Takes a participant's publication and everyone's subscriptions to it; tells the others. */
    private void collectPublication(Participant publisher, List<WebRtcEndpoint> toRelease, List<Delivery> out) {
        if (publisher.publishing == null) {
            publisher.forgetCandidates(publisher.id);
            return;
        }
        toRelease.add(publisher.publishing);
        publisher.publishing = null;
        if (publisher.recordingPort != null) {
            RoomMedia.releaseQuietly(publisher.recordingPort);
            publisher.recordingPort = null;
        }
        Notification left = new Notification("publisherLeft", Map.of("participantId", publisher.id));
        for (Participant other : participants.values()) {
            WebRtcEndpoint subscription = other.subscriptions.remove(publisher.id);
            if (subscription != null) {
                toRelease.add(subscription);
            }
            other.forgetCandidates(publisher.id);
            if (other != publisher) {
                out.add(new Delivery(other.peer, left));
            }
        }
    }

    // ---- subscribing ----------------------------------------------------------------------------

    /** Answers the participant's SDP offer for receiving {@code publisherId}'s stream. */
    public String subscribe(String participantId, String publisherId, String sdpOffer) {
        checkSdp(sdpOffer);
        WebRtcEndpoint source;
        RoomMedia roomMedia;
        boolean sourceMuted;
        synchronized (this) {
            Participant participant = joined(participantId);
            requireLive();
            Participant publisher = participants.get(publisherId);
            if (publisher == null || publisher.publishing == null || publisher == participant) {
                throw new EdamameException(MediaErrorCode.UNKNOWN_PUBLISHER, "No publisher " + publisherId + " here");
            }
            if (participant.subscriptions.containsKey(publisherId)
                    || participant.subscriptionsPending.contains(publisherId)) {
                throw new EdamameException(MediaErrorCode.ALREADY_SUBSCRIBED, "Already subscribed to " + publisherId);
            }
            participant.subscriptionsPending.add(publisherId);
            source = publisher.publishing;
            sourceMuted = publisher.muted;
            roomMedia = media;
        }
        WebRtcEndpoint endpoint = null;
        try {
            endpoint = roomMedia.newWebRtcEndpoint();
            listenForCandidates(endpoint, peerOf(participantId), publisherId);
            String answer = negotiateSubscription(roomMedia, source, endpoint, sourceMuted, sdpOffer);
            List<IceCandidate> waiting;
            synchronized (this) {
                Participant participant = participants.get(participantId);
                Participant publisher = participants.get(publisherId);
                if (participant != null) {
                    participant.subscriptionsPending.remove(publisherId);
                }
                if (participant == null || publisher == null || publisher.publishing != source || media != roomMedia) {
                    throw new EdamameException(MediaErrorCode.UNKNOWN_PUBLISHER,
                            "The publisher stopped meanwhile");
                }
                participant.subscriptions.put(publisherId, endpoint);
                waiting = participant.takeCandidates(publisherId);
                if (publisher.muted != sourceMuted) {
                    setAudio(source, endpoint, !publisher.muted);
                }
            }
            addCandidates(endpoint, waiting);
            return answer;
        } catch (RuntimeException e) {
            synchronized (this) {
                Participant participant = participants.get(participantId);
                if (participant != null) {
                    participant.subscriptionsPending.remove(publisherId);
                    if (endpoint != null && participant.subscriptions.get(publisherId) == endpoint) {
                        participant.subscriptions.remove(publisherId);
                    }
                }
            }
            if (endpoint != null) {
                roomMedia.release(endpoint);
            }
            if (e instanceof KurentoServerException && !stillPublishes(publisherId, source)) {
                // The publisher's endpoint went away under us (unpublished, left, or the media reset).
                throw new EdamameException(MediaErrorCode.UNKNOWN_PUBLISHER, "The publisher stopped meanwhile");
            }
            throw mediaError(e);
        }
    }

    public void unsubscribe(String participantId, String publisherId) {
        WebRtcEndpoint endpoint;
        RoomMedia current;
        synchronized (this) {
            Participant participant = joined(participantId);
            endpoint = participant.subscriptions.remove(publisherId);
            participant.forgetCandidates(publisherId);
            if (endpoint == null) {
                throw new EdamameException(MediaErrorCode.UNKNOWN_PUBLISHER, "Not subscribed to " + publisherId);
            }
            current = media;
        }
        release(current, List.of(endpoint));
    }

    // ---- ICE ------------------------------------------------------------------------------------

    /**
     * A trickled candidate of the client for the endpoint named by {@code endpointKey}: its own id for
     * its publication, a publisher's id for a subscription. A candidate that comes before its
     * endpoint exists (the client trickles while the offer is still being answered) is kept and
     * applied when the endpoint is made, never dropped.
     */
    public void iceCandidate(String participantId, String endpointKey, IceCandidate candidate) {
        WebRtcEndpoint endpoint;
        synchronized (this) {
            Participant participant = joined(participantId);
            endpoint = endpointKey.equals(participantId) ? participant.publishing
                    : participant.subscriptions.get(endpointKey);
            if (endpoint == null) {
                if (!endpointKey.equals(participantId) && !participants.containsKey(endpointKey)) {
                    throw new EdamameException(MediaErrorCode.UNKNOWN_PUBLISHER, "No publisher " + endpointKey + " here");
                }
                if (!participant.bufferCandidate(endpointKey, candidate)) {
                    throw new EdamameException(MediaErrorCode.TOO_MANY_CANDIDATES,
                            "Too many candidates for endpoints that do not exist");
                }
                return;
            }
        }
        addCandidates(endpoint, List.of(candidate));
    }

    /**
     * Sends the endpoint's candidates to its participant's client. The peer is captured, not looked up:
     * the Kurento client runs each event on a thread of its own, and none of them should wait for the
     * room's lock. Sending to a client that left meanwhile is harmless.
     */
    private static void listenForCandidates(WebRtcEndpoint endpoint, SignalingPeer peer, String endpointKey) {
        endpoint.addIceCandidateFoundListener(event -> {
            IceCandidate c = event.getCandidate();
            Map<String, Object> candidate = new LinkedHashMap<>();
            candidate.put("candidate", c.getCandidate());
            candidate.put("sdpMid", c.getSdpMid());
            candidate.put("sdpMLineIndex", c.getSdpMLineIndex());
            peer.notify(new Notification("iceCandidate", Map.of("publisherId", endpointKey, "candidate", candidate)));
        });
    }

    private synchronized SignalingPeer peerOf(String participantId) {
        return joined(participantId).peer;
    }

    private static void addCandidates(WebRtcEndpoint endpoint, List<IceCandidate> candidates) {
        for (IceCandidate candidate : candidates) {
            try {
                endpoint.addIceCandidate(candidate);
            } catch (RuntimeException e) {
                // A candidate the media server cannot parse is the client's problem, and harmless.
                LOG.debug("MEDIA: candidate {} refused: {}", candidate.getCandidate(), e.toString());
            }
        }
    }

    // ---- join the mic ---------------------------------------------------------------------------

    public void raiseHand(String participantId) {
        List<Delivery> out = new ArrayList<>();
        synchronized (this) {
            Participant participant = joined(participantId);
            if (participant.caller == null) {
                throw new EdamameException(MediaErrorCode.SIGN_IN_REQUIRED, "Sign in to raise your hand");
            }
            if (participant.role != RoomRole.AUDIENCE) {
                throw new EdamameException(MediaErrorCode.NOT_ALLOWED, "Already on the mic");
            }
            if (participant.handRaised) {
                return;
            }
            participant.handRaised = true;
            notifyModerators(out, new Notification("handRaised", participant.describe()), participant);
        }
        deliver(out);
    }

    public void lowerHand(String participantId) {
        List<Delivery> out = new ArrayList<>();
        synchronized (this) {
            Participant participant = joined(participantId);
            if (!participant.handRaised) {
                return;
            }
            participant.handRaised = false;
            notifyModerators(out, new Notification("handLowered", Map.of("participantId", participantId)), participant);
        }
        deliver(out);
    }

    /** A moderator takes a raised hand onto the mic, within the tenant's cap on speakers. */
    public void acceptHand(String moderatorId, String participantId) {
        List<Delivery> out = new ArrayList<>();
        synchronized (this) {
            moderator(moderatorId);
            Participant participant = raisedHand(participantId);
            int maxSpeakers = services.maxSpeakers(key.tenantId());
            long speakers = participants.values().stream().filter(p -> p.role == RoomRole.SPEAKER).count();
            if (speakers >= maxSpeakers) {
                throw new EdamameException(MediaErrorCode.SPEAKER_LIMIT_REACHED,
                        "This room has its " + maxSpeakers + " speakers already");
            }
            participant.handRaised = false;
            participant.role = RoomRole.SPEAKER;
            everyone(out, new Notification("participantUpdated", participant.describe()));
        }
        deliver(out);
    }

    public void declineHand(String moderatorId, String participantId) {
        List<Delivery> out = new ArrayList<>();
        synchronized (this) {
            moderator(moderatorId);
            Participant participant = raisedHand(participantId);
            participant.handRaised = false;
            out.add(new Delivery(participant.peer, new Notification("handDeclined", Map.of("participantId", participantId))));
            notifyModerators(out, new Notification("handLowered", Map.of("participantId", participantId)), participant);
        }
        deliver(out);
    }

    /**
     * A moderator mutes or unmutes a speaker: the speaker's audio stops reaching subscribers and the
     * recording, on the media server, whatever the speaker's client does; the speaker is told, so that
     * the client can show it.
     */
    public void muteSpeaker(String moderatorId, String participantId, boolean muted) {
        List<Delivery> out = new ArrayList<>();
        synchronized (this) {
            moderator(moderatorId);
            Participant speaker = participants.get(participantId);
            if (speaker == null) {
                throw new EdamameException(MediaErrorCode.UNKNOWN_PARTICIPANT, "No participant " + participantId);
            }
            if (speaker.role != RoomRole.SPEAKER) {
                throw new EdamameException(MediaErrorCode.NOT_ALLOWED, "Only speakers are muted by the host");
            }
            if (speaker.muted == muted) {
                return;
            }
            speaker.muted = muted;
            if (speaker.publishing != null && media != null) {
                try {
                    for (Participant other : participants.values()) {
                        WebRtcEndpoint subscription = other.subscriptions.get(participantId);
                        if (subscription != null) {
                            setAudio(speaker.publishing, subscription, !muted);
                        }
                    }
                    if (speaker.recordingPort != null) {
                        setAudio(speaker.publishing, speaker.recordingPort, !muted);
                    }
                } catch (RuntimeException e) {
                    throw mediaError(e);
                }
            }
            everyone(out, new Notification("participantUpdated", speaker.describe()));
        }
        deliver(out);
    }

    /** A moderator takes a speaker off the mic: their publication stops and they are audience again. */
    public void dropSpeaker(String moderatorId, String participantId) {
        List<WebRtcEndpoint> toRelease = new ArrayList<>();
        List<Delivery> out = new ArrayList<>();
        RoomMedia current;
        synchronized (this) {
            moderator(moderatorId);
            Participant speaker = participants.get(participantId);
            if (speaker == null) {
                throw new EdamameException(MediaErrorCode.UNKNOWN_PARTICIPANT, "No participant " + participantId);
            }
            if (speaker.role != RoomRole.SPEAKER) {
                throw new EdamameException(MediaErrorCode.NOT_ALLOWED, "Not a speaker");
            }
            current = media;
            collectPublication(speaker, toRelease, out);
            speaker.role = RoomRole.AUDIENCE;
            speaker.muted = false;
            everyone(out, new Notification("participantUpdated", speaker.describe()));
        }
        deliver(out);
        release(current, toRelease);
    }

    private Participant raisedHand(String participantId) {
        Participant participant = participants.get(participantId);
        if (participant == null) {
            throw new EdamameException(MediaErrorCode.UNKNOWN_PARTICIPANT, "No participant " + participantId);
        }
        if (!participant.handRaised) {
            throw new EdamameException(MediaErrorCode.HAND_NOT_RAISED, "That hand is not raised");
        }
        return participant;
    }

    private Participant moderator(String participantId) {
        Participant moderator = joined(participantId);
        if (!moderator.isModerator()) {
            throw new EdamameException(MediaErrorCode.NOT_ALLOWED, "Only the host or a tenant admin may do this");
        }
        return moderator;
    }

    /** Whether this participant may turn pages and moderate: the host or a tenant admin. */
    public synchronized boolean isModerator(String participantId) {
        Participant participant = participants.get(participantId);
        return participant != null && participant.isModerator();
    }

    // ---- the room's lifecycle -------------------------------------------------------------------

    /** The room went live: media is built now, so that the recording starts with the live. */
    void started() {
        synchronized (this) {
            if (status == RoomStatus.ENDED) {
                return;
            }
            status = RoomStatus.LIVE;
        }
        tellEveryone("roomStarted", Map.of());
        try {
            ensureMedia();
        } catch (EdamameException e) {
            LOG.warn("MEDIA: room {} is live without media: {}", key, e.getMessage());
        }
    }

    /** The room ended: the recording is finalised, everything released, every participant closed. */
    void ended(int closeCode, String closeReason) {
        List<Participant> closing;
        synchronized (this) {
            status = RoomStatus.ENDED;
            closing = List.copyOf(participants.values());
        }
        tearDown(RecordingStatus.FINALISED, null);
        for (Participant participant : closing) {
            participant.peer.close(closeCode, closeReason);
            leave(participant.id);
        }
    }

    /** Closes every participant (the plugin was switched off, the tenant suspended) and releases the media. */
    void closeAll(int closeCode, String closeReason) {
        List<Participant> closing;
        synchronized (this) {
            closing = List.copyOf(participants.values());
        }
        for (Participant participant : closing) {
            participant.peer.close(closeCode, closeReason);
            leave(participant.id);
        }
        tearDown(RecordingStatus.FINALISED, null);
    }

    /**
     * Releases the media if nobody has been here for {@code grace}; true when the room holds nothing
     * any more and may be forgotten.
     */
    boolean releaseIfIdle(Instant now, java.time.Duration grace) {
        synchronized (this) {
            if (!participants.isEmpty() || emptySince == null || emptySince.plus(grace).isAfter(now)) {
                return false;
            }
        }
        tearDown(RecordingStatus.FINALISED, null);
        synchronized (this) {
            return participants.isEmpty() && media == null;
        }
    }

    /**
     * The room's media, built on the least-loaded server if there is none (or it was lost), with the
     * recording started when the tenant records.
     */
    private RoomMedia ensureMedia() {
        synchronized (mediaLock) {
            synchronized (this) {
                if (media != null && media.isValid()) {
                    if (!media.server.isUp()) {
                        throw new EdamameException(MediaErrorCode.MEDIA_UNAVAILABLE,
                                "The media server is reconnecting; try again in a moment");
                    }
                    return media;
                }
                if (status != RoomStatus.LIVE) {
                    throw new EdamameException(MediaErrorCode.ROOM_NOT_LIVE, "The room is not live");
                }
            }
            MediaServer server = services.pickServer();
            RoomMedia built;
            try {
                built = RoomMedia.create(server, key, type, services.nodeId(), id -> services.ownPipeline(id, true));
            } catch (RuntimeException e) {
                throw mediaError(e);
            }
            if (services.records(key.tenantId())) {
                startRecording(built);
            }
            synchronized (this) {
                media = built;
            }
            LOG.info("MEDIA: room {} on {} (pipeline {})", key, server.url(), built.pipeline.getId());
            return built;
        }
    }

    private void startRecording(RoomMedia built) {
        RoomServices.RecordingTarget target = services.beginRecording(key, built.profile().name(), services.now());
        try {
            built.startRecording(target.uri(), target.id());
        } catch (RuntimeException e) {
            // The live goes on without a recording: losing the room for it would be worse.
            LOG.warn("MEDIA: room {} cannot record to {}: {}", key, target.uri(), e.toString());
            services.finishRecording(key, target.id(), RecordingStatus.FAILED, e.getMessage());
            built.recordingId = 0;
        }
    }

    /** Stops the recording as {@code status} and releases the pipeline; participants stay. */
    private void tearDown(RecordingStatus status, String error) {
        synchronized (mediaLock) {
            RoomMedia old;
            synchronized (this) {
                old = media;
                media = null;
                for (Participant participant : participants.values()) {
                    participant.publishing = null;
                    participant.recordingPort = null;
                    participant.subscriptions.clear();
                }
            }
            if (old == null) {
                return;
            }
            if (old.recordingId != 0) {
                if (old.isValid()) {
                    try {
                        old.stopRecording();
                    } catch (RuntimeException e) {
                        LOG.warn("MEDIA: stopping the recording of room {} failed: {}", key, e.toString());
                    }
                }
                services.finishRecording(key, old.recordingId, status, error);
            }
            old.release();
            services.ownPipeline(old.pipeline.getId(), false);
        }
    }

    /** The connection dropped; the client reconnects and the objects may still be there. */
    void mediaInterrupted(MediaServer server) {
        if (hasMediaOn(server)) {
            tellEveryone("mediaInterrupted", Map.of());
        }
    }

    void mediaResumed(MediaServer server) {
        if (hasMediaOn(server)) {
            tellEveryone("mediaResumed", Map.of());
        }
    }

    /**
     * Every object of this room on {@code server} is gone. The recording is closed as interrupted,
     * participants are told to renegotiate, and the media is rebuilt (a new recording segment) as soon
     * as a server is up: now, if there is one.
     */
    void mediaLost(MediaServer server) {
        synchronized (this) {
            if (media == null || media.server != server) {
                return;
            }
        }
        tearDown(RecordingStatus.INTERRUPTED, "media server lost");
        tellEveryone("mediaReset", Map.of("reason", "MEDIA_SERVER_LOST"));
        rebuild();
    }

    /** Builds the media of a live room that has none, and tells its participants to publish again. */
    void rebuild() {
        synchronized (this) {
            if (status != RoomStatus.LIVE || media != null || participants.isEmpty()) {
                return;
            }
        }
        try {
            ensureMedia();
        } catch (EdamameException e) {
            LOG.info("MEDIA: room {} waits for a media server: {}", key, e.getMessage());
            return;
        }
        tellEveryone("mediaAvailable", Map.of());
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A notification from outside the room (a page turn, the media server): sent without the room's lock. */
    public void tellEveryone(String method, Map<String, Object> params) {
        List<Delivery> out = new ArrayList<>();
        synchronized (this) {
            everyone(out, new Notification(method, params));
        }
        deliver(out);
    }

    /** A notification to send once the room's lock is released: sockets are never written under it. */
    private record Delivery(SignalingPeer peer, Notification notification) {
    }

    private static void deliver(List<Delivery> out) {
        for (Delivery delivery : out) {
            delivery.peer().notify(delivery.notification());
        }
    }

    private void everyone(List<Delivery> out, Notification notification) {
        for (Participant participant : participants.values()) {
            out.add(new Delivery(participant.peer, notification));
        }
    }

    private void notifyModerators(List<Delivery> out, Notification notification, Participant except) {
        for (Participant other : participants.values()) {
            if (other.isModerator() && other != except) {
                out.add(new Delivery(other.peer, notification));
            }
        }
    }

    private Participant joined(String participantId) {
        Participant participant = participants.get(participantId);
        if (participant == null) {
            throw new EdamameException(MediaErrorCode.NOT_JOINED, "Join the room first");
        }
        return participant;
    }

    private void requireLive() {
        if (status != RoomStatus.LIVE) {
            throw new EdamameException(MediaErrorCode.ROOM_NOT_LIVE, "Media flows while the room is live");
        }
    }

    /**
     * Connects the publisher to a subscriber's endpoint (without audio while the publisher is muted),
     * answers the offer and starts gathering candidates, in one Kurento transaction: one round trip
     * instead of four, on the path of every viewer who joins. The candidate listener is subscribed
     * before, so that no candidate is missed.
     */
    private static String negotiateSubscription(RoomMedia roomMedia, WebRtcEndpoint source, WebRtcEndpoint sink,
                                                boolean muted, String sdpOffer) {
        Transaction tx = roomMedia.server.client().beginTransaction();
        for (MediaType mediaType : roomMedia.mediaTypes()) {
            if (!(muted && mediaType == MediaType.AUDIO)) {
                source.connect(tx, sink, mediaType);
            }
        }
        TFuture<String> answer = sink.processOffer(tx, sdpOffer);
        sink.gatherCandidates(tx);
        try {
            tx.commit();
        } catch (KurentoServerException e) {
            if (isSdpError(e)) {
                throw new EdamameException(MediaErrorCode.INVALID_SDP, "The media server refused the offer: "
                        + e.getServerMessage(), null, e);
            }
            throw e;
        }
        return answer.get();
    }

    /** Kurento's SDP errors are 40200–40299 (SDP_PARSE_ERROR, SDP_END_POINT_PROCESS_OFFER_ERROR...). */
    private static boolean isSdpError(KurentoServerException e) {
        return e.getCode() >= 40200 && e.getCode() < 40300;
    }

    private static void setAudio(WebRtcEndpoint source, org.kurento.client.MediaElement sink, boolean on) {
        if (on) {
            source.connect(sink, MediaType.AUDIO);
        } else {
            source.disconnect(sink, MediaType.AUDIO);
        }
    }

    private static String processOffer(WebRtcEndpoint endpoint, String sdpOffer) {
        try {
            return endpoint.processOffer(sdpOffer);
        } catch (KurentoServerException e) {
            throw new EdamameException(MediaErrorCode.INVALID_SDP, "The media server refused the offer: "
                    + e.getServerMessage(), null, e);
        }
    }

    private synchronized boolean stillPublishes(String publisherId, WebRtcEndpoint endpoint) {
        Participant publisher = participants.get(publisherId);
        return publisher != null && publisher.publishing == endpoint;
    }

    /** Refuses what is not an SDP offer before anything is created for it. */
    public static void checkSdp(String sdp) {
        if (sdp == null || sdp.length() > MAX_SDP_LENGTH || !sdp.startsWith("v=0") || !sdp.contains("\nm=")) {
            throw new EdamameException(MediaErrorCode.INVALID_SDP, "sdpOffer is not an SDP offer (v=0 and m= lines, "
                    + "at most " + MAX_SDP_LENGTH + " characters)");
        }
    }

    /**
     * What a failed Kurento call means to the client: an error the media server answered is
     * {@code MEDIA_SERVER_ERROR}; no answer at all (the connection is down) is {@code MEDIA_UNAVAILABLE}.
     */
    public static RuntimeException mediaError(RuntimeException e) {
        if (e instanceof EdamameException) {
            return e;
        }
        if (!(e instanceof KurentoServerException)) {
            LOG.info("MEDIA: the media server did not answer: {}", e.toString());
            return new EdamameException(MediaErrorCode.MEDIA_UNAVAILABLE, "The media server is unreachable; try again "
                    + "in a moment", null, e);
        }
        LOG.warn("MEDIA: media server call failed: {}", e.toString());
        return new EdamameException(MediaErrorCode.MEDIA_SERVER_ERROR, "The media server failed: " + e.getMessage(),
                null, e);
    }

    private static void release(RoomMedia current, List<WebRtcEndpoint> endpoints) {
        if (current == null) {
            return;
        }
        for (WebRtcEndpoint endpoint : endpoints) {
            current.release(endpoint);
        }
    }
}
