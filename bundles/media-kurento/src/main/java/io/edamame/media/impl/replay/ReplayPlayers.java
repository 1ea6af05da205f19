package io.edamame.media.impl.replay;

import io.edamame.core.api.AccessPurpose;
import io.edamame.core.api.AccessRequest;
import io.edamame.core.api.Caller;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.RoomAccessService;
import io.edamame.media.api.MediaErrorCode;
import io.edamame.media.impl.kms.MediaServer;
import io.edamame.media.impl.kms.MediaServers;
import io.edamame.media.impl.room.MediaRoom;
import io.edamame.media.impl.room.MediaRooms;
import io.edamame.media.impl.room.Notification;
import io.edamame.media.impl.room.RoomKey;
import io.edamame.media.impl.room.SignalingPeer;
import io.edamame.media.impl.store.MediaStore;
import io.edamame.media.impl.store.Recording;
import io.edamame.media.impl.store.RecordingStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.kurento.client.IceCandidate;
import org.kurento.client.MediaPipeline;
import org.kurento.client.PlayerEndpoint;
import org.kurento.client.WebRtcEndpoint;
import org.kurento.client.internal.server.KurentoServerException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebRTC playback of recordings: a pipeline of its own per playback, with a {@link PlayerEndpoint}
 * reading the recording's file into a {@link WebRtcEndpoint} that the viewer negotiates. Released when
 * the viewer stops it, leaves, or the file ends; a connection plays at most {@value #MAX_PER_CONNECTION}
 * at once.
 */
@Component(service = ReplayPlayers.class)
public class ReplayPlayers {

    static final int MAX_PER_CONNECTION = 2;
    static final String ID_PREFIX = "playback-";

    private static final Logger LOG = LoggerFactory.getLogger(ReplayPlayers.class);

    /** Holds the player too: the Kurento client keeps objects weakly, and the player's listener must live. */
    private record Playback(String id, String participantId, MediaServer server, long generation,
                            MediaPipeline pipeline, PlayerEndpoint player, WebRtcEndpoint endpoint) {
    }

    private final RoomAccessService access;
    private final MediaStore store;
    private final MediaServers servers;
    private final MediaRooms rooms;
    private final Map<String, Playback> playbacks = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Activate
    public ReplayPlayers(@Reference RoomAccessService access, @Reference MediaStore store,
                         @Reference MediaServers servers, @Reference MediaRooms rooms) {
        this.access = access;
        this.store = store;
        this.servers = servers;
        this.rooms = rooms;
    }

    @Deactivate
    void deactivate() {
        for (Playback playback : List.copyOf(playbacks.values())) {
            release(playback);
        }
    }

    /** Starts playing a recording of {@code room} to a participant; the answer to their SDP offer. */
    public Map<String, Object> play(RoomKey room, Caller caller, String participantId, SignalingPeer peer,
                                    long recordingId, String sdpOffer, String password) {
        access.check(new AccessRequest(room.tenantId(), room.roomId(), caller, AccessPurpose.REPLAY, password))
                .orThrow();
        Recording recording = store.find(recordingId)
                .filter(r -> r.tenantId() == room.tenantId() && r.roomId() == room.roomId())
                .orElseThrow(() -> new EdamameException(MediaErrorCode.RECORDING_NOT_FOUND,
                        "No recording " + recordingId + " in this room"));
        if (recording.status() != RecordingStatus.FINALISED && recording.status() != RecordingStatus.INTERRUPTED) {
            throw new EdamameException(MediaErrorCode.RECORDING_FILE_UNAVAILABLE,
                    "Recording " + recordingId + " is " + recording.status());
        }
        long playing = playbacks.values().stream().filter(p -> p.participantId().equals(participantId)).count();
        if (playing >= MAX_PER_CONNECTION) {
            throw new EdamameException(MediaErrorCode.NOT_ALLOWED, "At most " + MAX_PER_CONNECTION + " playbacks at once");
        }
        MediaRoom.checkSdp(sdpOffer);
        MediaServer server = servers.pick();
        String playbackId = ID_PREFIX + ids.incrementAndGet();
        MediaPipeline pipeline = null;
        try {
            pipeline = server.client().createMediaPipeline();
            rooms.ownPipeline(pipeline.getId(), true);
            pipeline.addTag(MediaServers.NODE_TAG, servers.nodeId());
            pipeline.addTag(MediaServers.ROOM_TAG, room.tag());
            PlayerEndpoint player = new PlayerEndpoint.Builder(pipeline, recording.uri()).build();
            WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline).build();
            player.connect(endpoint);
            endpoint.addIceCandidateFoundListener(event -> {
                IceCandidate c = event.getCandidate();
                Map<String, Object> candidate = new LinkedHashMap<>();
                candidate.put("candidate", c.getCandidate());
                candidate.put("sdpMid", c.getSdpMid());
                candidate.put("sdpMLineIndex", c.getSdpMLineIndex());
                peer.notify(new Notification("iceCandidate", Map.of("publisherId", playbackId, "candidate", candidate)));
            });
            String answer;
            try {
                answer = endpoint.processOffer(sdpOffer);
            } catch (KurentoServerException e) {
                throw new EdamameException(MediaErrorCode.INVALID_SDP, "The media server refused the offer: "
                        + e.getServerMessage(), null, e);
            }
            Playback playback = new Playback(playbackId, participantId, server, server.generation(), pipeline, player,
                    endpoint);
            playbacks.put(playbackId, playback);
            player.addEndOfStreamListener(event -> {
                peer.notify(new Notification("playbackEnded", Map.of("playbackId", playbackId)));
                stop(participantId, playbackId);
            });
            endpoint.gatherCandidates();
            player.play();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("playbackId", playbackId);
            result.put("sdpAnswer", answer);
            result.put("durationMs", recording.durationMs());
            return result;
        } catch (RuntimeException e) {
            playbacks.remove(playbackId);
            if (pipeline != null) {
                releaseQuietly(pipeline);
                rooms.ownPipeline(pipeline.getId(), false);
            }
            throw MediaRoom.mediaError(e);
        }
    }

    public boolean owns(String participantId, String playbackId) {
        Playback playback = playbacks.get(playbackId);
        return playback != null && playback.participantId().equals(participantId);
    }

    public void iceCandidate(String participantId, String playbackId, IceCandidate candidate) {
        Playback playback = playbacks.get(playbackId);
        if (playback != null && playback.participantId().equals(participantId)) {
            try {
                playback.endpoint().addIceCandidate(candidate);
            } catch (RuntimeException e) {
                LOG.debug("MEDIA: candidate {} refused: {}", candidate.getCandidate(), e.toString());
            }
        }
    }

    public void stop(String participantId, String playbackId) {
        Playback playback = playbacks.get(playbackId);
        if (playback == null || !playback.participantId().equals(participantId)) {
            throw new EdamameException(MediaErrorCode.RECORDING_NOT_FOUND, "No playback " + playbackId);
        }
        if (playbacks.remove(playbackId, playback)) {
            release(playback);
        }
    }

    /** Stops every playback of a connection that closed. */
    public void stopAll(String participantId) {
        for (Playback playback : List.copyOf(playbacks.values())) {
            if (playback.participantId().equals(participantId) && playbacks.remove(playback.id(), playback)) {
                release(playback);
            }
        }
    }

    public int playing() {
        return playbacks.size();
    }

    private void release(Playback playback) {
        if (playback.server().generation() == playback.generation()) {
            releaseQuietly(playback.pipeline());
        }
        rooms.ownPipeline(playback.pipeline().getId(), false);
    }

    private static void releaseQuietly(MediaPipeline pipeline) {
        try {
            pipeline.release();
        } catch (RuntimeException e) {
            // Gone already, with its server.
        }
    }
}
