package io.edamame.bench.wechat;

import io.edamame.bench.support.Schedule;
import java.net.URI;
import java.util.List;

/** Command-line options of {@link WeChatLoad}; see {@link #USAGE}. */
final class Options {

    static final String USAGE = """
            Usage: java -jar wechat-load.jar --url http://HOST:PORT/api/v1/tenants/T/wechat/miniapp/login \\
                     --fake-control http://127.0.0.1:8891 [options]
              --logins N              logins per run: N/2 first logins (each creates its user), then N/2 logins of the
                                      same users again (returning), each with a new one-time code (default 20000)
              --mode open|closed|both open-loop runs, closed-loop runs, or both, alternating (default both)
              --rate R                open loop: logins started per second, on a fixed schedule (default 1000)
              --concurrency K         closed loop: logins in flight at once, each answer starting the next (default 32)
              --warmup-runs W         runs before the measured ones, not counted (default 4)
              --warmup-rate R         the warm-up runs' rate, open loop (default: half of --rate; 0: closed loop at
                                      --concurrency, which on two cores leaves the JIT compiler little CPU)
              --runs R                measured runs of each mode (default 3)
              --light-logins N        one more open-loop run of N logins at --light-rate, for the time of a login
                                      when little else happens (default 0: none)
              --light-rate R          (default 50)
              --unionid-every K       every K-th user has a unionid (default 2: half of them; 0: none)
              --timeout S             a login not answered S seconds after it was sent fails with TIMEOUT (default 30)
              --server-pid PID        the server's JVM: its CPU seconds from /proc
              --fake-latency-micros N the fake's artificial latency per request for these runs (default: leave it)
              --jfr FILE              after the measured runs, two more closed-loop runs (not counted): the first
                                      while JFR warms up, the second while the server records CPU samples and monitor
                                      contention to FILE (jcmd JFR.start with the settings bench.jfc, written beside
                                      it; needs --server-pid); summarise it with JfrSummary
              --clk-tck N             clock ticks per second of /proc (getconf CLK_TCK; default 100)
              --jcmd PATH             jcmd of the server's JDK (default jcmd)
              --threads N             threads of the HTTP client's executor (default 2)
            Prints a report and one line per measured pass starting with RESULT.""";

    URI url;
    URI fakeControl;
    int logins = 20_000;
    String mode = "both";
    double rate = 1000;
    int concurrency = 32;
    int warmupRuns = 4;
    /** Null: half of {@link #rate}. */
    Double warmupRate;
    int runs = 3;
    int lightLogins;
    double lightRate = 50;
    int unionidEvery = 2;
    int timeout = 30;
    String serverPid;
    Long fakeLatencyMicros;
    String jfr;
    long clkTck = 100;
    String jcmd = "jcmd";
    int threads = 2;
    boolean help;

    static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                o.help = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            o.set(name, args[++i]);
        }
        if (o.help) {
            return o;
        }
        if (o.url == null || !"http".equals(o.url.getScheme()) || o.url.getPath() == null
                || !o.url.getPath().matches(".*/tenants/[^/]+/wechat/miniapp/login")) {
            throw new IllegalArgumentException("--url http://HOST:PORT/api/v1/tenants/TENANT/wechat/miniapp/login is required");
        }
        if (o.fakeControl == null) {
            throw new IllegalArgumentException("--fake-control is required: the codes are registered there");
        }
        if (!List.of("open", "closed", "both").contains(o.mode)) {
            throw new IllegalArgumentException("--mode is open, closed or both");
        }
        if (o.logins < 2 || o.logins % 2 != 0) {
            throw new IllegalArgumentException("--logins is an even number, 2 or more (half first logins, half returning)");
        }
        if (o.lightLogins < 0 || o.lightLogins % 2 != 0) {
            throw new IllegalArgumentException("--light-logins is an even number, or 0");
        }
        if (o.concurrency < 1 || o.threads < 1 || o.timeout < 1 || o.runs < 0 || o.warmupRuns < 0
                || o.unionidEvery < 0) {
            throw new IllegalArgumentException("counts must be positive (runs and warm-up runs may be 0)");
        }
        new Schedule(o.logins, o.rate);
        new Schedule(o.logins, o.lightRate);
        if (o.warmupRate == null) {
            o.warmupRate = o.rate / 2;
        }
        if (o.warmupRate < 0) {
            throw new IllegalArgumentException("--warmup-rate is 0 (closed loop) or a rate");
        }
        if (o.jfr != null && o.serverPid == null) {
            throw new IllegalArgumentException("--jfr needs --server-pid");
        }
        return o;
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
                case "--fake-control" -> fakeControl = URI.create(value);
                case "--logins" -> logins = Integer.parseInt(value);
                case "--mode" -> mode = value;
                case "--rate" -> rate = Double.parseDouble(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--warmup-runs" -> warmupRuns = Integer.parseInt(value);
                case "--warmup-rate" -> warmupRate = Double.parseDouble(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--light-logins" -> lightLogins = Integer.parseInt(value);
                case "--light-rate" -> lightRate = Double.parseDouble(value);
                case "--unionid-every" -> unionidEvery = Integer.parseInt(value);
                case "--timeout" -> timeout = Integer.parseInt(value);
                case "--server-pid" -> serverPid = value;
                case "--fake-latency-micros" -> fakeLatencyMicros = Long.parseLong(value);
                case "--jfr" -> jfr = value;
                case "--clk-tck" -> clkTck = Long.parseLong(value);
                case "--jcmd" -> jcmd = value;
                case "--threads" -> threads = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + value);
        }
    }
}
