package io.edamame.bench.media;

import io.edamame.bench.support.Schedule;
import java.net.URI;
import java.util.List;

/** Command-line options of {@link MediaLoad}; see {@link #USAGE}. */
final class Options {

    static final String USAGE = """
            Usage: java -jar media-load.jar --url ws://HOST:PORT/ws/media/TENANT/ROOM --host-token T [options]
              --host-token T          the room's host: joins and publishes on one connection, held for the whole run
              --viewer-token T        token the viewers join with (default none: anonymous, for PUBLIC rooms)
              --mode open|closed|both the open-loop runs, the closed-loop runs, or both (default both)
              --viewers N             viewers per open-loop run (default 1000)
              --rate R                open loop: viewers started per second, on a fixed schedule (default 500)
              --warmup-runs W         open-loop runs before the measured ones, not counted (default 1)
              --runs R                measured open-loop runs (default 3)
              --closed-runs R         measured closed-loop runs (default: --runs)
              --closed-viewers N      viewers per closed-loop run (default: --viewers)
              --concurrency K         closed loop: viewers connecting, joining and subscribing at once (default 32)
              --timeout S             a viewer not subscribed S seconds after it was due fails with TIMEOUT (default 30)
              --hold S                seconds the viewers are held after the last one settled (default 2)
              --heap                  open loop: the server's live heap with the host only and with the viewers
                                      (jcmd GC.run + GC.class_histogram; needs --server-pid)
              --server-pid PID        the server's JVM: its CPU seconds from /proc, its heap with --heap
              --fake-control URL      the fake media server's control port (FakeKms): media server requests per
                                      join and subscribe, its CPU, endpoints left after the viewers left
              --fake-latency-micros N set the fake's artificial latency for these runs (default: leave it)
              --clk-tck N             clock ticks per second of /proc (getconf CLK_TCK; default 100)
              --jcmd PATH             jcmd of the server's JDK (default jcmd)
              --threads N             I/O threads (default 2)
            Prints a report and one line per measured run starting with RESULT.""";

    URI url;
    String hostToken;
    String viewerToken;
    String mode = "both";
    int viewers = 1000;
    double rate = 500;
    int warmupRuns = 1;
    int runs = 3;
    Integer closedRuns;
    Integer closedViewers;
    int concurrency = 32;
    int timeout = 30;
    int hold = 2;
    boolean heap;
    String serverPid;
    URI fakeControl;
    Long fakeLatencyMicros;
    long clkTck = 100;
    String jcmd = "jcmd";
    int threads = 2;
    boolean help;

    static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            switch (name) {
                case "--heap" -> o.heap = true;
                case "--help", "-h" -> o.help = true;
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    o.set(name, args[++i]);
                }
            }
        }
        if (o.help) {
            return o;
        }
        if (o.url == null || !"ws".equals(o.url.getScheme()) || o.url.getPath() == null
                || !o.url.getPath().matches("/ws/media/[^/]+/[^/]+")) {
            throw new IllegalArgumentException("--url ws://HOST:PORT/ws/media/TENANT/ROOM is required");
        }
        if (o.hostToken == null || o.hostToken.isBlank()) {
            throw new IllegalArgumentException("--host-token is required: the host publishes what the viewers subscribe to");
        }
        if (!List.of("open", "closed", "both").contains(o.mode)) {
            throw new IllegalArgumentException("--mode is open, closed or both");
        }
        if (o.viewers < 1 || o.closedViewers() < 1 || o.concurrency < 1 || o.threads < 1 || o.timeout < 1
                || o.hold < 0 || o.runs < 0 || o.warmupRuns < 0 || o.closedRuns() < 0) {
            throw new IllegalArgumentException("counts must be positive (runs, warm-up runs and hold may be 0)");
        }
        new Schedule(o.viewers, o.rate);
        if (o.heap && o.serverPid == null) {
            throw new IllegalArgumentException("--heap needs --server-pid");
        }
        return o;
    }

    int closedRuns() {
        return closedRuns != null ? closedRuns : runs;
    }

    int closedViewers() {
        return closedViewers != null ? closedViewers : viewers;
    }

    boolean open() {
        return !mode.equals("closed");
    }

    boolean closed() {
        return !mode.equals("open");
    }

    private void set(String name, String value) {
        try {
            switch (name) {
                case "--url" -> url = URI.create(value);
                case "--host-token" -> hostToken = value;
                case "--viewer-token" -> viewerToken = value;
                case "--mode" -> mode = value;
                case "--viewers" -> viewers = Integer.parseInt(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--warmup-runs" -> warmupRuns = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--closed-runs" -> closedRuns = Integer.parseInt(value);
                case "--closed-viewers" -> closedViewers = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--timeout" -> timeout = Integer.parseInt(value);
                case "--hold" -> hold = Integer.parseInt(value);
                case "--server-pid" -> serverPid = value;
                case "--fake-control" -> fakeControl = URI.create(value);
                case "--fake-latency-micros" -> fakeLatencyMicros = Long.parseLong(value);
                case "--clk-tck" -> clkTck = Long.parseLong(value);
                case "--jcmd" -> jcmd = value;
                case "--threads" -> threads = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + value);
        }
    }

    /** {@code url} with {@code ?token=} (the protocol's way for browsers, which cannot set headers on a WebSocket). */
    static URI withToken(URI url, String token) {
        if (token == null) {
            return url;
        }
        String encoded = java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8);
        return URI.create(url + (url.getQuery() == null ? "?" : "&") + "token=" + encoded);
    }
}
