package io.edamame.media.impl.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.Caller;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ErrorCode;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomRole;
import io.edamame.core.api.RoomType;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.impl.room.RoomAccessServiceImpl;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.core.testing.RoomDrafts;
import io.edamame.media.api.MediaErrorCode;
import io.edamame.media.api.MediaEvents;
import io.edamame.media.api.MediaSettings;
import io.edamame.media.impl.MediaPlugin;
import io.edamame.media.impl.kms.MediaServer;
import io.edamame.media.impl.kms.MediaServers;
import io.edamame.media.impl.replay.ReplayPlayers;
import io.edamame.media.impl.store.MediaStore;
import io.edamame.media.impl.store.Recording;
import io.edamame.media.impl.store.RecordingStatus;
import io.edamame.testing.kurento.FakeKurentoServer;
import io.edamame.testing.kurento.KurentoError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kurento.client.IceCandidate;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaPipeline;
import org.osgi.service.event.Event;

/**
 * The media of rooms, driven as the signaling endpoint drives it, with the real Kurento client against
 * the fake media server: every Kurento object made is counted there, so leaks show.
 */
class MediaRoomsTest extends DatabaseTest {

    static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";
    static final String VIDEO_OFFER = OFFER + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n"
            + "a=rtpmap:96 VP8/90000\r\na=sendrecv\r\n";

    @TempDir
    Path recordings;

    FakeKurentoServer kms;
    MediaServers servers;
    MediaRooms rooms;
    MediaStore store;
    String nodeId;

    CreatedTenant tenant;
    Caller host;
    Caller alice;
    Caller bob;
    Caller admin;

    MediaRoomsTest() {
        super(DatabaseKind.H2);
    }

    @BeforeAll
    void migrate() {
        if (core != null) {
            CoreServices.migrate(core.dataSource, MediaStore.CHANGELOG, MediaStore.class.getClassLoader());
            store = new MediaStore(core.dataSource);
            core.plugins.addPlugin(new MediaPlugin());
        }
    }

    @BeforeEach
    void start() {
        kms = new FakeKurentoServer();
        kms.start();
        nodeId = "node-" + UUID.randomUUID();
        servers = startServers(kms.uri().toString());
        rooms = new MediaRooms(core.rooms, core.plugins, servers, store, core.events, config(kms.uri().toString()),
                Clock.systemUTC());
        tenant = core.newTenant();
        long tenantId = tenant.tenant().id();
        core.plugins.configure(tenantId, MediaSettings.PLUGIN_ID, true, Map.of(MediaSettings.MAX_SPEAKERS, 1));
        host = member("host");
        alice = member("alice");
        bob = member("bob");
        admin = new Caller(tenantId, tenant.tenant().slug(), tenant.admin().id(), TenantRole.TENANT_ADMIN);
    }

    @AfterEach
    void stop() {
        if (rooms != null) {
            rooms.deactivate();
        }
        if (servers != null) {
            servers.deactivate();
        }
        if (kms != null) {
            kms.close();
        }
    }

    MediaServers startServers(String... urls) {
        MediaServers started = new MediaServers();
        started.activate(config(urls));
        Eventually.until("a media server is up", started::anyUp);
        return started;
    }

    TestConfig config(String... urls) {
        // A grace that no test outlives: the idle sweep must not release a room under a test.
        return new TestConfig(urls, recordings.toUri().toString(), 3600, 1, nodeId);
    }

    Caller member(String name) {
        long tenantId = tenant.tenant().id();
        long userId = core.newMember(tenantId, name + "-" + UUID.randomUUID().toString().substring(0, 8)).id();
        return new Caller(tenantId, tenant.tenant().slug(), userId, TenantRole.MEMBER);
    }

    /** A live room of {@code type} hosted by {@link #host}, with its media built as on going live. */
    MediaRoom liveRoom(RoomType type) {
        long tenantId = tenant.tenant().id();
        Room room = core.rooms.create(tenantId, RoomDrafts.hostedBy(host.userId()).type(type).build());
        core.rooms.start(tenantId, room.id());
        rooms.handleEvent(new Event(EdamameEvents.ROOM_STARTED,
                Map.of(EdamameEvents.TENANT_ID, tenantId, EdamameEvents.ROOM_ID, room.id())));
        MediaRoom media = rooms.room(tenantId, room.id());
        Eventually.until("the room's pipeline is built", () -> media.pipelineId() != null);
        return media;
    }

    static void assertRefused(ErrorCode expected, Runnable call) {
        EdamameException e = assertThrows(EdamameException.class, call::run);
        assertEquals(expected, e.code(), e.getMessage());
    }

    static <T> T refusedWith(ErrorCode expected, Supplier<T> call) {
        assertRefused(expected, call::get);
        return null;
    }

    @Test
    void hostPublishesViewersSubscribeAndEverythingIsReleasedWhenTheyLeaveAndTheRoomEnds() {
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        assertEquals(1, kms.liveObjectCount("MediaPipeline"));
        assertEquals(1, kms.liveObjectCount("RecorderEndpoint"), "the live is recorded from its start");
        int baseline = kms.liveObjectCount();

        TestPeer hostPeer = new TestPeer();
        TestPeer alicePeer = new TestPeer();
        TestPeer bobPeer = new TestPeer();
        Map<String, Object> hostJoined = room.join("h", host, "Host", hostPeer);
        assertEquals("HOST", hostJoined.get("role"));
        room.join("a", alice, "Alice", alicePeer);
        assertEquals("participantJoined", hostPeer.await("participantJoined").method());

        String answer = room.publish("h", VIDEO_OFFER);
        assertTrue(answer.startsWith("v=0"), answer);
        assertEquals("h", alicePeer.await("publisherJoined").params().get("participantId"));
        hostPeer.await("iceCandidate", p -> "h".equals(p.get("publisherId")));

        assertTrue(room.subscribe("a", "h", VIDEO_OFFER).startsWith("v=0"));
        alicePeer.await("iceCandidate", p -> "h".equals(p.get("publisherId")));
        Map<String, Object> bobJoined = room.join("b", bob, "Bob", bobPeer);
        assertEquals(List.of("h"), ((List<?>) bobJoined.get("participants")).stream()
                .map(p -> ((Map<?, ?>) p).get("participantId")).toList(), "the audience sees the host, not the audience");
        assertEquals(3, bobJoined.get("participantCount"));
        assertTrue(alicePeer.all("participantJoined").isEmpty(), "audience joins are told to moderators only");
        assertEquals("b", hostPeer.await("participantJoined", p -> "b".equals(p.get("participantId")))
                .params().get("participantId"));
        room.subscribe("b", "h", VIDEO_OFFER);
        // host endpoint + its mixer port + two subscriber endpoints
        assertEquals(baseline + 4, kms.liveObjectCount());

        room.leave("b");
        assertEquals(baseline + 3, kms.liveObjectCount(), "a viewer leaving releases their endpoint");
        room.leave("h");
        assertEquals(baseline, kms.liveObjectCount(), "the publisher leaving releases every subscription of it");
        assertEquals("h", alicePeer.await("publisherLeft").params().get("participantId"));

        long tenantId = tenant.tenant().id();
        core.rooms.end(tenantId, room.key.roomId());
        rooms.handleEvent(new Event(EdamameEvents.ROOM_ENDED,
                Map.of(EdamameEvents.TENANT_ID, tenantId, EdamameEvents.ROOM_ID, room.key.roomId())));
        Eventually.until("alice is closed with 4410", () -> Integer.valueOf(SocketCloseCodes.ROOM_ENDED).equals(alicePeer.closeCode()));
        assertEquals(0, kms.liveObjectCount(), "nothing is left on the media server: " + kms.liveObjects());

        List<Recording> segments = store.forRoom(tenantId, room.key.roomId());
        assertEquals(1, segments.size());
        Recording recording = segments.get(0);
        assertEquals(RecordingStatus.FINALISED, recording.status());
        assertEquals("WEBM", recording.mediaProfile());
        assertTrue(recording.uri().startsWith(recordings.toUri().toString()), recording.uri());
        assertNotNull(recording.sizeBytes(), "the fake writes the file on stop, and its size is kept");
        assertTrue(recording.sizeBytes() > 0);
        assertNotNull(recording.durationMs());
        Event ready = core.events.single(MediaEvents.RECORDING_READY);
        assertEquals(recording.id(), ready.getProperty(MediaEvents.RECORDING_ID));
    }

    @Test
    void audioRoomsCarryAudioOnlyAndRecordTheMixedAudio() {
        MediaRoom room = liveRoom(RoomType.AUDIO_SLIDES);
        room.join("h", host, "Host", new TestPeer());
        room.publish("h", OFFER);
        room.join("a", alice, "Alice", new TestPeer());
        room.subscribe("a", "h", OFFER);
        List<String> connected = kms.invocations("connect").stream()
                .map(call -> String.valueOf(call.params().get("mediaType"))).distinct().toList();
        assertEquals(List.of("AUDIO"), connected, "only audio is connected in an audio room");
        Recording recording = store.forRoom(tenant.tenant().id(), room.key.roomId()).get(0);
        assertEquals("WEBM_AUDIO_ONLY", recording.mediaProfile());
        assertEquals(RecordingStatus.RECORDING, recording.status());
    }

    @Test
    void candidatesThatComeBeforeTheirEndpointAreAppliedToIt() {
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        room.join("h", host, "Host", new TestPeer());
        IceCandidate early = new IceCandidate("candidate:1 1 UDP 2122252543 192.0.2.10 40000 typ host", "0", 0);
        room.iceCandidate("h", "h", early);
        room.publish("h", VIDEO_OFFER);
        room.join("a", alice, "Alice", new TestPeer());
        IceCandidate forSubscription = new IceCandidate("candidate:2 1 UDP 2122252543 192.0.2.11 40001 typ host", "0", 0);
        room.iceCandidate("a", "h", forSubscription);
        room.subscribe("a", "h", VIDEO_OFFER);
        IceCandidate late = new IceCandidate("candidate:3 1 UDP 2122252543 192.0.2.11 40002 typ host", "0", 0);
        room.iceCandidate("a", "h", late);

        List<String> added = kms.invocations("addIceCandidate").stream()
                .map(call -> String.valueOf(call.params().get("candidate"))).toList();
        assertEquals(3, added.size(), added.toString());
        assertTrue(added.get(0).contains("192.0.2.10"), "the publisher's early candidate, applied after its offer");
        assertTrue(added.get(1).contains("40001") && added.get(2).contains("40002"), added.toString());
        assertRefused(MediaErrorCode.UNKNOWN_PUBLISHER, () -> room.iceCandidate("a", "nobody", late));
    }

    @Test
    void theAudienceJoinsTheMicOnlyWhenAcceptedWithinTheTenantsCap() {
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        TestPeer hostPeer = new TestPeer();
        TestPeer alicePeer = new TestPeer();
        TestPeer bobPeer = new TestPeer();
        room.join("h", host, "Host", hostPeer);
        room.join("a", alice, "Alice", alicePeer);
        room.join("b", bob, "Bob", bobPeer);
        room.join("anon", null, null, new TestPeer());
        int before = kms.liveObjectCount();

        assertRefused(MediaErrorCode.NOT_ALLOWED, () -> room.publish("a", OFFER));
        assertEquals(before, kms.liveObjectCount(), "a refused publish makes nothing");
        assertRefused(MediaErrorCode.SIGN_IN_REQUIRED, () -> room.raiseHand("anon"));
        assertRefused(MediaErrorCode.HAND_NOT_RAISED, () -> room.acceptHand("h", "a"));

        room.raiseHand("a");
        assertEquals("a", hostPeer.await("handRaised").params().get("participantId"));
        assertRefused(MediaErrorCode.NOT_ALLOWED, () -> room.acceptHand("b", "a"));
        room.acceptHand("h", "a");
        assertEquals("SPEAKER", bobPeer.await("participantUpdated", p -> "a".equals(p.get("participantId")))
                .params().get("role"));
        room.publish("a", OFFER);
        assertEquals("a", hostPeer.await("publisherJoined").params().get("participantId"));

        room.raiseHand("b");
        assertRefused(MediaErrorCode.SPEAKER_LIMIT_REACHED, () -> room.acceptHand("h", "b"));
        room.declineHand("h", "b");
        bobPeer.await("handDeclined");
        assertRefused(MediaErrorCode.HAND_NOT_RAISED, () -> room.acceptHand("h", "b"));
    }

    @Test
    void aModeratorMutesAndDropsASpeakerOnTheMediaServer() {
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        TestPeer alicePeer = new TestPeer();
        TestPeer bobPeer = new TestPeer();
        room.join("h", host, "Host", new TestPeer());
        room.join("a", alice, "Alice", alicePeer);
        room.join("b", bob, "Bob", bobPeer);
        room.join("admin", admin, "Admin", new TestPeer());
        room.raiseHand("a");
        room.acceptHand("admin", "a");
        room.publish("a", VIDEO_OFFER);
        room.subscribe("b", "a", VIDEO_OFFER);
        kms.clearCalls();

        assertRefused(MediaErrorCode.NOT_ALLOWED, () -> room.muteSpeaker("b", "a", true));
        room.muteSpeaker("h", "a", true);
        assertEquals(2, kms.invocations("disconnect").size(), "audio cut to the subscriber and to the recording");
        assertTrue(kms.invocations("disconnect").stream().allMatch(c -> "AUDIO".equals(c.params().get("mediaType"))));
        assertEquals(Boolean.TRUE, alicePeer.await("participantUpdated", p -> Boolean.TRUE.equals(p.get("muted")))
                .params().get("muted"));
        room.muteSpeaker("h", "a", false);
        assertEquals(2, kms.invocations("connect").size(), "audio back to both");

        int withSpeaker = kms.liveObjectCount();
        room.dropSpeaker("h", "a");
        assertEquals(withSpeaker - 3, kms.liveObjectCount(), "the speaker's endpoint, mixer port and subscription");
        assertEquals("a", bobPeer.await("publisherLeft").params().get("participantId"));
        assertEquals("AUDIENCE", alicePeer.await("participantUpdated", p -> "AUDIENCE".equals(p.get("role")))
                .params().get("role"));
        assertRefused(MediaErrorCode.NOT_ALLOWED, () -> room.publish("a", OFFER));
    }

    @Test
    void badOffersAndCallsOutOfOrderAreRefusedAndLeaveNothingBehind() {
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        assertRefused(MediaErrorCode.NOT_JOINED, () -> room.publish("h", OFFER));
        room.join("h", host, "Host", new TestPeer());
        room.join("a", alice, "Alice", new TestPeer());
        int before = kms.liveObjectCount();

        assertRefused(MediaErrorCode.INVALID_SDP, () -> room.publish("h", "hello"));
        kms.failNext("processOffer", 1, KurentoError.SDP_END_POINT_PROCESS_OFFER_ERROR);
        assertRefused(MediaErrorCode.INVALID_SDP, () -> room.publish("h", OFFER));
        assertEquals(before, kms.liveObjectCount(), "the endpoint made for a refused offer is released");
        assertRefused(MediaErrorCode.UNKNOWN_PUBLISHER, () -> room.subscribe("a", "h", OFFER));
        assertRefused(MediaErrorCode.NOT_PUBLISHING, () -> room.unpublish("h"));

        room.publish("h", OFFER);
        assertRefused(MediaErrorCode.ALREADY_PUBLISHING, () -> room.publish("h", OFFER));
        kms.failNext("processOffer", 1, KurentoError.SDP_END_POINT_PROCESS_OFFER_ERROR);
        int publishing = kms.liveObjectCount();
        assertRefused(MediaErrorCode.INVALID_SDP, () -> room.subscribe("a", "h", OFFER));
        assertEquals(publishing, kms.liveObjectCount());
        room.subscribe("a", "h", OFFER);
        assertRefused(MediaErrorCode.ALREADY_SUBSCRIBED, () -> room.subscribe("a", "h", OFFER));
        assertRefused(MediaErrorCode.UNKNOWN_PUBLISHER, () -> room.subscribe("h", "h", OFFER));
        room.unsubscribe("a", "h");
        assertRefused(MediaErrorCode.UNKNOWN_PUBLISHER, () -> room.unsubscribe("a", "h"));
        room.unpublish("h");
        assertEquals(before, kms.liveObjectCount());
    }

    @Test
    void aRestartedMediaServerRebuildsTheRoomAndTheRecordingGoesOnInANewSegment() {
        MediaRoom room = liveRoom(RoomType.AUDIO_SLIDES);
        TestPeer hostPeer = new TestPeer();
        TestPeer alicePeer = new TestPeer();
        room.join("h", host, "Host", hostPeer);
        room.join("a", alice, "Alice", alicePeer);
        room.publish("h", OFFER);
        room.subscribe("a", "h", OFFER);
        String firstPipeline = room.pipelineId();

        kms.crash();
        kms.restart();
        alicePeer.await("mediaReset");
        hostPeer.await("mediaAvailable");
        Eventually.until("a new pipeline", () -> room.pipelineId() != null && !room.pipelineId().equals(firstPipeline));
        assertEquals(1, kms.liveObjectCount("MediaPipeline"));
        assertRefused(MediaErrorCode.UNKNOWN_PUBLISHER, () -> room.subscribe("a", "h", OFFER));
        room.publish("h", OFFER);
        room.subscribe("a", "h", OFFER);

        long tenantId = tenant.tenant().id();
        List<Recording> segments = store.forRoom(tenantId, room.key.roomId());
        assertEquals(2, segments.size());
        assertEquals(RecordingStatus.INTERRUPTED, segments.get(0).status());
        assertEquals(RecordingStatus.RECORDING, segments.get(1).status());
        assertEquals(2, segments.get(1).segment());

        room.ended(SocketCloseCodes.ROOM_ENDED, "ROOM_ENDED");
        assertEquals(0, kms.liveObjectCount(), kms.liveObjects().toString());
        assertEquals(RecordingStatus.FINALISED, store.forRoom(tenantId, room.key.roomId()).get(1).status());
    }

    @Test
    void withoutAReachableMediaServerMediaCallsAnswerMediaUnavailable() {
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        room.join("h", host, "Host", new TestPeer());
        kms.stopListening();
        kms.dropConnections();
        Eventually.until("the server counts as down", () -> !servers.anyUp());
        assertRefused(MediaErrorCode.MEDIA_UNAVAILABLE, () -> room.publish("h", OFFER));
        assertEquals(MediaErrorCode.MEDIA_UNAVAILABLE,
                assertThrows(EdamameException.class, servers::pick).code());

        kms.resumeListening();
        Eventually.until("the server is back", servers::anyUp);
        Eventually.until("the room is rebuilt", () -> room.pipelineId() != null);
        room.publish("h", OFFER);
    }

    @Test
    void anEmptyRoomReleasesItsMediaAfterTheGracePeriod() {
        MediaRoom room = liveRoom(RoomType.AUDIO_SLIDES);
        room.join("h", host, "Host", new TestPeer());
        room.publish("h", OFFER);
        room.leave("h");
        rooms.releaseIdleRooms(java.time.Duration.ZERO);
        assertEquals(0, kms.liveObjectCount());
        assertFalse(rooms.existing(tenant.tenant().id(), room.key.roomId()).isPresent(), "an idle room is forgotten");
        assertEquals(RecordingStatus.FINALISED, store.forRoom(tenant.tenant().id(), room.key.roomId()).get(0).status());
    }

    @Test
    void pipelinesThisNodeAbandonedAreReleasedButOthersAreLeftAlone() {
        KurentoClient other = KurentoClient.create(kms.uri().toString());
        try {
            MediaPipeline abandoned = other.createMediaPipeline();
            abandoned.addTag(MediaServers.NODE_TAG, nodeId);
            MediaPipeline foreign = other.createMediaPipeline();
            foreign.addTag(MediaServers.NODE_TAG, "another-node");
            MediaRoom room = liveRoom(RoomType.AUDIO_SLIDES);
            Eventually.until("the sweep releases the abandoned pipeline",
                    () -> kms.liveObject(abandoned.getId()).isEmpty());
            assertTrue(kms.liveObject(foreign.getId()).isPresent(), "another node's pipeline stays");
            assertNotNull(kms.liveObject(room.pipelineId()).orElse(null), "this node's live room stays");
        } finally {
            other.destroy();
        }
    }

    @Test
    void roomsGoToTheLeastLoadedServer() {
        FakeKurentoServer second = new FakeKurentoServer();
        second.start();
        MediaServers two = startServers(kms.uri().toString(), second.uri().toString());
        try {
            Eventually.until("both are up", () -> two.all().size() == 2 && two.all().stream().allMatch(MediaServer::isUp));
            MediaServer first = two.pick();
            first.addLoad(5);
            assertFalse(first == two.pick(), "the other server has less load");
        } finally {
            two.deactivate();
            second.close();
        }
    }

    @Test
    void aTenantThatDoesNotRecordGetsNoRecorder() {
        core.plugins.configure(tenant.tenant().id(), MediaSettings.PLUGIN_ID, true, Map.of(MediaSettings.RECORDING, false));
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        assertEquals(0, kms.liveObjectCount("RecorderEndpoint"));
        assertTrue(store.forRoom(tenant.tenant().id(), room.key.roomId()).isEmpty());
    }

    @Test
    void aRecordingPlaysBackOverWebRtcToWhoMayWatchTheReplayAndIsReleasedWhenStopped() {
        MediaRoom room = liveRoom(RoomType.AUDIO_SLIDES);
        room.join("h", host, "Host", new TestPeer());
        room.publish("h", OFFER);
        long tenantId = tenant.tenant().id();
        room.ended(SocketCloseCodes.ROOM_ENDED, "ROOM_ENDED");
        Recording recording = store.forRoom(tenantId, room.key.roomId()).get(0);
        assertEquals(0, kms.liveObjectCount());

        ReplayPlayers replays = new ReplayPlayers(new RoomAccessServiceImpl(core.rooms), store, servers, rooms);
        TestPeer viewer = new TestPeer();
        Map<String, Object> playing = replays.play(room.key, alice, "v", viewer, recording.id(), OFFER, null);
        String playbackId = (String) playing.get("playbackId");
        assertTrue(((String) playing.get("sdpAnswer")).startsWith("v=0"));
        assertEquals(recording.durationMs(), playing.get("durationMs"));
        assertEquals(1, kms.liveObjectCount("PlayerEndpoint"));
        assertEquals(recording.uri(), kms.calls().stream()
                .filter(call -> "create".equals(call.method()) && "PlayerEndpoint".equals(call.operation()))
                .findFirst().orElseThrow()
                .params().get("uri"), "the player reads the recording's file");
        viewer.await("iceCandidate", p -> playbackId.equals(p.get("publisherId")));
        assertTrue(replays.owns("v", playbackId));
        assertFalse(replays.owns("someone-else", playbackId));

        assertRefused(MediaErrorCode.RECORDING_NOT_FOUND, () -> replays.play(room.key, alice, "v", viewer,
                recording.id() + 1000, OFFER, null));
        RoomKey otherRoom = new RoomKey(tenantId, room.key.roomId() + 1);
        assertRefused(io.edamame.core.api.CoreErrorCode.ROOM_NOT_FOUND, () -> replays.play(otherRoom, alice, "v",
                viewer, recording.id(), OFFER, null));
        assertRefused(MediaErrorCode.INVALID_SDP, () -> replays.play(room.key, alice, "v", viewer, recording.id(),
                "not sdp", null));
        assertEquals(3, kms.liveObjectCount(), "one pipeline, player and endpoint: refusals made nothing");

        replays.stop("v", playbackId);
        assertEquals(0, kms.liveObjectCount());
        replays.play(room.key, null, "anon", viewer, recording.id(), OFFER, null);
        replays.stopAll("anon");
        assertEquals(0, kms.liveObjectCount(), "a closed connection's playbacks are released");
        assertEquals(0, replays.playing());
    }

    @Test
    void theHostIsHostAndOthersAreAudience() {
        MediaRoom room = liveRoom(RoomType.VIDEO_INTERACTIVE);
        assertEquals(RoomRole.HOST.name(), room.join("h", host, "Host", new TestPeer()).get("role"));
        assertEquals(RoomRole.AUDIENCE.name(), room.join("x", admin, "Admin", new TestPeer()).get("role"));
        assertTrue(room.isModerator("x"), "a tenant admin moderates without being the host");
        assertFalse(room.isModerator("nobody"));
    }
}
