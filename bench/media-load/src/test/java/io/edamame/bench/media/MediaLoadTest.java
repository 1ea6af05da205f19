package io.edamame.bench.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edamame.testing.kurento.FakeKurentoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole tool against {@link FakeSignalingServer}: the scenario, counting, failures by code, the host's refusals. */
class MediaLoadTest {

    private FakeSignalingServer server;
    private FakeKurentoServer kms;
    private HttpServer control;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (control != null) {
            control.stop(0);
        }
        if (kms != null) {
            kms.close();
        }
    }

    private List<MediaLoad.RunResult> run(String room, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--url", "ws://127.0.0.1:" + server.port() + "/ws/media/bench/" + room,
                "--host-token", "host", "--server-pid", String.valueOf(ProcessHandle.current().pid())));
        args.addAll(List.of(extra));
        List<MediaLoad.RunResult> results = new MediaLoad(Options.parse(args.toArray(String[]::new)),
                new PrintStream(output, true, StandardCharsets.UTF_8)).run();
        System.out.print(printed());
        return results;
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyViewerJoinsAndSubscribesAndRefusalsAreCountedByCode() throws Exception {
        server = new FakeSignalingServer(10);
        kms = FakeKurentoServer.builder().build();
        kms.start();
        control = FakeKms.control(kms, 0);
        List<MediaLoad.RunResult> results = run("1", "--viewers", "60", "--rate", "300", "--warmup-runs", "1", "--runs", "2",
                "--closed-runs", "1", "--closed-viewers", "40", "--concurrency", "4", "--hold", "0",
                "--fake-control", "http://127.0.0.1:" + control.getAddress().getPort());

        assertEquals(3, results.size());
        MediaLoad.RunResult open = results.get(0);
        assertEquals("open", open.mode());
        Outcome o = open.outcome();
        assertEquals(60, o.viewers());
        // The probe's, the warm-up's and the runs' subscribes are counted together by the stand-in: 6 of 60 here.
        assertEquals(o.viewers() - o.subscribed(), o.failures().get("subscribe:MEDIA_UNAVAILABLE"));
        assertTrue(o.failed() >= 5 && o.failed() <= 7, "every tenth subscribe is refused: " + o.failed());
        assertEquals(o.subscribed(), open.held(), "the subscribed viewers are still there");
        assertTrue(o.joinToAnswer().p50() > 1_000_000, "the stand-in answers a subscribe after 1 ms");
        assertTrue(o.joinToAnswer().p50() <= o.joinToAnswer().p99() && o.joinToAnswer().p99() <= o.joinToAnswer().max());
        assertTrue(o.dueToAnswer().max() >= o.joinToAnswer().max());
        assertEquals(o.subscribed(), open.traffic().notifications("iceCandidate"));
        // Viewer k hears of every later viewer while it is there: at least those that stayed.
        long stayed = o.subscribed();
        assertTrue(open.traffic().notifications("participantJoined") >= stayed * (stayed - 1) / 2,
                "participantJoined " + open.traffic().notifications("participantJoined"));
        assertEquals(0, open.traffic().unreadable.sum());
        assertEquals(0, open.traffic().unmatched.sum());
        assertTrue(open.cpu().server() > 0, "this JVM stands in for the server's process");
        assertEquals(0, open.endpointsLeft());

        MediaLoad.RunResult closed = results.get(2);
        assertEquals("closed", closed.mode());
        assertEquals(40, closed.outcome().viewers());
        assertEquals(4, closed.concurrency());
        assertTrue(closed.outcome().joinsPerSecond() > 0);
        assertEquals(0, server.participantCount(), "every viewer left, and the host when the tool ended");

        assertTrue(printed().contains("RESULT probe join_kms_requests=0 subscribe_kms_requests=0"), printed());
        assertTrue(printed().contains("WARMUP open run=1 viewers=60 rate=300 "), printed());
        assertTrue(printed().contains("RESULT open run=1 viewers=60 rate=300 concurrency=0 subscribed="), printed());
        assertTrue(printed().contains("RESULT open run=2 "));
        assertTrue(printed().contains("RESULT closed run=1 viewers=40 rate=- concurrency=4 "));
        assertTrue(printed().contains(" failures=subscribe:MEDIA_UNAVAILABLEx"), printed());
        assertTrue(printed().contains(" endpoints_left=0"), printed());
    }

    @Test
    void aRoomThatClosesConnectionsStopsBeforeAnyRun() throws Exception {
        server = new FakeSignalingServer(0);
        List<MediaLoad.RunResult> results = run("gone", "--viewers", "5", "--runs", "1", "--warmup-runs", "0");
        assertEquals(0, results.size());
        assertTrue(printed().contains("closed 4404 ROOM_NOT_FOUND"), printed());
    }

    @Test
    void aHostWhoCannotJoinIsReportedWithTheErrorsName() throws Exception {
        server = new FakeSignalingServer(0);
        List<MediaLoad.RunResult> results = run("ended", "--viewers", "5", "--runs", "1", "--warmup-runs", "0");
        assertEquals(0, results.size());
        assertTrue(printed().contains("the host's join failed: ROOM_NOT_LIVE"), printed());
    }

    @Test
    void nothingListeningIsReportedNotAHang() throws Exception {
        server = new FakeSignalingServer(0);
        int port = server.port();
        server.close();
        server = null;
        List<MediaLoad.RunResult> results = new MediaLoad(Options.parse("--url", "ws://127.0.0.1:" + port + "/ws/media/t/1",
                "--host-token", "host", "--viewers", "5"), new PrintStream(output, true, StandardCharsets.UTF_8)).run();
        assertEquals(0, results.size());
        assertTrue(printed().contains("the host could not connect"), printed());
    }

    @Test
    void optionsAreChecked() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--url", "ws://127.0.0.1:1/ws/danmaku/t/1", "--host-token", "h"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--url", "ws://127.0.0.1:1/ws/media/t/1"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--url", "ws://127.0.0.1:1/ws/media/t/1", "--host-token", "h", "--heap"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse("--url", "ws://127.0.0.1:1/ws/media/t/1", "--host-token", "h", "--rate", "0"));
        Options o = Options.parse("--url", "ws://127.0.0.1:1/ws/media/t/1", "--host-token", "h", "--runs", "5");
        assertEquals(5, o.closedRuns());
        assertEquals(1000, o.closedViewers());
        assertEquals("ws://127.0.0.1:1/ws/media/t/1?token=a%2Bb%2Fc", Options.withToken(o.url, "a+b/c").toString());
    }
}
