package io.edamame.bench.wechat;

import io.edamame.bench.support.Schedule;
import io.edamame.bench.support.Percentiles;
import io.edamame.bench.support.CpuClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mini-program login load tool (bench/wechat.sh). Each run is two passes of {@code --logins / 2}: first logins
 * (every code belongs to a user the tenant does not have yet, so each login creates one), then the same users again
 * (returning), each login with a one-time code registered with the fake WeChat just before its pass. Open-loop runs
 * send at a fixed rate (latency from the schedule too, so that falling behind shows); closed-loop runs keep {@code
 * --concurrency} logins in flight (logins per second). See {@link Options#USAGE} and BENCHMARKS.md.
 */
public final class WeChatLoad {

    /** The figures of one pass (or of both passes of a run, {@code pass = "all"}). */
    record PassResult(String mode, String label, int run, String pass, Pass.Outcome outcome, double rate,
                      int concurrency, Cpu cpu, FakeStats fake) {

        long wechatLogins() {
            return fake == null ? -1 : fake.get("jscode2session");
        }

        String line(String prefix) {
            Pass.Outcome o = outcome;
            double logins = Math.max(1, o.logins());
            long requests = fake == null ? -1 : fake.get("requests");
            return String.format(Locale.ROOT, "%s mode=%s run=%d pass=%s logins=%d ok=%d failed=%d rate=%s concurrency=%d"
                            + " seconds=%.2f logins_per_s=%.1f %s %s start_lag_max_ms=%.2f failures=%s"
                            + " server_cpu_s=%.2f fake_cpu_s=%.2f tool_cpu_s=%.2f other_cpu_s=%.2f"
                            + " server_cpu_ms_per_login=%.3f tool_cpu_us_per_login=%.1f fake_cpu_us_per_request=%.1f"
                            + " wechat_requests=%d jscode2session=%d jscode2session_per_login=%.3f token_fetches=%d"
                            + " token_fetches_total=%d",
                    prefix, mode, run, pass, o.logins(), o.ok(), o.failed(), rate > 0 ? trim(rate) : "-", concurrency,
                    o.seconds(), o.loginsPerSecond(), o.latency().fields("latency"), o.dueToAnswer().fields("due"),
                    o.maxStartLagNanos() / 1e6, o.failureCodes(), cpu.server(), cpu.fake(), cpu.tool(), cpu.other(),
                    cpu.server() * 1e3 / logins, cpu.tool() * 1e6 / logins,
                    requests <= 0 || Double.isNaN(cpu.fake()) ? -1.0 : cpu.fake() * 1e6 / requests, requests,
                    wechatLogins(), fake == null ? -1.0 : wechatLogins() / logins,
                    fake == null ? -1 : fake.get("token_fetches"), fake == null ? -1 : fake.get("token_fetches_total"));
        }
    }

    /** CPU seconds: the tool, the server's JVM, the fake's JVM, and the rest of the machine; NaN if unknown. */
    record Cpu(double tool, double server, double fake, double other) {

        Cpu plus(Cpu c) {
            return new Cpu(tool + c.tool, server + c.server, fake + c.fake, other + c.other);
        }
    }

    private record Sample(long tool, long server, long fake, long machine) {
    }

    private final Options options;
    private final PrintStream out;
    private final CpuClock cpu;
    private final FakeStats.Control fake;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final LoginClient client;
    private String fakePid;
    /** The next user number never used: each first-login pass takes fresh ones. 0 is the probe's. */
    private long nextUser = 1;
    private int passCount;

    WeChatLoad(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.cpu = new CpuClock(options.clkTck);
        this.fake = new FakeStats.Control(options.fakeControl);
        this.client = new LoginClient(options.url, options.threads, options.timeout);
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("wechat-load: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        WeChatLoad load = new WeChatLoad(options, System.out);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            load.stop.countDown();
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wechat-load-stop"));
        List<PassResult> results;
        try {
            results = load.run();
        } finally {
            System.out.flush();
            finished.countDown();
        }
        if (results.isEmpty()) {
            System.exit(1);
        }
    }

    /** The whole session; returns the measured passes (none if the probe failed, or stopped). */
    List<PassResult> run() throws Exception {
        List<PassResult> results = new ArrayList<>();
        try {
            out.printf(Locale.ROOT, "wechat-load: %s, %s HTTP/1.1 client, %d I/O threads%n", options.url,
                    client.transport, options.threads);
            FakeStats stats = fake.stats();
            fakePid = String.valueOf(stats.get("pid"));
            if (options.fakeLatencyMicros != null) {
                fake.latencyMicros(options.fakeLatencyMicros);
                out.printf("fake WeChat: latency set to %d µs per request%n", options.fakeLatencyMicros);
            }
            if (!probe()) {
                return List.of();
            }
            for (int w = 1; w <= options.warmupRuns && !stopped(); w++) {
                List<PassResult> warmUp = options.warmupRate > 0
                        ? openRun("open", "warm-up " + w + " (open loop)", w, options.logins, options.warmupRate)
                        : closedRun("warm-up " + w, w);
                for (PassResult r : warmUp) {
                    out.println(r.line("WARMUP"));
                }
            }
            for (int i = 1; i <= options.runs && !stopped(); i++) {
                if (options.open()) {
                    results.addAll(openRun("open", "open-loop run " + i, i, options.logins, options.rate));
                }
                if (options.closed() && !stopped()) {
                    results.addAll(closedRun("closed-loop run " + i + " (concurrency " + options.concurrency + ")", i));
                }
            }
            if (options.lightLogins > 0 && !stopped()) {
                results.addAll(openRun("light", "light run", 1, options.lightLogins, options.lightRate));
            }
            if (options.jfr != null && !stopped()) {
                profiledRun();
            }
            if (stopped()) {
                out.println("wechat-load: stopped before the end; no results");
                return List.of();
            }
            if (options.fakeLatencyMicros != null) {
                fake.latencyMicros(0);
            }
            summary(results);
            return results;
        } finally {
            client.close();
        }
    }

    /**
     * One user logs in twice, one login at a time, the fake's records cleared before each: the WeChat requests a first
     * login makes (the access token is fetched then, once) and a returning one. False, with the answer printed, if a
     * login fails: the plugin is not set up or not reachable, and nothing else would work either.
     */
    private boolean probe() throws Exception {
        String[] labels = {"first login", "returning login"};
        StringBuilder line = new StringBuilder("RESULT probe");
        for (int k = 0; k < 2; k++) {
            fake.clear();
            String prefix = "probe-" + k + "-";
            fake.addCodes(prefix, 1, 0, options.unionidEvery);
            Pass pass = new Pass(labels[k], new boolean[] {k == 0}, options.url, prefix);
            byte[][] body = new byte[1][];
            send(pass, 0, null, body);
            awaitSettled(pass, "probe");
            FakeStats stats = fake.stats();
            double ms = (pass.answered[0] - pass.sent[0]) / 1e6;
            if (pass.failure[0] != null) {
                out.printf(Locale.ROOT, "wechat-load: the probe's %s failed (%s) in %.1f ms: %s%nWeChat requests: %s;"
                                + " errors: %s%n", labels[k], pass.failure[0], ms,
                        body[0] == null ? "no answer" : new String(body[0], StandardCharsets.UTF_8),
                        FakeStats.describe(stats.paths()), FakeStats.describe(stats.errors()));
                return false;
            }
            out.printf(Locale.ROOT, "probe, one user alone: %s answered in %.1f ms; WeChat requests: %s%n", labels[k],
                    ms, FakeStats.describe(stats.paths()));
            line.append(String.format(Locale.ROOT, " %s_ms=%.2f %s_wechat_requests=%d %s_token_requests=%d",
                    k == 0 ? "first" : "returning", ms, k == 0 ? "first" : "returning", stats.get("requests"),
                    k == 0 ? "first" : "returning", stats.get("token_requests")));
        }
        out.println(line);
        return true;
    }

    /** A run of first logins then returning ones, each pass sent on the schedule of {@code rate}. */
    private List<PassResult> openRun(String mode, String label, int run, int logins, double rate) throws Exception {
        return twoPasses(mode, label, run, logins, rate, 0, this::sendOpen);
    }

    /** A run of first logins then returning ones, {@code --concurrency} at a time. */
    private List<PassResult> closedRun(String label, int run) throws Exception {
        return twoPasses("closed", label, run, options.logins, 0, options.concurrency, this::sendClosed);
    }

    @FunctionalInterface
    private interface Sender {
        void send(Pass pass, double rate) throws InterruptedException;
    }

    private List<PassResult> twoPasses(String mode, String label, int run, int logins, double rate, int concurrency,
                                       Sender sender) throws Exception {
        int half = logins / 2;
        long users = nextUser;
        nextUser += half;
        Pass[] passes = new Pass[2];
        PassResult[] results = new PassResult[2];
        for (int k = 0; k < 2 && !stopped(); k++) {
            boolean first = k == 0;
            String prefix = "c" + (++passCount) + "-";
            fake.addCodes(prefix, half, users, options.unionidEvery);
            fake.clear();
            boolean[] expectNew = new boolean[half];
            for (int i = 0; i < half; i++) {
                expectNew[i] = first || !passes[0].ok(i);
            }
            Pass pass = new Pass(first ? "first" : "returning", expectNew, options.url, prefix);
            passes[k] = pass;
            Sample from = sample();
            sender.send(pass, rate);
            awaitSettled(pass, label);
            Sample to = sample();
            results[k] = new PassResult(mode, label, run, pass.name, pass.outcome(rate > 0), rate, concurrency,
                    cpu(from, to), fake.stats());
        }
        if (stopped()) {
            return List.of();
        }
        PassResult all = new PassResult(mode, label, run, "all", Pass.Outcome.of(passes, rate > 0), rate, concurrency,
                results[0].cpu().plus(results[1].cpu()), sum(results[0].fake(), results[1].fake()));
        report(label, results[0], results[1], all);
        return List.of(results[0], results[1], all);
    }

    /** Sends each login when the schedule says, whether or not the earlier ones were answered. */
    private void sendOpen(Pass pass, double rate) throws InterruptedException {
        Schedule schedule = new Schedule(pass.n, rate);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (int i = 0; i < pass.n; i++) {
            pass.due[i] = t0 + schedule.offsetNanos(i);
        }
        int started = 0;
        while (started < pass.n && !stopped()) {
            int due = schedule.dueBy(System.nanoTime() - t0);
            for (; started < due; started++) {
                send(pass, started, null, null);
            }
            if (started < pass.n) {
                long wait = pass.due[started] - System.nanoTime();
                if (wait > 0) {
                    stop.await(wait, TimeUnit.NANOSECONDS);
                }
            }
        }
    }

    /**
     * Keeps {@code --concurrency} logins in flight: each answer starts the next, as a task of the client's I/O threads
     * (not a call from within the answer, which a run of failures answered at once would nest without end).
     */
    private void sendClosed(Pass pass, double ignored) {
        AtomicInteger next = new AtomicInteger();
        Runnable[] startNext = new Runnable[1];
        startNext[0] = () -> {
            int i = next.getAndIncrement();
            if (i < pass.n && !stopped()) {
                send(pass, i, () -> client.executor().execute(startNext[0]), null);
            }
        };
        for (int k = 0; k < Math.min(options.concurrency, pass.n); k++) {
            client.executor().execute(startNext[0]);
        }
    }

    /** Sends login {@code i}; {@code then} runs once it is settled; {@code body}, if given, receives the answer's body. */
    private void send(Pass pass, int i, Runnable then, byte[][] body) {
        long sent = System.nanoTime();
        pass.sent[i] = sent;
        if (pass.due[i] == 0) {
            pass.due[i] = sent;
        }
        client.send(pass.requests[i], (status, answer, error, nanos) -> {
            if (body != null) {
                body[0] = answer;
            }
            pass.settle(i, status, answer, error, nanos);
            if (then != null) {
                then.run();
            }
        });
    }

    private void awaitSettled(Pass pass, String label) throws InterruptedException {
        // Each login times out on its own; this only guards against one that never settles at all.
        long lastCount = pass.settled.getCount();
        long lastProgress = System.nanoTime();
        while (!pass.settled.await(200, TimeUnit.MILLISECONDS) && !stopped()) {
            if (pass.settled.getCount() != lastCount) {
                lastCount = pass.settled.getCount();
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(options.timeout + 10L)) {
                out.printf("%s, %s: %d logins neither answered nor failed%n", label, pass.name, pass.settled.getCount());
                return;
            }
        }
    }

    /**
     * One more closed-loop run while the server records CPU samples and monitor contention with JFR (the settings in
     * bench.jfc); printed as PROFILED, not counted. JFR's first recording in a JVM makes it recompile what it had
     * compiled (on this machine the first pass after {@code JFR.start} cost the server several times the CPU per
     * login of the runs before), so a first recording, thrown away, runs through a closed-loop run of its own.
     */
    private void profiledRun() throws Exception {
        java.nio.file.Path settings = java.nio.file.Path.of(options.jfr + ".jfc").toAbsolutePath();
        try (InputStream in = WeChatLoad.class.getResourceAsStream("bench.jfc")) {
            java.nio.file.Files.copy(in, settings, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        jcmd("JFR.start", "name=wechat-bench-warm-up", "settings=" + settings);
        try {
            for (PassResult r : closedRun("JFR warm-up run (not counted)", 1)) {
                out.println(r.line("JFR-WARMUP"));
            }
        } finally {
            jcmd("JFR.stop", "name=wechat-bench-warm-up");
        }
        jcmd("JFR.start", "name=wechat-bench", "settings=" + settings,
                "filename=" + java.nio.file.Path.of(options.jfr).toAbsolutePath());
        List<PassResult> profiled;
        try {
            profiled = closedRun("profiled run (JFR, not counted)", 1);
        } finally {
            jcmd("JFR.stop", "name=wechat-bench");
        }
        for (PassResult r : profiled) {
            out.println(r.line("PROFILED"));
        }
        out.println("server profile: " + options.jfr);
    }

    private void jcmd(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(options.jcmd, options.serverPid));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(output);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", args) + " failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static FakeStats sum(FakeStats a, FakeStats b) {
        java.util.Map<String, Long> values = new java.util.LinkedHashMap<>(a.values());
        b.values().forEach((k, v) -> values.merge(k, v, Long::sum));
        values.put("pid", a.get("pid"));
        values.put("token_fetches_total", b.get("token_fetches_total"));
        return new FakeStats(values);
    }

    private void report(String label, PassResult first, PassResult returning, PassResult all) {
        out.printf(Locale.ROOT, "%s: %d of %d logged in in %.2f s (%.1f logins/s); failures %s%n", label,
                all.outcome().ok(), all.outcome().logins(), all.outcome().seconds(), all.outcome().loginsPerSecond(),
                all.outcome().failureCodes());
        for (PassResult r : List.of(first, returning)) {
            Pass.Outcome o = r.outcome();
            out.printf(Locale.ROOT, "  %-9s %5d/%d, %7.1f logins/s; latency %s%n", r.pass(), o.ok(), o.logins(),
                    o.loginsPerSecond(), o.latency().describe());
            if (r.rate() > 0) {
                out.printf(Locale.ROOT, "            due → answer %s; latest send %.2f ms behind schedule%n",
                        o.dueToAnswer().describe(), o.maxStartLagNanos() / 1e6);
            }
            if (!o.failures().isEmpty()) {
                out.printf("            failures: %s%n", o.failures());
            }
            Cpu c = r.cpu();
            FakeStats f = r.fake();
            out.printf(Locale.ROOT, "            CPU-s: server %.2f (%.2f ms per login), fake WeChat %.2f, tool %.2f"
                            + " (%.0f µs per login), rest of machine %.2f; WeChat requests %s; errors answered: %s%n",
                    c.server(), c.server() * 1e3 / Math.max(1, o.logins()), c.fake(), c.tool(),
                    c.tool() * 1e6 / Math.max(1, o.logins()), c.other(), FakeStats.describe(f.paths()),
                    FakeStats.describe(f.errors()));
        }
        out.flush();
    }

    private void summary(List<PassResult> results) throws IOException, InterruptedException {
        out.println();
        out.println("| mode | run | pass | ok | logins/s | latency p50 | p90 | p99 | max | due→answer p99 | server CPU ms/login"
                + " | server CPU-s | fake CPU-s | tool CPU-s | failures |");
        for (PassResult r : results) {
            Pass.Outcome o = r.outcome();
            out.printf(Locale.ROOT, "| %s | %d | %s | %d/%d | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f | %.2f | %.2f | %.2f | %s |%n",
                    r.mode(), r.run(), r.pass(), o.ok(), o.logins(), o.loginsPerSecond(),
                    Percentiles.ms(o.latency().p50()), Percentiles.ms(o.latency().p90()),
                    Percentiles.ms(o.latency().p99()), Percentiles.ms(o.latency().max()),
                    Percentiles.ms(o.dueToAnswer().p99()), r.cpu().server() * 1e3 / Math.max(1, o.logins()),
                    r.cpu().server(), r.cpu().fake(), r.cpu().tool(), o.failureCodes());
        }
        for (PassResult r : results) {
            out.println(r.line("RESULT"));
        }
        FakeStats end = fake.stats();
        out.printf("RESULT tokens fetched=%d%n", end.get("token_fetches_total"));
        out.flush();
    }

    private Sample sample() {
        return new Sample(cpu.processTicks("self"), options.serverPid == null ? -1 : cpu.processTicks(options.serverPid),
                fakePid == null ? -1 : cpu.processTicks(fakePid), cpu.machineBusyTicks());
    }

    private Cpu cpu(Sample a, Sample b) {
        double tool = cpu.seconds(b.tool() - a.tool());
        double server = a.server() < 0 || b.server() < 0 ? Double.NaN : cpu.seconds(b.server() - a.server());
        double fakeCpu = a.fake() < 0 || b.fake() < 0 ? Double.NaN : cpu.seconds(b.fake() - a.fake());
        double other = cpu.seconds(b.machine() - a.machine()) - tool - (Double.isNaN(server) ? 0 : server)
                - (Double.isNaN(fakeCpu) ? 0 : fakeCpu);
        return new Cpu(tool, server, fakeCpu, other);
    }

    private boolean stopped() {
        return stop.getCount() == 0;
    }

    /** Stops a running {@link #run}: used by the tests and by the shutdown hook. */
    void stop() {
        stop.countDown();
    }

    static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
