package io.edamame.bench.danmaku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole tool against {@link FakeDanmakuServer}: counting, rejections, close codes, duplicates, idle mode. */
class DanmakuLoadTest {

    @TempDir
    Path dir;
    private FakeDanmakuServer server;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private DanmakuLoad.Result run(String room, String... extra) throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "token-a\ntoken b/+\n\ntoken-c\n");
        List<String> args = new ArrayList<>(List.of("--url", "ws://127.0.0.1:" + server.port() + "/ws/danmaku/bench/" + room,
                "--viewers", "40", "--connect-rate", "400", "--tokens", tokens.toString(), "--rate", "40",
                "--warmup", "1", "--seconds", "1", "--runs", "2", "--drain", "1", "--tag", "x9",
                "--server-pid", String.valueOf(ProcessHandle.current().pid())));
        args.addAll(List.of(extra));
        DanmakuLoad.Result result = new DanmakuLoad(Options.parse(args.toArray(String[]::new)),
                new PrintStream(output, true, StandardCharsets.UTF_8)).run();
        System.out.print(output.toString(StandardCharsets.UTF_8));
        return result;
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyAcceptedDanmakuReachesEveryViewerOnceAndRefusalsAreCountedByCode() throws Exception {
        server = new FakeDanmakuServer(0, 10, false);
        DanmakuLoad.Result result = run("1");

        assertEquals(40, result.opened());
        assertEquals(0, result.failed());
        assertEquals(3, result.publishersOpened());
        assertEquals(2, result.runs().size());
        for (DanmakuLoad.RunResult r : result.runs()) {
            // 40 messages a second for 1 s, of which every tenth is refused.
            assertEquals(40, r.sent(), "sent in run " + r.run());
            assertEquals(4, r.rejected(), "rejected in run " + r.run());
            assertEquals(36, r.acked());
            assertEquals(36 * 40, r.expected());
            assertEquals(r.expected(), r.received());
            assertEquals(0, r.missing());
            assertEquals(0, r.unexpected());
            assertTrue(r.p99Ms() > 0 && r.p99Ms() < 1000, "p99 " + r.p99Ms());
            assertTrue(r.p50Ms() <= r.p99Ms() && r.p99Ms() <= r.maxMs());
            assertTrue(r.serverCpuSeconds() > 0, "this JVM stands in for the server's process");
        }
        assertEquals("RATE_LIMITED:12", result.errorCodes());
        assertEquals(0, result.duplicates());
        assertTrue(printed().contains("RESULT run=1 viewers=40 rate=40 "), printed());
        assertTrue(printed().contains("RESULT run=2 "));
        assertTrue(printed().contains(" missing=0 "));
        assertTrue(printed().contains("RESULT summary viewers=40 opened=40 failed=0 closed=0 close_codes=none publishers=3 errors=RATE_LIMITED:12"));
    }

    @Test
    void aDanmakuArrivingTwiceCountsOnce() throws Exception {
        server = new FakeDanmakuServer(0, 0, true);
        DanmakuLoad.Result result = run("1");

        DanmakuLoad.RunResult r = result.runs().get(0);
        assertEquals(40 * 40, r.received());
        assertEquals(0, r.missing());
        assertTrue(result.duplicates() >= 40L * 40 * 3, "each of 3 windows' deliveries came twice: " + result.duplicates());
    }

    @Test
    void theJdkClientCountsTheSame() throws Exception {
        server = new FakeDanmakuServer(0, 0, false);
        DanmakuLoad.Result result = run("1", "--client", "jdk");

        assertEquals(40, result.opened());
        for (DanmakuLoad.RunResult r : result.runs()) {
            assertEquals(40 * 40, r.expected());
            assertEquals(0, r.missing());
        }
    }

    @Test
    void connectionsTheServerClosesAreCountedByCode() throws Exception {
        server = new FakeDanmakuServer(0, 0, false);
        DanmakuLoad.Result result = run("close-4404");

        // Closed right after the handshake: each viewer opened, then was closed with 4404.
        assertEquals(40, result.closed() + result.failed());
        assertTrue(printed().contains("4404"), printed());
        assertTrue(printed().contains("no publisher is open") || printed().contains("closed"), printed());
    }

    @Test
    void aRefusedUpgradeIsAFailureWithItsStatus() throws Exception {
        server = new FakeDanmakuServer(0, 0, false);
        DanmakuLoad.Result result = new DanmakuLoad(Options.parse("--url", "ws://127.0.0.1:" + server.port()
                + "/ws/danmaku/forbidden/1", "--viewers", "5", "--idle", "--hold", "1"),
                new PrintStream(output, true, StandardCharsets.UTF_8)).run();
        assertEquals(0, result.opened());
        assertEquals(5, result.failed());
        assertTrue(printed().contains("failed 5x: handshake answered HTTP 403 Forbidden"), printed());
    }

    @Test
    void nothingListeningMeansFailedViewersNotAHang() throws Exception {
        server = new FakeDanmakuServer(0, 0, false);
        int port = server.port();
        server.close();
        server = null;
        DanmakuLoad.Result result = new DanmakuLoad(Options.parse("--url", "ws://127.0.0.1:" + port + "/ws/danmaku/t/1",
                "--viewers", "5", "--idle", "--hold", "1"), new PrintStream(output, true, StandardCharsets.UTF_8)).run();
        assertEquals(0, result.opened());
        assertEquals(5, result.failed());
        assertTrue(printed().contains("ConnectException"), printed());
    }

    @Test
    void idleHoldsTheViewersUntilStopped() throws Exception {
        server = new FakeDanmakuServer(0, 0, false);
        DanmakuLoad load = new DanmakuLoad(Options.parse("--url", "ws://127.0.0.1:" + server.port() + "/ws/danmaku/t/1",
                "--viewers", "30", "--idle", "--hold", "60"), new PrintStream(output, true, StandardCharsets.UTF_8));
        CompletableFuture<DanmakuLoad.Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!printed().contains("READY") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(printed().contains("READY viewers=30 open=30 failed=0 closed=0"), printed());
        load.stop();
        DanmakuLoad.Result result = running.get(20, TimeUnit.SECONDS);
        assertEquals(30, result.opened());
        assertTrue(printed().contains("IDLE END viewers=30 open=30"), printed());
    }

    @Test
    void usageErrorsAreReported() throws IOException {
        for (String[] args : List.of(new String[] {"--viewers", "3"}, new String[] {"--url", "ws://h/ws", "--rate", "x"},
                new String[] {"--url", "ws://h/ws"}, new String[] {"--url", "ws://h/ws", "--idle", "--tag", "A"})) {
            try {
                Options.parse(args);
                throw new AssertionError("accepted " + String.join(" ", args));
            } catch (IllegalArgumentException expected) {
                assertTrue(!expected.getMessage().isEmpty());
            }
        }
    }
}
