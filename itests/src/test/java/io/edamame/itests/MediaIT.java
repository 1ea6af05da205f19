package io.edamame.itests;

import static io.edamame.itests.MediaClient.candidate;
import static io.edamame.itests.MediaClient.params;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.edamame.testing.kurento.FakeKurentoServer;
import io.edamame.testing.kurento.LiveObject;
import io.edamame.testing.kurento.RecordedCall;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The media plugin ({@code media-kurento}) in the booted distribution, end to end: real tokens, the real
 * signaling WebSocket ({@code /ws/media/{tenant}/{roomId}}, docs/MEDIA-PROTOCOL.md), the real REST API, and the
 * official Kurento client inside the plugin talking to a {@link FakeKurentoServer} that this probe runs on
 * loopback, inside the container. The fake is what lets the tests see the media server's side: which objects
 * live (leaks), which calls were made (ICE candidates, mutes), and what happens when the server crashes, restarts
 * or becomes unreachable.
 *
 * <p>Every wait is bounded ({@link MediaClient#WAIT}, {@link #RECOVERY} for a media server coming back); nothing
 * here asserts how long something took. Objects are counted per room (the pipelines tagged
 * {@code edamame.room = tenantId/roomId} and their elements), so that tests do not depend on one another.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MediaIT extends MediaTestSupport {

    private static final String RECORDING_READY = "edamame/media/RECORDING_READY";

    /** One fake per container, started by the first test and kept for the others. */
    private static FakeKurentoServer kms;
    private static Path recordings;
    private static int emptyRoomGraceSeconds = 30;

    @Override
    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(super.config()));
        options.add(mavenBundle("io.edamame", "edamame-fake-kurento").versionAsInProject().start());
        return options.toArray(new Option[0]);
    }

    // ------------------------------------------------------------------ 1: who may connect and join

    @Test
    public void connectionsAreRefusedOutsideTheTenantWithBadTokensAndWhileThePluginIsOff() throws Exception {
        Api api = mediaApi();
        Tenant a = mediaTenant(api, "md-who-a", Map.of());
        Tenant b = newTenant(api, "md-who-b");
        Member viewer = member(api, a, "viewer");
        LiveRoom roomA = liveRoom(api, a, "A's live", "VIDEO_INTERACTIVE", null);
        LiveRoom roomB = liveRoom(api, b, "B's live", "VIDEO_INTERACTIVE", null);

        // B never switched the plugin on.
        assertRefused(MediaClient.connect("anonymous on B", b.slug(), roomB.id(), null), 4403, "PLUGIN_DISABLED");
        assertRefused(MediaClient.connect("B's admin on B", b.slug(), roomB.id(), b.adminToken()), 4403,
                "PLUGIN_DISABLED");

        // Rooms of other tenants are as unknown as missing ones.
        assertRefused(MediaClient.connect("B's token on A's room", a.slug(), roomA.id(), b.adminToken()), 4404,
                "ROOM_NOT_FOUND");
        assertRefused(MediaClient.connect("room id not a number", a.slug(), "lobby", null), 4404, "ROOM_NOT_FOUND");
        assertRefused(MediaClient.connect("unknown tenant", "md-no-such-tenant", roomA.id(), null), 4404,
                "ROOM_NOT_FOUND");
        // The room itself is looked up by the access check of join.
        assertJoinClosed(MediaClient.connect("unknown room", a.slug(), 999_999_999L, null), 4404, "ROOM_NOT_FOUND");
        assertJoinClosed(MediaClient.connect("A's slug and token, B's room", a.slug(), roomB.id(), a.adminToken()),
                4404, "ROOM_NOT_FOUND");

        // Tokens that prove nothing, in the URL or in join.
        assertRefused(MediaClient.connect("garbage token", a.slug(), roomA.id(), "not-a-token"), 4401,
                "UNAUTHENTICATED");
        String[] parts = a.adminToken().split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[32]);
        assertRefused(MediaClient.connect("forged token", a.slug(), roomA.id(), forged), 4401, "UNAUTHENTICATED");
        MediaClient forgedInJoin = MediaClient.connect("forged token in join", a.slug(), roomA.id(), null);
        try (forgedInJoin) {
            forgedInJoin.sendText("{\"jsonrpc\":\"2.0\",\"id\":\"j\",\"method\":\"join\",\"params\":{\"token\":\""
                    + forged + "\"}}");
            assertClosed(forgedInJoin.awaitClose(), 4401, "UNAUTHENTICATED");
        }

        // With the plugin on, A's own participants join; switching it off closes them and refuses new ones.
        try (MediaClient host = MediaClient.connect("A's admin, the host", a.slug(), roomA.id(), a.adminToken());
             MediaClient anonymous = MediaClient.connect("A's anonymous viewer", a.slug(), roomA.id(), null);
             MediaClient member = MediaClient.connect("A's member, token in join", a.slug(), roomA.id(), null);
             MediaClient notJoined = MediaClient.connect("A's member, not joined yet", a.slug(), roomA.id(),
                     viewer.token())) {
            JsonNode hostJoined = host.joinRoom();
            assertEquals(hostJoined.toString(), "HOST", hostJoined.path("role").asText());
            assertEquals(hostJoined.toString(), a.adminId(), hostJoined.path("userId").asLong());
            assertEquals(hostJoined.toString(), "VIDEO_INTERACTIVE", hostJoined.path("roomType").asText());
            assertEquals(hostJoined.toString(), "LIVE", hostJoined.path("roomStatus").asText());
            assertEquals(hostJoined.toString(), 0, hostJoined.path("participants").size());
            assertTrue(hostJoined.toString(), hostJoined.path("raisedHands").isArray());

            JsonNode anonymousJoined = anonymous.joinRoom();
            assertEquals(anonymousJoined.toString(), "AUDIENCE", anonymousJoined.path("role").asText());
            assertTrue(anonymousJoined.toString(), anonymousJoined.path("userId").isNull());
            assertEquals(anonymousJoined.toString(), List.of(host.participantId()),
                    ids(anonymousJoined.path("participants"), "participantId"));
            assertFalse("only moderators see raised hands: " + anonymousJoined, anonymousJoined.has("raisedHands"));
            host.awaitNotification("participantJoined", about(anonymous.participantId()));

            JsonNode memberJoined = member.result("join", params("token", viewer.token()));
            assertEquals(memberJoined.toString(), viewer.id(), memberJoined.path("userId").asLong());
            assertEquals(memberJoined.toString(), "User viewer", memberJoined.path("name").asText());
            assertEquals(memberJoined.toString(), "AUDIENCE", memberJoined.path("role").asText());
            assertEquals("pong", member.result("ping", Map.of()).path("value").asText());
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("host of A"))));
            awaitRoomTypes(roomA, Map.of("Composite", 1L, "HubPort", 2L, "MediaPipeline", 1L, "RecorderEndpoint", 1L,
                    "WebRtcEndpoint", 1L), "A's room with its publication");

            switchPlugin(api, a, false, null);
            assertClosed(host.awaitClose(), 4403, "PLUGIN_DISABLED");
            assertClosed(anonymous.awaitClose(), 4403, "PLUGIN_DISABLED");
            assertClosed(member.awaitClose(), 4403, "PLUGIN_DISABLED");
            assertRefused(MediaClient.connect("A's admin, plugin off", a.slug(), roomA.id(), a.adminToken()), 4403,
                    "PLUGIN_DISABLED");
            assertError(api.withToken(a.adminToken()).get(recordingsPath(a) + "?roomId=" + roomA.id()), 403,
                    "PLUGIN_DISABLED");
            awaitRoomTypes(roomA, Map.of(), "the media of a tenant that switched the plugin off released");

            // A connection opened while the plugin was on, which had not joined yet, must not join now.
            JsonNode lateJoin = callOrNull(notJoined, "join", Map.of());
            if (lateJoin == null) {
                assertClosed(notJoined.awaitClose(), 4403, "PLUGIN_DISABLED");
            } else if (lateJoin.has("result")) {
                fail("a connection opened before the tenant switched the plugin off joined the room afterwards: "
                        + lateJoin);
            } else {
                assertEquals(lateJoin.toString(), "PLUGIN_DISABLED",
                        lateJoin.path("error").path("data").path("errorCode").asText());
            }
        } finally {
            switchPlugin(api, a, true, null);
            end(api, a, roomA.id());
            end(api, b, roomB.id());
        }
    }

    @Test
    public void suspendingTheTenantOrDeletingTheRoomClosesItsParticipants() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-suspend", Map.of());
        Api operator = api.asOperator(OPERATOR, operatorPassword());
        LiveRoom room = liveRoom(api, tenant, "Suspended", "VIDEO_INTERACTIVE", null);
        awaitRoomMedia(room);
        JsonNode doomed = createRoom(api, tenant, "Deleted before its live", "VIDEO_INTERACTIVE", null);
        long doomedId = doomed.path("id").asLong();

        try (MediaClient waiting = MediaClient.join("joined a scheduled room", tenant.slug(), doomedId, null)) {
            assertEquals(204, api.withToken(tenant.adminToken()).delete(roomsPath(tenant) + "/" + doomedId).status());
            assertClosed(waiting.awaitClose(), 4404, "ROOM_NOT_FOUND");
        }
        assertJoinClosed(MediaClient.connect("deleted room", tenant.slug(), doomedId, null), 4404, "ROOM_NOT_FOUND");

        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), tenant.adminToken());
             MediaClient viewer = MediaClient.join("viewer", tenant.slug(), room.id(), null)) {
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("suspended host"))));
            Api.Response suspended = operator.post("/platform/tenants/" + tenant.slug() + "/suspend", null);
            assertEquals(suspended.body(), 200, suspended.status());
            try {
                assertClosed(host.awaitClose(), 4403, "TENANT_SUSPENDED");
                assertClosed(viewer.awaitClose(), 4403, "TENANT_SUSPENDED");
                assertRefused(MediaClient.connect("viewer of a suspended tenant", tenant.slug(), room.id(), null), 4403,
                        "TENANT_SUSPENDED");
                awaitRoomTypes(room, Map.of(), "the media of a suspended tenant released");
            } finally {
                Api.Response activated = operator.post("/platform/tenants/" + tenant.slug() + "/activate", null);
                assertEquals(activated.body(), 200, activated.status());
            }
        }
        try (MediaClient back = MediaClient.join("host, tenant active again", tenant.slug(), room.id(),
                tenant.adminToken())) {
            back.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("host is back"))));
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    // ------------------------------------------------------------------ 2: publishing and subscribing

    @Test
    public void publishersAndSubscribersNegotiateTrickleAndReleaseWhatTheyHeld() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-pubsub", Map.of());
        Member hostUser = member(api, tenant, "host");
        Member viewerUser = member(api, tenant, "viewer");
        LiveRoom room = liveRoom(api, tenant, "Pub/sub", "VIDEO_INTERACTIVE", hostUser.id());
        Map<String, Long> bare = awaitRoomMedia(room);
        assertEquals(bare.toString(), Map.of("Composite", 1L, "HubPort", 1L, "MediaPipeline", 1L,
                "RecorderEndpoint", 1L), bare);

        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token());
             MediaClient early = MediaClient.join("viewer joined before the publication", tenant.slug(), room.id(),
                     viewerUser.token())) {
            String hostId = host.participantId();
            String publishLabel = label("host-publishes");
            JsonNode published = host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(publishLabel)));
            assertEquals(published.toString(), hostId, published.path("publisherId").asText());
            assertAnswers(published.path("sdpAnswer").asText(), "audio", "video");
            String hostEndpoint = endpointAnswering(publishLabel);

            // The media server's candidates reach the publisher, for its own endpoint.
            JsonNode hostCandidate = host.awaitNotification("iceCandidate",
                    p -> hostId.equals(p.path("publisherId").asText()));
            assertCandidate(hostCandidate.path("candidate"));

            JsonNode joined = early.awaitNotification("publisherJoined",
                    about(hostId));
            assertTrue(joined.toString(), joined.path("publishing").asBoolean());
            assertEquals(joined.toString(), "HOST", joined.path("role").asText());
            try (MediaClient late = MediaClient.connect("viewer joined after the publication", tenant.slug(),
                    room.id(), null)) {
                JsonNode lateJoined = late.joinRoom();
                JsonNode publisher = find(lateJoined.path("participants"), "participantId", hostId);
                assertTrue(lateJoined.toString(), publisher.path("publishing").asBoolean());
            }
            Map<String, Long> publishing = plus(bare, "WebRtcEndpoint", 1, "HubPort", 1);
            awaitRoomTypes(room, publishing, "the host's endpoint and its port into the recording");

            // A candidate sent before subscribing, as a notification and as a request, waits for the endpoint.
            String before1 = "candidate:11 1 UDP 2122252543 192.0.2.10 50011 typ host";
            String before2 = "candidate:12 1 UDP 2122252543 192.0.2.10 50012 typ host";
            early.notifyServer("iceCandidate", params("publisherId", hostId, "candidate", candidate(before1, "0", 0)));
            JsonNode answered = early.result("iceCandidate",
                    params("publisherId", hostId, "candidate", candidate(before2, "1", 1)));
            assertEquals(answered.toString(), 0, answered.size());
            String subscribeLabel = label("viewer-subscribes");
            JsonNode subscribed = early.result("subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(subscribeLabel)));
            assertEquals(subscribed.toString(), hostId, subscribed.path("publisherId").asText());
            assertAnswers(subscribed.path("sdpAnswer").asText(), "audio", "video");
            String subscription = endpointAnswering(subscribeLabel);
            assertNotEquals(hostEndpoint, subscription);
            String after = "candidate:13 1 UDP 2122252543 192.0.2.10 50013 typ host";
            early.result("iceCandidate", params("publisherId", hostId, "candidate", candidate(after, "0", 0)));
            await("the subscription's endpoint got the viewer's candidates, the early ones first", MediaClient.WAIT,
                    () -> kms.addedIceCandidates(subscription),
                    () -> kms.addedIceCandidates(subscription).equals(List.of(before1, before2, after)));
            assertFalse("a subscriber's candidate reached the publisher's endpoint: "
                    + kms.addedIceCandidates(hostEndpoint),
                    kms.addedIceCandidates(hostEndpoint).stream().anyMatch(c -> c.contains("192.0.2.10")));
            JsonNode viewerCandidate = early.awaitNotification("iceCandidate",
                    p -> hostId.equals(p.path("publisherId").asText()));
            assertCandidate(viewerCandidate.path("candidate"));
            // A video room carries the publisher's audio and video to the subscriber.
            assertEquals(Set.of("AUDIO", "VIDEO"), connectedTypes(hostEndpoint, subscription));
            Map<String, Long> subscribedTypes = plus(publishing, "WebRtcEndpoint", 1);
            awaitRoomTypes(room, subscribedTypes, "the subscription's endpoint");
            // What the fake holds is what the media server's own protocol reports (as MediaKmsIT reads it).
            assertEquals(roomTypes(room), KmsObjects.ofRoom(kms.uri(), room.tenantId(), room.id()).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue(), (x, y) -> x, TreeMap::new)));

            // Refused calls add nothing.
            assertRefusedCall(early, "subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("twice"))), 4007, "ALREADY_SUBSCRIBED");
            assertRefusedCall(host, "subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("self"))), 4004, "UNKNOWN_PUBLISHER");
            assertRefusedCall(early, "publish", params("sdpOffer", Sdp.publishAudio(label("audience"))), 4003,
                    "NOT_ALLOWED");
            assertRefusedCall(host, "turnPage", params("page", 1), 409, "NOT_A_SLIDES_ROOM");
            assertEquals(subscribedTypes, roomTypes(room));

            // Unsubscribing releases the subscription's endpoint, and only it.
            assertEquals(0, early.result("unsubscribe", params("publisherId", hostId)).size());
            awaitRoomTypes(room, publishing, "the endpoint released by unsubscribe");
            assertFalse(kms.liveObject(subscription).isPresent());
            assertRefusedCall(early, "unsubscribe", params("publisherId", hostId), 4004, "UNKNOWN_PUBLISHER");

            // Leaving releases what the participant held; the connection stays and may join again.
            early.result("subscribe", params("publisherId", hostId, "sdpOffer", Sdp.receiveAudioVideo(label("again"))));
            awaitRoomTypes(room, subscribedTypes, "the second subscription");
            early.result("leave", Map.of());
            awaitRoomTypes(room, publishing, "the endpoint released by leave");
            host.awaitNotification("participantLeft", about(early.participantId()));
            assertRefusedCall(early, "subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("left"))), 4001, "NOT_JOINED");
            early.joinRoom();
            early.result("subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("rejoined"))));
            awaitRoomTypes(room, subscribedTypes, "the subscription after joining again");

            // Unpublishing tells the subscribers and releases the publication and every subscription to it.
            assertEquals(0, host.result("unpublish", Map.of()).size());
            early.awaitNotification("publisherLeft", about(hostId));
            awaitRoomTypes(room, bare, "the publication and its subscription released by unpublish");
            assertRefusedCall(host, "unpublish", Map.of(), 4005, "NOT_PUBLISHING");
            assertRefusedCall(early, "subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("gone"))), 4004, "UNKNOWN_PUBLISHER");
            assertEquals(bare, roomTypes(room));
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    // ------------------------------------------------------------------ 3: join the mic

    @Test
    public void theAudienceJoinsTheMicWhenTheHostAcceptsWithinTheSpeakerLimit() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-mic", Map.of("maxSpeakers", 1));
        assertError(api.withToken(tenant.adminToken()).put("/tenants/" + tenant.slug() + "/plugins/" + PLUGIN,
                Map.of("enabled", true, "settings", Map.of("maxSpeakers", 17))), 400, "INVALID_SETTINGS");
        Member hostUser = member(api, tenant, "host");
        Member alice = member(api, tenant, "alice");
        Member bob = member(api, tenant, "bob");
        LiveRoom room = liveRoom(api, tenant, "Open mic", "AUDIO_SLIDES", hostUser.id());
        Map<String, Long> bare = awaitRoomMedia(room);

        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token());
             MediaClient a = MediaClient.join("alice", tenant.slug(), room.id(), alice.token());
             MediaClient b = MediaClient.join("bob", tenant.slug(), room.id(), bob.token());
             MediaClient anonymous = MediaClient.connect("anonymous", tenant.slug(), room.id(), null)) {
            JsonNode anonymousJoined = anonymous.joinRoom();
            assertEquals(anonymousJoined.toString(), 1, anonymousJoined.path("maxSpeakers").asInt());
            assertEquals(anonymousJoined.toString(), "AUDIO_SLIDES", anonymousJoined.path("roomType").asText());
            String aliceId = a.participantId();
            String bobId = b.participantId();

            assertRefusedCall(a, "publish", params("sdpOffer", Sdp.publishAudio(label("uninvited"))), 4003,
                    "NOT_ALLOWED");
            assertRefusedCall(anonymous, "raiseHand", Map.of(), 4013, "SIGN_IN_REQUIRED");
            assertRefusedCall(a, "acceptHand", params("participantId", bobId), 4003, "NOT_ALLOWED");
            assertRefusedCall(host, "acceptHand", params("participantId", aliceId), 4008, "HAND_NOT_RAISED");
            // Slides are the slides bundle's: its own error, with its HTTP status as code.
            assertRefusedCall(host, "turnPage", params("page", 1), 404, "NO_DECK");
            assertEquals(bare, roomTypes(room));

            a.result("raiseHand", Map.of());
            JsonNode hand = host.awaitNotification("handRaised", about(aliceId));
            assertEquals(hand.toString(), "AUDIENCE", hand.path("role").asText());
            assertEquals(hand.toString(), alice.id(), hand.path("userId").asLong());
            // A moderator who joins later sees the raised hand.
            try (MediaClient admin = MediaClient.connect("tenant admin", tenant.slug(), room.id(), tenant.adminToken())) {
                JsonNode adminJoined = admin.joinRoom();
                assertEquals(adminJoined.toString(), "AUDIENCE", adminJoined.path("role").asText());
                assertEquals(adminJoined.toString(), List.of(aliceId), texts(adminJoined.path("raisedHands")));
            }
            assertRefusedCall(b, "acceptHand", params("participantId", aliceId), 4003, "NOT_ALLOWED");

            host.result("acceptHand", params("participantId", aliceId));
            for (MediaClient everyone : List.of(host, a, b, anonymous)) {
                JsonNode updated = everyone.awaitNotification("participantUpdated",
                        about(aliceId));
                assertEquals(everyone + ": " + updated, "SPEAKER", updated.path("role").asText());
            }
            // Alice publishes what a browser offers, audio and video; an AUDIO_SLIDES room takes the audio only.
            String aliceLabel = label("alice-speaks");
            JsonNode published = a.result("publish", params("sdpOffer", Sdp.publishAudioVideo(aliceLabel)));
            assertEquals(published.toString(), aliceId, published.path("publisherId").asText());
            String aliceEndpoint = endpointAnswering(aliceLabel);
            b.awaitNotification("publisherJoined", about(aliceId));
            String recordingPort = recordingPortOf(aliceEndpoint);
            assertEquals(Set.of("AUDIO"), connectedTypes(aliceEndpoint, recordingPort));

            // The tenant's limit of one speaker is reached.
            b.result("raiseHand", Map.of());
            host.awaitNotification("handRaised", about(bobId));
            assertRefusedCall(host, "acceptHand", params("participantId", bobId), 4009, "SPEAKER_LIMIT_REACHED");
            host.result("declineHand", params("participantId", bobId));
            b.awaitNotification("handDeclined", about(bobId));

            String bobLabel = label("bob-listens");
            b.result("subscribe", params("publisherId", aliceId, "sdpOffer", Sdp.receiveAudio(bobLabel)));
            String bobSubscription = endpointAnswering(bobLabel);
            assertEquals(Set.of("AUDIO"), connectedTypes(aliceEndpoint, bobSubscription));
            Map<String, Long> onTheMic = plus(bare, "WebRtcEndpoint", 2, "HubPort", 1);
            awaitRoomTypes(room, onTheMic, "alice's endpoint and port, and bob's subscription");

            // Muting cuts alice's audio on the media server: to bob and to the recording.
            long beforeMute = lastCallSequence();
            assertRefusedCall(b, "muteSpeaker", params("participantId", aliceId), 4003, "NOT_ALLOWED");
            host.result("muteSpeaker", params("participantId", aliceId));
            for (MediaClient everyone : List.of(host, a, b, anonymous)) {
                JsonNode updated = everyone.awaitNotification("participantUpdated",
                        p -> aliceId.equals(p.path("participantId").asText()) && p.path("muted").asBoolean());
                assertEquals(everyone + ": " + updated, "SPEAKER", updated.path("role").asText());
            }
            assertEquals(Set.of(bobSubscription, recordingPort),
                    sinksOf("disconnect", aliceEndpoint, "AUDIO", beforeMute));
            // Who subscribes while she is muted does not hear her either.
            String mutedLabel = label("anonymous-listens-while-muted");
            anonymous.result("subscribe", params("publisherId", aliceId, "sdpOffer", Sdp.receiveAudio(mutedLabel)));
            String anonymousSubscription = endpointAnswering(mutedLabel);
            assertEquals("a muted speaker's audio reached a new subscriber", Set.of(),
                    connectedTypes(aliceEndpoint, anonymousSubscription));
            long beforeUnmute = lastCallSequence();
            host.result("muteSpeaker", params("participantId", aliceId, "muted", false));
            b.awaitNotification("participantUpdated",
                    p -> aliceId.equals(p.path("participantId").asText()) && !p.path("muted").asBoolean(true));
            assertEquals(Set.of(bobSubscription, recordingPort, anonymousSubscription),
                    sinksOf("connect", aliceEndpoint, "AUDIO", beforeUnmute));
            assertRefusedCall(host, "muteSpeaker", params("participantId", bobId), 4003, "NOT_ALLOWED");

            // Dropping alice ends her publication for everyone and makes her audience again.
            assertRefusedCall(b, "dropSpeaker", params("participantId", aliceId), 4003, "NOT_ALLOWED");
            host.result("dropSpeaker", params("participantId", aliceId));
            b.awaitNotification("publisherLeft", about(aliceId));
            anonymous.awaitNotification("publisherLeft", about(aliceId));
            for (MediaClient everyone : List.of(host, a, b)) {
                everyone.awaitNotification("participantUpdated",
                        about(aliceId).and(p -> "AUDIENCE".equals(p.path("role").asText())));
            }
            awaitRoomTypes(room, bare, "alice's endpoint, port and bob's subscription released by dropSpeaker");
            assertRefusedCall(a, "publish", params("sdpOffer", Sdp.publishAudio(label("dropped"))), 4003, "NOT_ALLOWED");
            assertRefusedCall(host, "dropSpeaker", params("participantId", aliceId), 4003, "NOT_ALLOWED");
            assertRefusedCall(host, "dropSpeaker", params("participantId", "nobody"), 4012, "UNKNOWN_PARTICIPANT");

            // With alice off the mic, bob may take the one place.
            b.result("raiseHand", Map.of());
            host.result("acceptHand", params("participantId", bobId));
            b.awaitNotification("participantUpdated",
                    p -> bobId.equals(p.path("participantId").asText()) && "SPEAKER".equals(p.path("role").asText()));
            b.result("publish", params("sdpOffer", Sdp.publishAudio(label("bob-speaks"))));
            a.awaitNotification("publisherJoined", about(bobId));
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    // ------------------------------------------------------------------ 4: errors leave nothing

    @Test
    public void refusedCallsLeaveNothingOnTheMediaServerAndBadFramesClose() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-errors", Map.of());
        Member viewerUser = member(api, tenant, "viewer");
        LiveRoom room = liveRoom(api, tenant, "Errors", "VIDEO_INTERACTIVE", null);
        Map<String, Long> bare = awaitRoomMedia(room);
        String refusedByTheServer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=refused\r\nt=0 0\r\n"
                + "this line is no SDP\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n";

        try (MediaClient host = MediaClient.connect("host", tenant.slug(), room.id(), tenant.adminToken())) {
            // Before join.
            assertEquals("pong", host.result("ping", Map.of()).path("value").asText());
            assertRefusedCall(host, "publish", params("sdpOffer", Sdp.publishAudio(label("early"))), 4001, "NOT_JOINED");
            assertRefusedCall(host, "subscribe", params("publisherId", "x", "sdpOffer", Sdp.receiveAudio(label("x"))),
                    4001, "NOT_JOINED");
            assertRefusedCall(host, "raiseHand", Map.of(), 4001, "NOT_JOINED");
            assertRefusedCall(host, "iceCandidate", params("publisherId", "x",
                    "candidate", candidate("candidate:1 1 UDP 1 192.0.2.1 1 typ host", "0", 0)), 4001, "NOT_JOINED");
            assertRefusedCall(host, "noSuchMethod", Map.of(), -32601, "METHOD_NOT_FOUND");
            host.joinRoom();
            assertRefusedCall(host, "join", Map.of(), 4002, "ALREADY_JOINED");
            assertRefusedCall(host, "noSuchMethod", Map.of(), -32601, "METHOD_NOT_FOUND");
            assertRefusedCall(host, "publish", Map.of(), -32602, "INVALID_PARAMS");
            assertRefusedCall(host, "publish", params("sdpOffer", 42), -32602, "INVALID_PARAMS");

            // Offers that are refused: not SDP at all (before the media server is asked), or refused by it.
            long endpointsMade = kms.createdCount("WebRtcEndpoint");
            int everything = kms.liveObjectCount();
            assertRefusedCall(host, "publish", params("sdpOffer", "hello"), 4011, "INVALID_SDP");
            assertEquals("an endpoint was made for text that is no SDP", endpointsMade,
                    kms.createdCount("WebRtcEndpoint"));
            assertRefusedCall(host, "publish", params("sdpOffer", refusedByTheServer), 4011, "INVALID_SDP");
            assertTrue("the media server was asked and refused", kms.invocations("processOffer").stream()
                    .anyMatch(c -> c.failed() && String.valueOf(c.params().get("offer")).contains("s=refused")));
            await("the endpoint made for the refused offer released", MediaClient.WAIT, () -> roomTypes(room),
                    () -> roomTypes(room).equals(bare));
            assertEquals(everything, kms.liveObjectCount());
            // And the host still publishes.
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("host"))));
            Map<String, Long> publishing = plus(bare, "WebRtcEndpoint", 1, "HubPort", 1);
            awaitRoomTypes(room, publishing, "the host's publication");
            assertRefusedCall(host, "publish", params("sdpOffer", Sdp.publishAudioVideo(label("twice"))), 4006,
                    "ALREADY_PUBLISHING");

            try (MediaClient viewer = MediaClient.join("viewer", tenant.slug(), room.id(), viewerUser.token())) {
                assertRefusedCall(viewer, "subscribe", params("publisherId", "nobody",
                        "sdpOffer", Sdp.receiveAudioVideo(label("nobody"))), 4004, "UNKNOWN_PUBLISHER");
                assertRefusedCall(viewer, "iceCandidate", params("publisherId", "nobody",
                        "candidate", candidate("candidate:1 1 UDP 1 192.0.2.1 1 typ host", "0", 0)), 4004,
                        "UNKNOWN_PUBLISHER");
                assertRefusedCall(viewer, "iceCandidate", params("publisherId", host.participantId(),
                        "candidate", Map.of("candidate", 7)), -32602, "INVALID_PARAMS");
                assertRefusedCall(viewer, "subscribe", params("publisherId", host.participantId(),
                        "sdpOffer", refusedByTheServer), 4011, "INVALID_SDP");
                await("the subscription endpoint of the refused offer released", MediaClient.WAIT,
                        () -> roomTypes(room), () -> roomTypes(room).equals(publishing));

                // Candidates kept for an endpoint that does not exist yet are bounded, and applied when it comes.
                String hostId = host.participantId();
                for (int i = 1; i <= 100; i++) {
                    viewer.notifyServer("iceCandidate", params("publisherId", hostId, "candidate",
                            candidate("candidate:" + i + " 1 UDP 2122252543 192.0.2.30 " + (40000 + i) + " typ host",
                                    "0", 0)));
                }
                assertRefusedCall(viewer, "iceCandidate", params("publisherId", hostId, "candidate",
                        candidate("candidate:101 1 UDP 2122252543 192.0.2.30 40101 typ host", "0", 0)), 4014,
                        "TOO_MANY_CANDIDATES");
                String keptLabel = label("kept candidates");
                viewer.result("subscribe", params("publisherId", hostId, "sdpOffer", Sdp.receiveAudioVideo(keptLabel)));
                String kept = endpointAnswering(keptLabel);
                await("the 100 kept candidates applied to the subscription", MediaClient.WAIT,
                        () -> kms.addedIceCandidates(kept).size(), () -> kms.addedIceCandidates(kept).size() == 100);
                viewer.result("unsubscribe", params("publisherId", hostId));
                awaitRoomTypes(room, publishing, "the subscription released");

                // Two bad frames are answered and keep the connection; the third closes it.
                viewer.sendText("not json at all");
                assertRpcError(viewer.awaitAnswerWithoutId().path("error"), -32700, "PARSE_ERROR");
                viewer.sendText("{\"jsonrpc\":\"1.0\",\"method\":\"ping\"}");
                assertRpcError(viewer.awaitAnswerWithoutId().path("error"), -32600, "INVALID_REQUEST");
                assertEquals("pong", viewer.result("ping", Map.of()).path("value").asText());
                viewer.sendText("{]");
                assertClosed(viewer.awaitClose(), 4413, null);
                host.awaitNotification("participantLeft",
                        about(viewer.participantId()));
            }

            // A frame over 64 KiB is refused by the WebSocket container, which closes the connection (1009), and
            // what that participant held is released.
            try (MediaClient big = MediaClient.join("second connection of the host", tenant.slug(), room.id(),
                    tenant.adminToken())) {
                big.result("publish", params("sdpOffer", Sdp.publishAudio(label("big"))));
                awaitRoomTypes(room, plus(publishing, "WebRtcEndpoint", 1, "HubPort", 1), "the second publication");
                big.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                        + "p".repeat(65 * 1024) + "\"}}");
                MediaClient.Closed closed = big.awaitClose();
                assertEquals(closed.toString(), 1009, closed.code());
                host.awaitNotification("publisherLeft", about(big.participantId()));
                awaitRoomTypes(room, publishing, "the publication of the connection closed for its frame");
            }
            assertTrue(host.isOpen());
            assertEquals("pong", host.result("ping", Map.of()).path("value").asText());
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    // ------------------------------------------------------------------ 5: recording

    @Test
    public void aLiveIsRecordedFromItsStartAndItsFinalisedFileServedWithRanges() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-rec", Map.of());
        Tenant other = mediaTenant(api, "md-rec-other", Map.of());
        Member hostUser = member(api, tenant, "host");
        Member viewerUser = member(api, tenant, "viewer");
        JsonNode scheduled = createRoom(api, tenant, "Recorded", "AUDIO_SLIDES", hostUser.id());
        long roomId = scheduled.path("id").asLong();
        List<Event> ready = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> listener = listen(RECORDING_READY, ready);
        LiveRoom room;
        LiveObject recorder;
        try (MediaClient host = MediaClient.connect("host", tenant.slug(), roomId, hostUser.token());
             MediaClient viewer = MediaClient.connect("viewer", tenant.slug(), roomId, viewerUser.token())) {
            // Joined before the live: no media yet.
            assertEquals("SCHEDULED", host.joinRoom().path("roomStatus").asText());
            viewer.joinRoom();
            assertRefusedCall(host, "publish", params("sdpOffer", Sdp.publishAudio(label("too early"))), 4010,
                    "ROOM_NOT_LIVE");
            assertEquals(Map.of(), roomTypes(new LiveRoom(roomId, scheduled.path("tenantId").asLong(), 0)));

            room = start(api, tenant, scheduled);
            host.awaitNotification("roomStarted");
            viewer.awaitNotification("roomStarted");
            Map<String, Long> bare = awaitRoomMedia(room);
            recorder = only(roomObjects(room), "RecorderEndpoint");
            RecordedCall made = kms.calls().stream().filter(c -> c.method().equals("create")
                    && recorder.id().equals(c.objectId())).findFirst().orElseThrow();
            String uri = String.valueOf(made.params().get("uri"));
            String folder = recordings.toUri().toString().replaceAll("/$", "") + "/" + room.tenantId() + "/" + room.id();
            assertTrue(uri + " under " + folder, uri.startsWith(folder + "/"));
            assertEquals("WEBM_AUDIO_ONLY", String.valueOf(made.params().get("mediaProfile")));
            await("the recorder records", MediaClient.WAIT, () -> kms.invocations("record"),
                    () -> kms.invocations("record").stream().anyMatch(c -> recorder.id().equals(c.objectId())));
            JsonNode recording = awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "one segment recording",
                    items -> items.size() == 1 && "RECORDING".equals(items.path(0).path("status").asText()),
                    MediaClient.WAIT).path(0);
            assertEquals(recording.toString(), 1, recording.path("segment").asInt());
            assertTrue(recording.toString(), recording.path("endedAt").isNull());
            // While it is being written, the segment is not played back.
            assertRefusedCall(viewer, "playRecording", params("recordingId", recording.path("id").asLong(),
                    "sdpOffer", Sdp.receiveAudio(label("too soon"))), 4016, "RECORDING_FILE_UNAVAILABLE");

            host.result("publish", params("sdpOffer", Sdp.publishAudio(label("recorded voice"))));
            viewer.awaitNotification("publisherJoined");
            viewer.result("subscribe", params("publisherId", host.participantId(),
                    "sdpOffer", Sdp.receiveAudio(label("listener"))));
            awaitRoomTypes(room, plus(bare, "WebRtcEndpoint", 2, "HubPort", 1), "the publication and subscription");

            end(api, tenant, room.id());
            assertClosed(host.awaitClose(), 4410, "ROOM_ENDED");
            assertClosed(viewer.awaitClose(), 4410, "ROOM_ENDED");
        } finally {
            listener.unregister();
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
        String recorderId = recorder.id();
        assertTrue("the recorder was stopped before its pipeline went", kms.calls().stream()
                .anyMatch(c -> recorderId.equals(c.objectId()) && !c.failed()
                        && ("stop".equals(c.operation()) || "stopAndWait".equals(c.operation()))));

        JsonNode segment = awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "one FINALISED segment",
                items -> items.size() == 1 && "FINALISED".equals(items.path(0).path("status").asText()),
                MediaClient.WAIT).path(0);
        long recordingId = segment.path("id").asLong();
        long size = segment.path("sizeBytes").asLong();
        assertEquals(segment.toString(), 1, segment.path("segment").asInt());
        assertTrue(segment.toString(), size > 0);
        assertFalse(segment.toString(), segment.path("endedAt").isNull());
        assertTrue(segment.toString(), segment.path("durationMs").asLong(-1) >= 0);
        assertEquals(segment.toString(), "/api/v1" + recordingsPath(tenant) + "/" + recordingId + "/file",
                segment.path("fileUrl").asText());
        Path file = Path.of(URI.create(segment.path("location").asText()));
        assertTrue(segment + ": the file is where the location says", Files.isRegularFile(file));
        assertEquals(size, Files.size(file));
        await("RECORDING_READY posted for the segment", MediaClient.WAIT, () -> ready, () -> ready.stream()
                .anyMatch(e -> Long.valueOf(recordingId).equals(e.getProperty("recording.id"))
                        && Long.valueOf(room.id()).equals(e.getProperty("room.id"))));

        // The viewer reads the same list without the storage location, and the file.
        JsonNode forViewer = api.withToken(viewerUser.token()).get(recordingsPath(tenant) + "?roomId=" + room.id())
                .json().path("items").path(0);
        assertEquals(forViewer.toString(), recordingId, forViewer.path("id").asLong());
        assertFalse("the location is for the host and admins: " + forViewer, forViewer.has("location"));
        JsonNode one = api.withToken(viewerUser.token()).get(recordingsPath(tenant) + "/" + recordingId).json();
        assertEquals(one.toString(), "FINALISED", one.path("status").asText());

        String filePath = recordingsPath(tenant) + "/" + recordingId + "/file";
        HttpResponse<byte[]> whole = getBytes(filePath, viewerUser.token(), null);
        assertEquals(200, whole.statusCode());
        assertArrayEquals(Files.readAllBytes(file), whole.body());
        assertArrayEquals("a WebM (EBML) file", new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3},
                Arrays.copyOf(whole.body(), 4));
        assertEquals("audio/webm", whole.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(null));

        // For a <video src>, which cannot send a header, the token comes in the query.
        HttpResponse<byte[]> byQuery = getBytes(filePath + "?token="
                + java.net.URLEncoder.encode(viewerUser.token(), java.nio.charset.StandardCharsets.UTF_8), null, null);
        assertEquals(200, byQuery.statusCode());
        assertArrayEquals(whole.body(), byQuery.body());

        HttpResponse<byte[]> first10 = getBytes(filePath, viewerUser.token(), "bytes=0-9");
        assertEquals(206, first10.statusCode());
        assertEquals("bytes 0-9/" + size, first10.headers().firstValue("Content-Range").orElse(null));
        assertArrayEquals(Arrays.copyOf(whole.body(), 10), first10.body());
        HttpResponse<byte[]> tail = getBytes(filePath, viewerUser.token(), "bytes=-4");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(whole.body(), (int) size - 4, (int) size), tail.body());
        HttpResponse<byte[]> pastTheEnd = getBytes(filePath, viewerUser.token(), "bytes=" + (size + 10) + "-");
        assertEquals(416, pastTheEnd.statusCode());
        assertEquals("bytes */" + size, pastTheEnd.headers().firstValue("Content-Range").orElse(null));

        // Another tenant: with its token on this tenant's path, or on its own path with this recording's id.
        Api asOther = api.withToken(other.adminToken());
        assertEquals(404, asOther.get(recordingsPath(tenant) + "?roomId=" + room.id()).status());
        assertEquals(404, asOther.get(recordingsPath(tenant) + "/" + recordingId).status());
        assertError(asOther.get(recordingsPath(other) + "/" + recordingId), 404, "RECORDING_NOT_FOUND");
        assertEquals(404, getBytes(filePath, other.adminToken(), null).statusCode());
        assertEquals(404, getBytes(recordingsPath(other) + "/" + recordingId + "/file", other.adminToken(), null)
                .statusCode());
    }

    /**
     * A media server writes a recording's file as the live goes on. Until the segment is finalised that file is
     * incomplete, and MEDIA-PROTOCOL.md's RECORDING_FILE_UNAVAILABLE covers "still being written". The fake writes
     * its file only when the recorder stops, so the test writes the first bytes, as a media server would.
     */
    @Test
    public void aSegmentStillBeingRecordedIsNotServedAsAFile() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-rec-partial", Map.of());
        LiveRoom room = liveRoom(api, tenant, "Still recording", "VIDEO_INTERACTIVE", null);
        awaitRoomMedia(room);
        try {
            JsonNode segment = awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "one segment RECORDING",
                    items -> items.size() == 1 && "RECORDING".equals(items.path(0).path("status").asText()),
                    MediaClient.WAIT).path(0);
            Path file = Path.of(URI.create(segment.path("location").asText()));
            Files.write(file, new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0, 0, 0, 0});
            HttpResponse<byte[]> partial = getBytes(recordingsPath(tenant) + "/" + segment.path("id").asLong() + "/file",
                    tenant.adminToken(), null);
            assertEquals("the file of a segment still RECORDING was served: " + new String(partial.body(),
                    java.nio.charset.StandardCharsets.ISO_8859_1), 404, partial.statusCode());
            assertTrue(new String(partial.body(), java.nio.charset.StandardCharsets.UTF_8),
                    new String(partial.body(), java.nio.charset.StandardCharsets.UTF_8)
                            .contains("RECORDING_FILE_UNAVAILABLE"));
        } finally {
            end(api, tenant, room.id());
        }
        awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "the segment FINALISED",
                items -> items.size() == 1 && "FINALISED".equals(items.path(0).path("status").asText()),
                MediaClient.WAIT);
    }

    @Test
    public void aTenantThatDoesNotRecordGetsNoRecorderAndNoRecordings() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-no-rec", Map.of("recording", false));
        LiveRoom room = liveRoom(api, tenant, "Not recorded", "VIDEO_INTERACTIVE", null);
        awaitRoomTypes(room, Map.of("MediaPipeline", 1L), "the live room's pipeline, without a recorder");
        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), tenant.adminToken())) {
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("unrecorded"))));
            awaitRoomTypes(room, Map.of("MediaPipeline", 1L, "WebRtcEndpoint", 1L), "the publication, unrecorded");
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
        Api.Response list = api.withToken(tenant.adminToken()).get(recordingsPath(tenant) + "?roomId=" + room.id());
        assertEquals(list.body(), 200, list.status());
        assertEquals(list.body(), 0, list.json().path("items").size());
    }

    /** An upgrade or a new configuration restarts the plugin: its connections are told to reconnect (1012). */
    @Test
    public void aConfigurationChangeAppliesWithoutClosingConnectionsOrTheRoomsMedia() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-reconfigured", Map.of());
        LiveRoom room = liveRoom(api, tenant, "Reconfigured", "VIDEO_INTERACTIVE", null);
        Map<String, Long> bare = awaitRoomMedia(room);
        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), tenant.adminToken());
             MediaClient viewer = MediaClient.join("viewer", tenant.slug(), room.id(), null)) {
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("before the change"))));
            Map<String, Long> publishing = plus(bare, "WebRtcEndpoint", 1, "HubPort", 1);
            awaitRoomTypes(room, publishing, "the host publishing");

            configureMedia(kms.uri().toString(), recordings.toUri().toString(), ++emptyRoomGraceSeconds);
            mediaApi();

            // Both connections still answer, and the media made before the change still carries the room.
            assertEquals("pong", host.result("ping", params()).path("value").asText());
            viewer.result("subscribe", params("publisherId", host.participantId(),
                    "sdpOffer", Sdp.receiveAudioVideo(label("after the change"))));
            awaitRoomTypes(room, plus(publishing, "WebRtcEndpoint", 1), "the viewer's subscription beside the rest");
            awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "still one segment, RECORDING",
                    items -> items.size() == 1 && "RECORDING".equals(items.path(0).path("status").asText()),
                    MediaClient.WAIT);
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    // ------------------------------------------------------------------ 6: losing the media server

    @Test
    public void aRestartedMediaServerResetsTheRoomWhichIsRebuiltInANewRecordingSegment() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-restart", Map.of());
        Member hostUser = member(api, tenant, "host");
        Member viewerUser = member(api, tenant, "viewer");
        LiveRoom room = liveRoom(api, tenant, "Through a restart", "VIDEO_INTERACTIVE", hostUser.id());
        Map<String, Long> bare = awaitRoomMedia(room);
        List<Event> ready = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> listener = listen(RECORDING_READY, ready);

        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token());
             MediaClient viewer = MediaClient.join("viewer", tenant.slug(), room.id(), viewerUser.token())) {
            String hostId = host.participantId();
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("before the crash"))));
            viewer.awaitNotification("publisherJoined", about(hostId));
            viewer.result("subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("watching before the crash"))));
            String serverBefore = kms.serverId();

            kms.crash();
            kms.restart();
            assertNotEquals(serverBefore, kms.serverId());
            for (MediaClient participant : List.of(host, viewer)) {
                JsonNode reset = participant.awaitNotification("mediaReset", p -> true, RECOVERY);
                assertEquals(reset.toString(), "MEDIA_SERVER_LOST", reset.path("reason").asText());
                participant.awaitNotification("mediaAvailable", p -> true, RECOVERY);
                List<String> order = participant.receivedMethods().stream()
                        .filter(m -> m.equals("mediaReset") || m.equals("mediaAvailable")).toList();
                assertEquals(participant + " heard the reset, then the media back", List.of("mediaReset",
                        "mediaAvailable"), order);
            }
            awaitMediaServer(api, kms.uri().toString(), "UP", RECOVERY);
            awaitRoomTypes(room, bare, "the room's media rebuilt on the restarted server");

            // Publishing and subscribing again, as the protocol tells the clients to.
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("after the restart"))));
            viewer.awaitNotification("publisherJoined", about(hostId));
            viewer.result("subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("watching after the restart"))));
            awaitRoomTypes(room, plus(bare, "WebRtcEndpoint", 2, "HubPort", 1), "the new publication and subscription");

            JsonNode segments = awaitRecordings(api, tenant, tenant.adminToken(), room.id(),
                    "segment 1 INTERRUPTED and segment 2 RECORDING", items -> items.size() == 2
                            && "INTERRUPTED".equals(items.path(0).path("status").asText())
                            && "RECORDING".equals(items.path(1).path("status").asText()), MediaClient.WAIT);
            assertEquals(segments.toString(), List.of(1, 2), List.of(segments.path(0).path("segment").asInt(),
                    segments.path(1).path("segment").asInt()));
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
        JsonNode segments = awaitRecordings(api, tenant, tenant.adminToken(), room.id(),
                "segment 1 INTERRUPTED and segment 2 FINALISED", items -> items.size() == 2
                        && "INTERRUPTED".equals(items.path(0).path("status").asText())
                        && "FINALISED".equals(items.path(1).path("status").asText()), MediaClient.WAIT);
        assertTrue(segments.toString(), segments.path(1).path("sizeBytes").asLong() > 0);
        assertFalse(segments.toString(), segments.path(0).path("endedAt").isNull());
        try {
            Set<Long> expected = Set.of(segments.path(0).path("id").asLong(), segments.path(1).path("id").asLong());
            await("RECORDING_READY posted for the interrupted and the finalised segment", MediaClient.WAIT,
                    () -> ready, () -> ready.stream().map(e -> e.getProperty("recording.id"))
                            .collect(Collectors.toSet()).containsAll(expected));
        } finally {
            listener.unregister();
        }
    }

    @Test
    public void aDroppedConnectionToTheSameServerInterruptsAndResumesWithoutLosingTheMedia() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-blip", Map.of());
        Member hostUser = member(api, tenant, "host");
        LiveRoom room = liveRoom(api, tenant, "Through a network blip", "VIDEO_INTERACTIVE", hostUser.id());
        Map<String, Long> bare = awaitRoomMedia(room);
        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token());
             MediaClient viewer = MediaClient.join("viewer", tenant.slug(), room.id(), null)) {
            String hostId = host.participantId();
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("through the blip"))));
            viewer.awaitNotification("publisherJoined", about(hostId));
            viewer.result("subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("watching through the blip"))));
            Map<String, Long> flowing = plus(bare, "WebRtcEndpoint", 2, "HubPort", 1);
            awaitRoomTypes(room, flowing, "the publication and subscription");
            Set<String> objects = roomObjects(room).stream().map(LiveObject::id).collect(Collectors.toSet());

            kms.dropConnections();
            for (MediaClient participant : List.of(host, viewer)) {
                participant.awaitNotification("mediaInterrupted", p -> true, RECOVERY);
                participant.awaitNotification("mediaResumed", p -> true, RECOVERY);
            }
            awaitMediaServer(api, kms.uri().toString(), "UP", RECOVERY);
            // Nothing was lost, nothing rebuilt: the same objects, the same recording segment, no reset.
            assertEquals(objects, roomObjects(room).stream().map(LiveObject::id).collect(Collectors.toSet()));
            assertEquals(List.of(), host.received("mediaReset"));
            assertEquals(List.of(), viewer.received("mediaReset"));
            JsonNode segments = api.withToken(tenant.adminToken()).get(recordingsPath(tenant) + "?roomId=" + room.id())
                    .json().path("items");
            assertEquals(segments.toString(), 1, segments.size());
            assertEquals(segments.toString(), "RECORDING", segments.path(0).path("status").asText());
            // And the room goes on: a second viewer subscribes to the same publication.
            try (MediaClient late = MediaClient.join("viewer after the blip", tenant.slug(), room.id(), null)) {
                late.result("subscribe", params("publisherId", hostId,
                        "sdpOffer", Sdp.receiveAudioVideo(label("after the blip"))));
                awaitRoomTypes(room, plus(flowing, "WebRtcEndpoint", 1), "a new subscription after the blip");
            }
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    @Test
    public void anUnreachableMediaServerAnswersMediaUnavailableWhileTheRestOfThePlatformWorks() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-unreachable", Map.of());
        Member hostUser = member(api, tenant, "host");
        Member viewerUser = member(api, tenant, "viewer");
        LiveRoom room = liveRoom(api, tenant, "Without a media server", "VIDEO_INTERACTIVE", hostUser.id());
        Map<String, Long> bare = awaitRoomMedia(room);
        String url = kms.uri().toString();

        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token());
             MediaClient viewer = MediaClient.join("viewer", tenant.slug(), room.id(), viewerUser.token())) {
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("before the outage"))));
            String abandoned = only(roomObjects(room), "MediaPipeline").id();

            stopListening(kms);
            kms.dropConnections();
            try {
                JsonNode down = awaitMediaServer(api, url, "DOWN", RECOVERY);
                assertFalse(down.toString(), down.path("servers").path(0).path("error").asText().isEmpty());
                host.awaitNotification("mediaReset", p -> true, RECOVERY);
                viewer.awaitNotification("mediaReset", p -> true, RECOVERY);
                assertRefusedCall(host, "publish", params("sdpOffer", Sdp.publishAudioVideo(label("during the outage"))),
                        5003, "MEDIA_UNAVAILABLE");

                // Everything else answers.
                assertEquals("pong", viewer.result("ping", Map.of()).path("value").asText());
                Api admin = api.withToken(tenant.adminToken());
                Api.Response rooms = admin.get(roomsPath(tenant));
                assertEquals(rooms.body(), 200, rooms.status());
                Api.Response oneRoom = admin.get(roomsPath(tenant) + "/" + room.id());
                assertEquals(oneRoom.body(), 200, oneRoom.status());
                assertEquals("LIVE", oneRoom.json().path("status").asText());
                Api.Response health = api.get("/health");
                assertEquals(health.body(), 200, health.status());
                assertEquals("UP", health.json().path("database").path("status").asText());
                awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "the cut segment INTERRUPTED",
                        items -> items.size() == 1 && "INTERRUPTED".equals(items.path(0).path("status").asText()),
                        MediaClient.WAIT);
                try (MediaClient newcomer = MediaClient.connect("joins during the outage", tenant.slug(), room.id(),
                        null)) {
                    assertEquals("LIVE", newcomer.joinRoom().path("roomStatus").asText());
                }
            } finally {
                kms.resumeListening();
            }
            awaitMediaServer(api, url, "UP", RECOVERY);
            host.awaitNotification("mediaAvailable", p -> true, RECOVERY);
            viewer.awaitNotification("mediaAvailable", p -> true, RECOVERY);
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("after the outage"))));
            // The server kept the pipeline of before the outage; the node releases it as abandoned.
            await("the abandoned pipeline released and the room rebuilt", RECOVERY, () -> roomObjects(room),
                    () -> kms.liveObject(abandoned).isEmpty()
                            && roomTypes(room).equals(plus(bare, "WebRtcEndpoint", 1, "HubPort", 1)));
        } finally {
            end(api, tenant, room.id());
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    /** Two media servers: a room lost with its server is rebuilt on the other, and the first leaks nothing when back. */
    @Test
    public void aRoomLostWithItsServerIsRebuiltOnAnotherServer() throws Exception {
        Api api = mediaApi();
        String first = kms.uri().toString();
        try (FakeKurentoServer other = new FakeKurentoServer()) {
            String second = other.start().toString();
            configureMedia(first + "," + second, recordings.toUri().toString(), ++emptyRoomGraceSeconds);
            try {
                awaitMediaHealth(api, "both media servers UP", media -> media.path("servers").size() == 2
                        && "UP".equals(media.path("status").asText()), RECOVERY);
                awaitMediaSocket();
                Tenant tenant = mediaTenant(api, "md-failover", Map.of());
                LiveRoom room = liveRoom(api, tenant, "Moving", "VIDEO_INTERACTIVE", null);
                await("the room's media on one of the two servers", MediaClient.WAIT,
                        () -> roomTypes(kms, room) + " / " + roomTypes(other, room),
                        () -> roomTypes(kms, room).containsKey("RecorderEndpoint")
                                != roomTypes(other, room).containsKey("RecorderEndpoint"));
                FakeKurentoServer lost = roomTypes(kms, room).containsKey("RecorderEndpoint") ? kms : other;
                FakeKurentoServer kept = lost == kms ? other : kms;
                try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), tenant.adminToken())) {
                    host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("on the first server"))));
                    String abandoned = only(roomObjects(lost, room), "MediaPipeline").id();

                    stopListening(lost);
                    lost.dropConnections();
                    try {
                        host.awaitNotification("mediaReset", p -> true, RECOVERY);
                        host.awaitNotification("mediaAvailable", p -> true, RECOVERY);
                        host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("on the second server"))));
                        Map<String, Long> moved = Map.of("Composite", 1L, "HubPort", 2L, "MediaPipeline", 1L,
                                "RecorderEndpoint", 1L, "WebRtcEndpoint", 1L);
                        await("the room rebuilt on the other server", MediaClient.WAIT, () -> roomTypes(kept, room),
                                () -> roomTypes(kept, room).equals(moved));
                        awaitRecordings(api, tenant, tenant.adminToken(), room.id(),
                                "segment 1 INTERRUPTED, segment 2 RECORDING", items -> items.size() == 2
                                        && "INTERRUPTED".equals(items.path(0).path("status").asText())
                                        && "RECORDING".equals(items.path(1).path("status").asText()), MediaClient.WAIT);
                    } finally {
                        lost.resumeListening();
                    }
                    // Back, the first server still holds the room's old pipeline: the node releases it.
                    await("the abandoned pipeline released on the server that came back", RECOVERY,
                            () -> roomObjects(lost, room), () -> lost.liveObject(abandoned).isEmpty());
                    assertEquals(Map.of(), roomTypes(lost, room));
                } finally {
                    end(api, tenant, room.id());
                }
                await("nothing of the ended room on either server", MediaClient.WAIT,
                        () -> roomTypes(kms, room) + " / " + roomTypes(other, room),
                        () -> roomTypes(kms, room).isEmpty() && roomTypes(other, room).isEmpty());
            } finally {
                configureMedia(first, recordings.toUri().toString(), ++emptyRoomGraceSeconds);
                awaitMediaServer(api, first, "UP", RECOVERY);
            }
        }
    }

    // ------------------------------------------------------------------ 7: slides with voice

    @Test
    public void slidesTurnedByTheHostReachEveryParticipantAndTheTimeline() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-slides", Map.of());
        Member hostUser = member(api, tenant, "host");
        Member viewerUser = member(api, tenant, "viewer");
        JsonNode scheduled = createRoom(api, tenant, "Slides with voice", "AUDIO_SLIDES", hostUser.id());
        long roomId = scheduled.path("id").asLong();
        String slides = roomsPath(tenant) + "/" + roomId + "/slides";

        Api.Response uploaded = postBytes(slides + "?fileName=talk.pdf", hostUser.token(), "application/pdf",
                TinyPdf.pages(3));
        assertEquals(uploaded.body(), 201, uploaded.status());
        long deckId = uploaded.json().path("id").asLong();
        assertEquals(uploaded.body(), 3, uploaded.json().path("pageCount").asInt());
        LiveRoom room = start(api, tenant, scheduled);

        try (MediaClient host = MediaClient.join("host", tenant.slug(), roomId, hostUser.token());
             MediaClient viewer = MediaClient.connect("viewer", tenant.slug(), roomId, viewerUser.token());
             MediaClient anonymous = MediaClient.join("anonymous", tenant.slug(), roomId, null);
             MediaClient admin = MediaClient.join("tenant admin", tenant.slug(), roomId, tenant.adminToken())) {
            JsonNode joined = viewer.joinRoom();
            JsonNode current = joined.path("slides");
            assertEquals(joined.toString(), deckId, current.path("deckId").asLong());
            assertEquals(joined.toString(), 1, current.path("page").asInt());
            assertEquals(joined.toString(), 3, current.path("pageCount").asInt());
            host.result("publish", params("sdpOffer", Sdp.publishAudio(label("the voice"))));

            JsonNode turned = host.result("turnPage", params("page", 2));
            assertEquals(turned.toString(), deckId, turned.path("deckId").asLong());
            assertEquals(turned.toString(), 2, turned.path("page").asInt());
            assertEquals(turned.toString(), 3, turned.path("pageCount").asInt());
            long offsetMs = turned.path("offsetMs").asLong(-1);
            assertTrue(turned.toString(), offsetMs >= 0);
            for (MediaClient everyone : List.of(host, viewer, anonymous, admin)) {
                JsonNode page = everyone.awaitNotification("pageTurned", p -> p.path("page").asInt() == 2);
                assertEquals(everyone + ": " + page, deckId, page.path("deckId").asLong());
                assertEquals(everyone + ": " + page, 3, page.path("pageCount").asInt());
                assertEquals(everyone + ": " + page, offsetMs, page.path("offsetMs").asLong());
                assertFalse(everyone + ": " + page, page.path("newDeck").asBoolean(true));
            }
            assertRefusedCall(viewer, "turnPage", params("page", 3), 4003, "NOT_ALLOWED");
            assertRefusedCall(anonymous, "turnPage", params("page", 3), 4003, "NOT_ALLOWED");
            assertRefusedCall(host, "turnPage", params("page", 9), 400, "PAGE_OUT_OF_RANGE");
            assertRefusedCall(host, "turnPage", params("page", "three"), -32602, "INVALID_PARAMS");
            // A tenant admin moderates without being the host.
            JsonNode byAdmin = admin.result("turnPage", params("page", 3));
            viewer.awaitNotification("pageTurned", p -> p.path("page").asInt() == 3);

            JsonNode timeline = api.withToken(viewerUser.token()).get(slides + "/timeline").json();
            List<String> turns = new ArrayList<>();
            timeline.path("items").forEach(i -> turns.add(i.path("page").asInt() + "@" + i.path("offsetMs").asLong()));
            assertEquals(timeline.toString(), List.of("1@0", "2@" + offsetMs, "3@" + byAdmin.path("offsetMs").asLong()),
                    turns);
            assertEquals(timeline.toString(), deckId, timeline.path("decks").path(0).path("id").asLong());

            // A new deck during the live is shown at its page 1 to everyone.
            Api.Response second = postBytes(slides + "?fileName=more.pdf", hostUser.token(), "application/pdf",
                    TinyPdf.pages(2));
            assertEquals(second.body(), 201, second.status());
            long secondDeck = second.json().path("id").asLong();
            JsonNode newDeck = viewer.awaitNotification("pageTurned", p -> p.path("deckId").asLong() == secondDeck);
            assertEquals(newDeck.toString(), 1, newDeck.path("page").asInt());
            assertEquals(newDeck.toString(), 2, newDeck.path("pageCount").asInt());
            assertTrue(newDeck.toString(), newDeck.path("newDeck").asBoolean());

            HttpResponse<byte[]> image = getBytes(slides + "/decks/" + secondDeck + "/pages/2", viewerUser.token(), null);
            assertEquals(200, image.statusCode());
            assertArrayEquals("a PNG", new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(image.body(), 4));
        } finally {
            end(api, tenant, roomId);
        }
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");
    }

    // ------------------------------------------------------------------ 8: replay

    @Test
    public void recordingsPlayBackOverWebRtcOnTheEndedRoomsConnection() throws Exception {
        Api api = mediaApi();
        Tenant tenant = mediaTenant(api, "md-replay", Map.of());
        Member hostUser = member(api, tenant, "host");
        Member viewerUser = member(api, tenant, "viewer");
        LiveRoom room = liveRoom(api, tenant, "To watch again", "VIDEO_INTERACTIVE", hostUser.id());
        awaitRoomMedia(room);
        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token())) {
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("recorded"))));
            end(api, tenant, room.id());
            assertClosed(host.awaitClose(), 4410, "ROOM_ENDED");
        }
        JsonNode recording = awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "one FINALISED segment",
                items -> items.size() == 1 && "FINALISED".equals(items.path(0).path("status").asText()),
                MediaClient.WAIT).path(0);
        long recordingId = recording.path("id").asLong();
        awaitRoomTypes(room, Map.of(), "nothing of the ended room");

        try (MediaClient replay = MediaClient.connect("replay viewer", tenant.slug(), room.id(), viewerUser.token())) {
            // The room ended: join is refused and the connection stays, for the replay.
            assertRefusedCall(replay, "join", Map.of(), 4010, "ROOM_NOT_LIVE");
            assertTrue(replay.isOpen());
            assertRefusedCall(replay, "playRecording", params("recordingId", 999_999_999L,
                    "sdpOffer", Sdp.receiveAudioVideo(label("nothing"))), 4015, "RECORDING_NOT_FOUND");
            assertRefusedCall(replay, "playRecording", params("recordingId", recordingId, "sdpOffer", "hello"), 4011,
                    "INVALID_SDP");
            assertEquals(Map.of(), roomTypes(room));

            String playLabel = label("replay");
            JsonNode playing = replay.result("playRecording", params("recordingId", recordingId,
                    "sdpOffer", Sdp.receiveAudioVideo(playLabel)));
            String playbackId = playing.path("playbackId").asText();
            assertFalse(playing.toString(), playbackId.isEmpty());
            assertAnswers(playing.path("sdpAnswer").asText(), "audio", "video");
            assertEquals(playing.toString(), recording.path("durationMs").asLong(), playing.path("durationMs").asLong());
            Map<String, Long> playback = Map.of("MediaPipeline", 1L, "PlayerEndpoint", 1L, "WebRtcEndpoint", 1L);
            awaitRoomTypes(room, playback, "the playback's pipeline, player and endpoint");
            LiveObject player = only(roomObjects(room), "PlayerEndpoint");
            RecordedCall playerMade = kms.calls().stream().filter(c -> c.method().equals("create")
                    && player.id().equals(c.objectId())).findFirst().orElseThrow();
            assertEquals(recording.path("location").asText(), String.valueOf(playerMade.params().get("uri")));
            assertTrue("the player plays", kms.invocations("play").stream()
                    .anyMatch(c -> player.id().equals(c.objectId())));
            JsonNode candidate = replay.awaitNotification("iceCandidate",
                    p -> playbackId.equals(p.path("publisherId").asText()));
            assertCandidate(candidate.path("candidate"));

            assertEquals(0, replay.result("stopPlayback", params("playbackId", playbackId)).size());
            awaitRoomTypes(room, Map.of(), "the playback released by stopPlayback");
            assertRefusedCall(replay, "stopPlayback", params("playbackId", playbackId), 4015, "RECORDING_NOT_FOUND");

            // The end of the file ends the playback.
            String ending = replay.result("playRecording", params("recordingId", recordingId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("to the end")))).path("playbackId").asText();
            awaitRoomTypes(room, playback, "the second playback");
            kms.raiseEvent(only(roomObjects(room), "PlayerEndpoint").id(), "EndOfStream", Map.of());
            replay.awaitNotification("playbackEnded", p -> ending.equals(p.path("playbackId").asText()));
            awaitRoomTypes(room, Map.of(), "the playback released at the end of the file");

            // Closing a connection stops its playbacks.
            try (MediaClient leaving = MediaClient.connect("replay viewer who leaves", tenant.slug(), room.id(),
                    viewerUser.token())) {
                leaving.result("playRecording", params("recordingId", recordingId,
                        "sdpOffer", Sdp.receiveAudioVideo(label("left"))));
                awaitRoomTypes(room, playback, "the playback of the connection about to close");
            }
            awaitRoomTypes(room, Map.of(), "the playback released with its connection");

            // Candidates the viewer trickles reach the playback's endpoint.
            String trickleLabel = label("trickled replay");
            String trickled = replay.result("playRecording", params("recordingId", recordingId,
                    "sdpOffer", Sdp.receiveAudioVideo(trickleLabel))).path("playbackId").asText();
            String endpoint = endpointAnswering(trickleLabel);
            String line = "candidate:21 1 UDP 2122252543 192.0.2.20 50021 typ host";
            JsonNode trickle = replay.call("iceCandidate", params("publisherId", trickled,
                    "candidate", candidate(line, "0", 0)));
            assertTrue("iceCandidate for a playback (no join needed for a replay) was refused: " + trickle,
                    trickle.has("result"));
            await("the playback's endpoint got the candidate", MediaClient.WAIT, () -> kms.addedIceCandidates(endpoint),
                    () -> kms.addedIceCandidates(endpoint).contains(line));
        }
        awaitRoomTypes(room, Map.of(), "the trickled playback released with its connection");
    }

    // ------------------------------------------------------------------ the fake and its room objects

    /** The API, once the plugin uses this class's fake media server and the media WebSocket answers. */
    private Api mediaApi() throws Exception {
        Api api = api();
        synchronized (MediaIT.class) {
            if (kms == null) {
                FakeKurentoServer fake = new FakeKurentoServer();
                fake.start();
                recordings = Files.createTempDirectory("edamame-itest-recordings");
                kms = fake;
                configureMedia(kms.uri().toString(), recordings.toUri().toString(), emptyRoomGraceSeconds);
            }
        }
        awaitMediaServer(api, kms.uri().toString(), "UP", RECOVERY);
        awaitMediaSocket();
        return api;
    }

    /**
     * Stops the fake listening, and waits until its port refuses connections. FakeKurentoServer.stopListening()
     * returns while its accept thread may still take a connection made at once (and serve it): the Kurento client,
     * which reconnects at once, then finds the "unreachable" server and resumes. Reported; until then this waits.
     */
    private static void stopListening(FakeKurentoServer server) throws Exception {
        server.stopListening();
        long deadline = System.nanoTime() + MediaClient.WAIT.toNanos();
        while (true) {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), server.port()),
                        1000);
            } catch (java.net.ConnectException refused) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("the fake media server still accepts connections after stopListening()");
            }
            Thread.sleep(10);
        }
    }

    /** The objects of the room's pipelines (tagged {@code edamame.room}) on the fake, pipelines included. */
    private static List<LiveObject> roomObjects(LiveRoom room) {
        return roomObjects(kms, room);
    }

    private static List<LiveObject> roomObjects(FakeKurentoServer server, LiveRoom room) {
        String tag = room.tenantId() + "/" + room.id();
        List<LiveObject> all = server.liveObjects();
        Set<String> pipelines = all.stream().filter(o -> o.type().equals("MediaPipeline")
                && tag.equals(o.tags().get(KmsObjects.ROOM_TAG))).map(LiveObject::id).collect(Collectors.toSet());
        return all.stream().filter(o -> pipelines.contains(o.id()) || pipelines.contains(o.parentId())).toList();
    }

    private static Map<String, Long> roomTypes(LiveRoom room) {
        return roomTypes(kms, room);
    }

    private static Map<String, Long> roomTypes(FakeKurentoServer server, LiveRoom room) {
        return roomObjects(server, room).stream().collect(Collectors.groupingBy(LiveObject::type, TreeMap::new,
                Collectors.counting()));
    }

    private static void awaitRoomTypes(LiveRoom room, Map<String, Long> expected, String what) throws Exception {
        await("the room's objects on the media server are " + new TreeMap<>(expected) + " (" + what + ")",
                MediaClient.WAIT, () -> roomTypes(room), () -> roomTypes(room).equals(expected));
    }

    /** Waits until the live room's media is built (its pipeline and recorder); what it holds then. */
    private static Map<String, Long> awaitRoomMedia(LiveRoom room) throws Exception {
        await("the live room's pipeline and recorder on the media server", MediaClient.WAIT, () -> roomTypes(room),
                () -> roomTypes(room).getOrDefault("RecorderEndpoint", 0L) == 1
                        && roomTypes(room).getOrDefault("HubPort", 0L) == 1);
        return roomTypes(room);
    }

    private static LiveObject only(List<LiveObject> objects, String type) {
        List<LiveObject> ofType = objects.stream().filter(o -> o.type().equals(type)).toList();
        assertEquals("one " + type + " in " + objects, 1, ofType.size());
        return ofType.get(0);
    }

    /** The endpoint whose processOffer answered the offer named {@code label}. */
    private static String endpointAnswering(String label) {
        List<String> endpoints = kms.invocations("processOffer").stream().filter(c -> !c.failed())
                .filter(c -> String.valueOf(c.params().get("offer")).contains("\r\ns=" + label + "\r\n"))
                .map(RecordedCall::objectId).distinct().toList();
        assertEquals("the endpoint that answered offer '" + label + "'", 1, endpoints.size());
        return endpoints.get(0);
    }

    /** The HubPort a publisher's endpoint feeds into the room's recording. */
    private static String recordingPortOf(String endpoint) {
        Set<String> ports = kms.invocations("connect").stream().filter(c -> endpoint.equals(c.objectId()))
                .map(c -> String.valueOf(c.params().get("sink")))
                .filter(sink -> KmsObjects.typeOf(sink).equals("HubPort")).collect(Collectors.toSet());
        assertEquals("the recording port fed by " + endpoint, 1, ports.size());
        return ports.iterator().next();
    }

    /** The media types {@code source} was connected to {@code sink} with. */
    private static Set<String> connectedTypes(String source, String sink) {
        return kms.invocations("connect").stream().filter(c -> source.equals(c.objectId()) && !c.failed())
                .filter(c -> sink.equals(String.valueOf(c.params().get("sink"))))
                .map(c -> String.valueOf(c.params().get("mediaType"))).collect(Collectors.toSet());
    }

    /** The sinks of {@code operation} (connect, disconnect) from {@code source} for {@code mediaType} after a call. */
    private static Set<String> sinksOf(String operation, String source, String mediaType, long afterSequence) {
        return kms.invocations(operation).stream().filter(c -> c.sequence() > afterSequence && !c.failed())
                .filter(c -> source.equals(c.objectId()) && mediaType.equals(String.valueOf(c.params().get("mediaType"))))
                .map(c -> String.valueOf(c.params().get("sink"))).collect(Collectors.toSet());
    }

    private static long lastCallSequence() {
        List<RecordedCall> calls = kms.calls();
        return calls.isEmpty() ? 0 : calls.get(calls.size() - 1).sequence();
    }

    // ------------------------------------------------------------------ helpers

    private static String label(String what) {
        return what.replace(' ', '-') + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Long> plus(Map<String, Long> counts, Object... typesAndDeltas) {
        Map<String, Long> sum = new TreeMap<>(counts);
        for (int i = 0; i < typesAndDeltas.length; i += 2) {
            sum.merge((String) typesAndDeltas[i], ((Integer) typesAndDeltas[i + 1]).longValue(), Long::sum);
        }
        return sum;
    }

    /** An SDP answer with these m-lines, in this order. */
    private static void assertAnswers(String answer, String... media) {
        assertTrue(answer, answer.startsWith("v=0"));
        List<String> lines = Arrays.stream(answer.split("\r?\n")).filter(l -> l.startsWith("m="))
                .map(l -> l.substring(2, l.indexOf(' '))).toList();
        assertEquals(answer, List.of(media), lines);
    }

    private static void assertCandidate(JsonNode candidate) {
        assertTrue(candidate.toString(), candidate.path("candidate").asText().startsWith("candidate:"));
        assertTrue(candidate.toString(), candidate.path("sdpMLineIndex").isIntegralNumber());
        assertTrue(candidate.toString(), candidate.path("sdpMid").isTextual());
    }

    /** Connects, sends join, and expects the connection closed (now or at the join) with this code. */
    private static void assertJoinClosed(MediaClient client, int code, String reason) throws Exception {
        try (client) {
            JsonNode answer = callOrNull(client, "join", Map.of());
            if (answer != null) {
                fail(client + ": join answered " + answer + " instead of closing with " + code);
            }
            assertClosed(client.awaitClose(), code, reason);
        }
    }

    /** The answer to a call, or null when the connection closed (or was closed already) without one. */
    private static JsonNode callOrNull(MediaClient client, String method, Map<String, ?> params) throws Exception {
        if (!client.isOpen()) {
            return null;
        }
        try {
            return client.call(method, params);
        } catch (AssertionError | java.util.concurrent.ExecutionException | java.io.IOException noAnswer) {
            if (client.isOpen()) {
                throw noAnswer;
            }
            return null;
        }
    }

    /** Notifications about this participant. */
    private static java.util.function.Predicate<JsonNode> about(String participantId) {
        return p -> participantId.equals(p.path("participantId").asText());
    }

    private static List<String> ids(JsonNode participants, String field) {
        List<String> ids = new ArrayList<>();
        participants.forEach(p -> ids.add(p.path(field).asText()));
        return ids;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        throw new AssertionError("no " + field + " " + value + " in " + array);
    }

    private ServiceRegistration<EventHandler> listen(String topic, List<Event> into) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topic);
        return bundleContext.registerService(EventHandler.class, into::add, properties);
    }

}
