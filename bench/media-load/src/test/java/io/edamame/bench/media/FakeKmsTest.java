package io.edamame.bench.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edamame.testing.kurento.FakeKurentoServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake's control port and calibration, against an in-process fake media server. */
class FakeKmsTest {

    private final FakeKurentoServer kms = FakeKurentoServer.builder().build();
    private HttpServer control;

    @AfterEach
    void stop() {
        if (control != null) {
            control.stop(0);
        }
        kms.close();
    }

    @Test
    void calibrationTimesEachStepOfASubscriptionAndLeavesNothingBehind() throws Exception {
        URI uri = kms.start();
        KmsCalibration.Result result = KmsCalibration.run(uri, 5, 20);
        assertEquals(20, result.iterations());
        assertEquals(KmsCalibration.STEPS, java.util.List.copyOf(result.steps().keySet()));
        result.steps().forEach((step, p) -> assertTrue(p.p50() > 0 && p.count() == 20, step));
        assertTrue(result.sequence().p50() >= result.steps().get("invoke:processOffer").p50());
        assertEquals(25, kms.createdCount("WebRtcEndpoint") - 1, "one publisher, one endpoint per iteration");
        assertEquals(0, kms.liveObjectCount(), "the pipeline and everything in it released");
        assertTrue(result.describe().startsWith("FAKE-KMS CALIBRATION iterations=20 subscribe_sequence_p50_us="),
                result.describe());
    }

    @Test
    void controlCountsCallsClearsThemAndSetsTheLatency() throws Exception {
        URI uri = kms.start();
        control = FakeKms.control(kms, 0);
        FakeStats.Control client = new FakeStats.Control(URI.create("http://127.0.0.1:" + control.getAddress().getPort()));
        KmsCalibration.run(uri, 0, 3);

        FakeStats stats = client.stats();
        assertEquals(ProcessHandle.current().pid(), stats.get("pid"));
        assertEquals(4, stats.get("calls.create:WebRtcEndpoint"));
        assertEquals(6, stats.get("calls.invoke:connect"));
        assertEquals(4, stats.get("calls.invoke:processOffer"));
        assertEquals(3, stats.get("calls.invoke:gatherCandidates"));
        assertEquals(3, stats.get("calls.subscribe"));
        assertEquals(0, stats.get("live"));

        client.clear();
        assertEquals(0, client.stats().requests());

        client.latencyMicros(20_000);
        long start = System.nanoTime();
        KmsCalibration.run(uri, 0, 1);
        // 11 requests, each delayed by 20 ms.
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(220).toNanos());
        client.latencyMicros(0);
    }
}
