package io.edamame.bench.media;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edamame.testing.kurento.FakeKurentoServer;
import io.edamame.testing.kurento.LiveObject;
import io.edamame.testing.kurento.RecordedCall;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The fake Kurento Media Server of testing/fake-kurento in a JVM of its own, for bench/media.sh: the
 * platform under test talks to it over loopback as it would to KMS, and its CPU is counted apart from
 * the server's and the load tool's. A small HTTP control port (loopback) lets the load tool read what
 * the fake was asked and steer its latency:
 *
 * <ul>
 *   <li>{@code GET /stats}: {@code key=value} lines (see {@link FakeStats});</li>
 *   <li>{@code POST /clear}: forgets the calls logged so far;</li>
 *   <li>{@code POST /latency?micros=N}: delays every request by N µs (0, the default, for none).</li>
 * </ul>
 *
 * <p>Before it serves, it times its own answers with a plain JSON-RPC client ({@link KmsCalibration}) and
 * prints them, so that the fake's share of a subscribe's time is known.
 */
public final class FakeKms {

    static final String USAGE = """
            Usage: java -cp media-load.jar io.edamame.bench.media.FakeKms [options]
              --port N             Kurento's WebSocket port on 127.0.0.1 (default 8888; ws://127.0.0.1:N/kurento)
              --control-port N     the control HTTP port on 127.0.0.1 (default 8889)
              --latency-micros N   artificial latency of every request (default 0)
              --call-log N         calls kept for /stats (default 200000; cleared with POST /clear)
              --calibrate N        subscribe sequences timed before serving (default 2000; 0: none)
            Prints 'FAKE-KMS READY ...' once it serves; stops on TERM.""";

    private FakeKms() {
    }

    public static void main(String[] args) throws Exception {
        int port = 8888;
        int controlPort = 8889;
        long latencyMicros = 0;
        int callLog = 200_000;
        int calibrate = 2000;
        try {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--control-port" -> controlPort = Integer.parseInt(value);
                    case "--latency-micros" -> latencyMicros = Long.parseLong(value);
                    case "--call-log" -> callLog = Integer.parseInt(value);
                    case "--calibrate" -> calibrate = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("fake-kms: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        FakeKurentoServer kms = FakeKurentoServer.builder().callLogCapacity(callLog).build();
        URI uri = kms.start(port);
        if (calibrate > 0) {
            KmsCalibration.Result calibration = KmsCalibration.run(uri, calibrate / 2, calibrate);
            System.out.println(calibration.describe());
            kms.clearCalls();
        }
        kms.setLatency(Duration.ofNanos(latencyMicros * 1000));
        HttpServer control = control(kms, controlPort);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            control.stop(0);
            kms.close();
            stop.countDown();
        }, "fake-kms-stop"));
        System.out.printf("FAKE-KMS READY url=%s control=http://127.0.0.1:%d pid=%d latency_us=%d%n", uri,
                control.getAddress().getPort(), ProcessHandle.current().pid(), latencyMicros);
        System.out.flush();
        stop.await();
    }

    /** The control server; also used by the tests, with an in-process fake. */
    static HttpServer control(FakeKurentoServer kms, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fake-kms-control");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/stats", exchange -> answer(exchange, stats(kms)));
        server.createContext("/clear", exchange -> {
            kms.clearCalls();
            answer(exchange, "cleared\n");
        });
        server.createContext("/latency", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            long micros;
            try {
                micros = Long.parseLong(query == null ? "" : query.replaceFirst("^micros=", ""));
            } catch (NumberFormatException e) {
                exchange.sendResponseHeaders(400, -1);
                exchange.close();
                return;
            }
            kms.setLatency(Duration.ofNanos(micros * 1000));
            answer(exchange, "latency_us=" + micros + "\n");
        });
        server.start();
        return server;
    }

    /** What {@code GET /stats} answers: calls since the last clear by kind, live objects by type, connections. */
    static String stats(FakeKurentoServer kms) {
        Map<String, Long> calls = new TreeMap<>();
        long requests = 0;
        long failed = 0;
        for (RecordedCall call : kms.calls()) {
            requests++;
            if (call.failed()) {
                failed++;
            }
            calls.merge("calls." + FakeStats.label(call.method(), call.operation()), 1L, Long::sum);
        }
        Map<String, Long> live = new TreeMap<>();
        for (LiveObject object : kms.liveObjects()) {
            live.merge("live." + object.type(), 1L, Long::sum);
        }
        StringBuilder out = new StringBuilder();
        out.append("pid=").append(ProcessHandle.current().pid()).append('\n');
        out.append("connections=").append(kms.connectionsOpen()).append('\n');
        out.append("requests=").append(requests).append('\n');
        out.append("failed=").append(failed).append('\n');
        out.append("live=").append(live.values().stream().mapToLong(Long::longValue).sum()).append('\n');
        out.append("created.WebRtcEndpoint=").append(kms.createdCount("WebRtcEndpoint")).append('\n');
        out.append("released.WebRtcEndpoint=").append(kms.releasedCount("WebRtcEndpoint")).append('\n');
        calls.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        live.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
