package io.edamame.itests;

import static io.edamame.itests.MediaClient.candidate;
import static io.edamame.itests.MediaClient.params;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.AssumptionViolatedException;
import org.junit.Test;
import org.junit.runner.Description;
import org.junit.runner.RunWith;
import org.junit.runner.Runner;
import org.junit.runner.manipulation.Filter;
import org.junit.runner.manipulation.Filterable;
import org.junit.runner.manipulation.NoTestsRemainException;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunNotifier;
import org.junit.runners.model.InitializationError;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The media plugin against a real Kurento Media Server, opt-in: set {@code EDAMAME_KMS_URL} (e.g.
 * {@code ws://127.0.0.1:8888/kurento}, a {@code kurento/kurento-media-server:7.3.0} container on the host
 * network) and, if the media server cannot write to this machine's temporary folder, {@code
 * EDAMAME_KMS_RECORDINGS_DIR} as a {@code file:} URI it can write to. Without {@code EDAMAME_KMS_URL} every test
 * is reported skipped, CI or not (CI machines have no media server), and no container is booted for them.
 *
 * <p>No media flows (there is no browser): these tests check that the real server accepts what the plugin asks of
 * it (offers, candidates, the recording chain, mutes) and that the plugin leaves nothing there. Objects are counted
 * on the server itself, through its own JSON-RPC protocol ({@link KmsObjects}), as MediaIT checks against the fake.
 */
@RunWith(MediaKmsIT.WhenKmsIsGiven.class)
@ExamReactorStrategy(PerClass.class)
public class MediaKmsIT extends MediaTestSupport {

    static final String NO_KMS = "No real Kurento Media Server: set " + KMS_URL_ENV
            + "=ws://<host>:8888/kurento to run MediaKmsIT (skipped even under CI=true: CI machines have none)";

    private static volatile boolean configured;

    @Test
    public void healthReportsTheRealMediaServerUp() throws Exception {
        Api api = kmsApi();
        JsonNode media = awaitMediaServer(api, kmsUrl(), "UP", RECOVERY);
        assertTrue(media.toString(), media.path("servers").path(0).path("load").isIntegralNumber());
        assertTrue(media.toString(), media.path("servers").path(0).path("since").isTextual());
    }

    @Test
    public void publishingSubscribingAndTricklingOnTheRealMediaServerLeaveNothing() throws Exception {
        Api api = kmsApi();
        Tenant tenant = mediaTenant(api, "kms-pubsub", Map.of());
        Member hostUser = member(api, tenant, "host");
        Member viewerUser = member(api, tenant, "viewer");
        LiveRoom room = liveRoom(api, tenant, "Real pub/sub", "VIDEO_INTERACTIVE", hostUser.id());
        Map<String, Integer> bare = awaitKmsRoom(room, "the pipeline and recorder",
                counts -> counts.getOrDefault("RecorderEndpoint", 0) == 1);
        assertEquals(bare.toString(), Map.of("Composite", 1, "HubPort", 1, "MediaPipeline", 1, "RecorderEndpoint", 1),
                bare);

        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token());
             MediaClient viewer = MediaClient.join("viewer", tenant.slug(), room.id(), viewerUser.token())) {
            String hostId = host.participantId();
            JsonNode published = host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("host"))));
            assertTrue(published.toString(), published.path("sdpAnswer").asText().startsWith("v=0"));
            host.awaitNotification("iceCandidate", p -> hostId.equals(p.path("publisherId").asText()));
            viewer.awaitNotification("publisherJoined", p -> hostId.equals(p.path("participantId").asText()));
            Map<String, Integer> publishing = plus(bare, "WebRtcEndpoint", 1, "HubPort", 1);
            awaitKmsRoom(room, publishing);

            viewer.result("iceCandidate", params("publisherId", hostId,
                    "candidate", candidate("candidate:1 1 UDP 2122252543 192.0.2.10 50001 typ host", "0", 0)));
            JsonNode subscribed = viewer.result("subscribe", params("publisherId", hostId,
                    "sdpOffer", Sdp.receiveAudioVideo(label("viewer"))));
            assertTrue(subscribed.toString(), subscribed.path("sdpAnswer").asText().startsWith("v=0"));
            viewer.result("iceCandidate", params("publisherId", hostId,
                    "candidate", candidate("candidate:2 1 UDP 2122252543 192.0.2.10 50002 typ host", "0", 0)));
            viewer.awaitNotification("iceCandidate", p -> hostId.equals(p.path("publisherId").asText()));
            awaitKmsRoom(room, plus(publishing, "WebRtcEndpoint", 1));
            assertRefusedCall(host, "publish", params("sdpOffer", Sdp.publishAudio(label("twice"))), 4006,
                    "ALREADY_PUBLISHING");

            viewer.result("unsubscribe", params("publisherId", hostId));
            awaitKmsRoom(room, publishing);
            host.result("unpublish", Map.of());
            viewer.awaitNotification("publisherLeft", p -> hostId.equals(p.path("participantId").asText()));
            awaitKmsRoom(room, bare);
        } finally {
            end(api, tenant, room.id());
        }
        awaitKmsRoom(room, Map.of());
    }

    @Test
    public void joinTheMicAndMutingOnTheRealMediaServer() throws Exception {
        Api api = kmsApi();
        Tenant tenant = mediaTenant(api, "kms-mic", Map.of("maxSpeakers", 1));
        Member hostUser = member(api, tenant, "host");
        Member alice = member(api, tenant, "alice");
        Member bob = member(api, tenant, "bob");
        LiveRoom room = liveRoom(api, tenant, "Real mic", "AUDIO_SLIDES", hostUser.id());
        Map<String, Integer> bare = awaitKmsRoom(room, "the pipeline and recorder",
                counts -> counts.getOrDefault("RecorderEndpoint", 0) == 1);

        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token());
             MediaClient a = MediaClient.join("alice", tenant.slug(), room.id(), alice.token());
             MediaClient b = MediaClient.join("bob", tenant.slug(), room.id(), bob.token())) {
            String aliceId = a.participantId();
            assertRefusedCall(a, "publish", params("sdpOffer", Sdp.publishAudio(label("uninvited"))), 4003,
                    "NOT_ALLOWED");
            a.result("raiseHand", Map.of());
            host.awaitNotification("handRaised", p -> aliceId.equals(p.path("participantId").asText()));
            host.result("acceptHand", params("participantId", aliceId));
            a.awaitNotification("participantUpdated", p -> "SPEAKER".equals(p.path("role").asText()));
            a.result("publish", params("sdpOffer", Sdp.publishAudio(label("alice"))));
            b.awaitNotification("publisherJoined", p -> aliceId.equals(p.path("participantId").asText()));
            b.result("subscribe", params("publisherId", aliceId, "sdpOffer", Sdp.receiveAudio(label("bob"))));
            awaitKmsRoom(room, plus(bare, "WebRtcEndpoint", 2, "HubPort", 1));

            b.result("raiseHand", Map.of());
            host.awaitNotification("handRaised", p -> b.participantId().equals(p.path("participantId").asText()));
            assertRefusedCall(host, "acceptHand", params("participantId", b.participantId()), 4009,
                    "SPEAKER_LIMIT_REACHED");
            host.result("muteSpeaker", params("participantId", aliceId));
            b.awaitNotification("participantUpdated", p -> p.path("muted").asBoolean());
            host.result("muteSpeaker", params("participantId", aliceId, "muted", false));
            b.awaitNotification("participantUpdated", p -> !p.path("muted").asBoolean(true));
            host.result("dropSpeaker", params("participantId", aliceId));
            b.awaitNotification("publisherLeft", p -> aliceId.equals(p.path("participantId").asText()));
            awaitKmsRoom(room, bare);
        } finally {
            end(api, tenant, room.id());
        }
        awaitKmsRoom(room, Map.of());
    }

    @Test
    public void aLiveOnTheRealMediaServerIsRecordedAndFinalised() throws Exception {
        Api api = kmsApi();
        Tenant tenant = mediaTenant(api, "kms-rec", Map.of());
        Member hostUser = member(api, tenant, "host");
        LiveRoom room = liveRoom(api, tenant, "Real recording", "VIDEO_INTERACTIVE", hostUser.id());
        awaitKmsRoom(room, "the pipeline and recorder", counts -> counts.getOrDefault("RecorderEndpoint", 0) == 1);
        awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "one segment RECORDING",
                items -> items.size() == 1 && "RECORDING".equals(items.path(0).path("status").asText()),
                MediaClient.WAIT);
        try (MediaClient host = MediaClient.join("host", tenant.slug(), room.id(), hostUser.token())) {
            host.result("publish", params("sdpOffer", Sdp.publishAudioVideo(label("recorded"))));
            end(api, tenant, room.id());
            assertClosed(host.awaitClose(), 4410, "ROOM_ENDED");
        }
        // Without media flowing, a real server may write no file: the segment is finalised all the same.
        awaitRecordings(api, tenant, tenant.adminToken(), room.id(), "one segment FINALISED",
                items -> items.size() == 1 && "FINALISED".equals(items.path(0).path("status").asText()),
                Duration.ofSeconds(30));
        awaitKmsRoom(room, Map.of());
    }

    // ------------------------------------------------------------------ helpers

    private static String kmsUrl() {
        String url = System.getProperty(KMS_URL_PROPERTY, "");
        if (url.isBlank()) {
            skip(NO_KMS);
        }
        return url;
    }

    /** The API, once the plugin uses the real media server and the media WebSocket answers. */
    private Api kmsApi() throws Exception {
        String url = kmsUrl();
        Api api = api();
        synchronized (MediaKmsIT.class) {
            if (!configured) {
                String recordingsUri = System.getProperty(KMS_RECORDINGS_PROPERTY, "");
                if (recordingsUri.isBlank()) {
                    recordingsUri = Files.createTempDirectory("edamame-kms-recordings").toUri().toString();
                }
                configureMedia(url, recordingsUri, 30);
                configured = true;
            }
        }
        awaitMediaServer(api, url, "UP", RECOVERY);
        awaitMediaSocket();
        return api;
    }

    private static Map<String, Integer> awaitKmsRoom(LiveRoom room, Map<String, Integer> expected) throws Exception {
        return awaitKmsRoom(room, "exactly " + new TreeMap<>(expected), expected::equals);
    }

    private static Map<String, Integer> awaitKmsRoom(LiveRoom room, String what,
                                                     java.util.function.Predicate<Map<String, Integer>> match)
            throws Exception {
        URI kms = URI.create(kmsUrl());
        long deadline = System.nanoTime() + MediaClient.WAIT.toNanos();
        Map<String, Integer> last = null;
        while (System.nanoTime() < deadline) {
            last = KmsObjects.ofRoom(kms, room.tenantId(), room.id());
            if (match.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the media server never held " + what + " for room " + room.id() + "; last: " + last);
    }

    private static Map<String, Integer> plus(Map<String, Integer> counts, Object... typesAndDeltas) {
        Map<String, Integer> sum = new TreeMap<>(counts);
        for (int i = 0; i < typesAndDeltas.length; i += 2) {
            sum.merge((String) typesAndDeltas[i], (Integer) typesAndDeltas[i + 1], Integer::sum);
        }
        return sum;
    }

    private static String label(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Runs the class with Pax Exam when {@code EDAMAME_KMS_URL} is set; otherwise reports each test skipped with
     * {@link #NO_KMS}, without booting a container for tests that could only skip. (DanmakuIT skips inside the
     * container, which suits one optional test among many; here every test needs the media server.)
     */
    public static final class WhenKmsIsGiven extends Runner implements Filterable {

        private final Class<?> testClass;
        private final Runner paxExam;
        private Description description;

        public WhenKmsIsGiven(Class<?> testClass) throws InitializationError {
            this.testClass = testClass;
            String url = System.getenv(KMS_URL_ENV);
            this.paxExam = url == null || url.isBlank() ? null : new PaxExam(testClass);
        }

        @Override
        public Description getDescription() {
            if (paxExam != null) {
                return paxExam.getDescription();
            }
            if (description == null) {
                description = Description.createSuiteDescription(testClass);
                for (Method method : testClass.getMethods()) {
                    if (method.isAnnotationPresent(Test.class)) {
                        description.addChild(Description.createTestDescription(testClass, method.getName()));
                    }
                }
            }
            return description;
        }

        @Override
        public void run(RunNotifier notifier) {
            if (paxExam != null) {
                paxExam.run(notifier);
                return;
            }
            for (Description test : getDescription().getChildren()) {
                notifier.fireTestStarted(test);
                notifier.fireTestAssumptionFailed(new Failure(test, new AssumptionViolatedException(NO_KMS)));
                notifier.fireTestFinished(test);
            }
        }

        @Override
        public void filter(Filter filter) throws NoTestsRemainException {
            if (paxExam instanceof Filterable filterable) {
                filterable.filter(filter);
                return;
            }
            Description filtered = Description.createSuiteDescription(testClass);
            for (Description test : getDescription().getChildren()) {
                if (filter.shouldRun(test)) {
                    filtered.addChild(test);
                }
            }
            if (filtered.getChildren().isEmpty()) {
                throw new NoTestsRemainException();
            }
            description = filtered;
        }
    }
}
