package io.edamame.bench.media;

import io.edamame.bench.support.Schedule;
import io.edamame.bench.support.Percentiles;
import io.edamame.bench.support.CpuClock;
import io.edamame.bench.support.WsClient;
import io.netty.channel.group.ChannelGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The media signaling load tool (bench/media.sh): in one live room, a host publishes; then viewers
 * connect, {@code join} and {@code subscribe} to the host, in open-loop runs (N viewers at a fixed rate)
 * and closed-loop runs (K at a time, as fast as the server answers). See {@link Options#USAGE},
 * {@link Outcome} for what is measured, and BENCHMARKS.md.
 */
public final class MediaLoad {

    /**
     * Figures of one run. {@code framesBySettle} are the frames the viewers had received when the last
     * one settled, when the CPU seconds were read; {@code traffic} goes on counting while they leave.
     */
    record RunResult(String mode, int run, Outcome outcome, double rate, int concurrency, int held, Traffic traffic,
                     long framesBySettle, Cpu cpu, FakeStats kms, Heap heap, long endpointsLeft, double leaveSeconds) {

        String line() {
            Outcome o = outcome;
            long requests = kms == null ? -1 : kms.requests();
            return String.format(Locale.ROOT, "RESULT %s run=%d viewers=%d rate=%s concurrency=%d subscribed=%d failed=%d"
                            + " held=%d seconds=%.2f joins_per_s=%.1f %s %s %s %s %s start_lag_max_ms=%.2f failures=%s"
                            + " frames=%d frames_per_viewer=%.1f participant_joined=%d ice_candidates=%d"
                            + " tool_cpu_s=%.2f server_cpu_s=%.2f fake_cpu_s=%.2f other_cpu_s=%.2f"
                            + " tool_cpu_us_per_frame=%.1f kms_requests=%d kms_requests_per_subscribe=%.2f"
                            + " fake_cpu_us_per_request=%.1f heap_before_b=%d heap_with_b=%d heap_per_participant_kib=%.2f"
                            + " endpoints_left=%d leave_s=%.2f",
                    mode, run, o.viewers(), rate > 0 ? MediaLoad.trim(rate) : "-", concurrency, o.subscribed(), o.failed(),
                    held, o.seconds(), o.joinsPerSecond(), o.connect().fields("connect"), o.join().fields("join"),
                    o.subscribe().fields("subscribe"), o.joinToAnswer().fields("join_to_answer"),
                    o.dueToAnswer().fields("due_to_answer"), o.maxStartLagNanos() / 1e6, o.failureCodes(),
                    framesBySettle, (double) framesBySettle / Math.max(1, o.viewers()),
                    traffic.notifications("participantJoined"), traffic.notifications("iceCandidate"),
                    cpu.tool(), cpu.server(), cpu.fake(), cpu.other(),
                    framesBySettle == 0 ? 0 : cpu.tool() * 1e6 / framesBySettle, requests,
                    requests < 0 || o.subscribed() == 0 ? -1.0 : (double) requests / o.subscribed(),
                    requests <= 0 || Double.isNaN(cpu.fake()) ? -1.0 : cpu.fake() * 1e6 / requests,
                    heap == null ? -1 : heap.before().totalBytes(), heap == null ? -1 : heap.with().totalBytes(),
                    heap == null ? -1.0 : heap.perParticipantKiB(), endpointsLeft, leaveSeconds);
        }
    }

    /** CPU seconds over a run: the tool, the server's JVM, the fake's JVM, and the rest of the machine; NaN if unknown. */
    record Cpu(double tool, double server, double fake, double other) {
    }

    record Heap(Histogram before, Histogram with, int participants) {
        double perParticipantKiB() {
            return (double) (with.totalBytes() - before.totalBytes()) / participants / 1024;
        }
    }

    private record Sample(long nanos, long tool, long server, long fake, long machine) {
    }

    private final Options options;
    private final PrintStream out;
    /** A moderator's join answer lists everyone in the room, about 130 bytes each. */
    static final int MAX_FRAME_BYTES = 16 << 20;

    private final CpuClock cpu;
    private final FakeStats.Control fake;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final String subscribeOffer = Sdp.subscribeOffer();
    private String fakePid;
    private String publisherId;
    private long baselineEndpoints = -1;

    MediaLoad(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.cpu = new CpuClock(options.clkTck);
        this.fake = options.fakeControl == null ? null : new FakeStats.Control(options.fakeControl);
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("media-load: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        MediaLoad load = new MediaLoad(options, System.out);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            load.stop.countDown();
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "media-load-stop"));
        List<RunResult> results;
        try {
            results = load.run();
        } finally {
            System.out.flush();
            finished.countDown();
        }
        if (results.isEmpty() && options.runs + options.closedRuns() > 0) {
            System.exit(1);
        }
    }

    /** The whole session; returns the measured runs (none if the host could not publish, or stopped). */
    List<RunResult> run() throws Exception {
        List<RunResult> results = new ArrayList<>();
        try (WsClient client = new WsClient(options.threads, MAX_FRAME_BYTES)) {
            out.printf(Locale.ROOT, "media-load: %s, %s client, %d I/O threads%n", options.url, client.transport,
                    options.threads);
            ChannelGroup hostChannels = WsClient.newGroup();
            Traffic hostTraffic = new Traffic();
            try {
                Link host = new Link(hostTraffic);
                client.connect(Options.withToken(options.url, options.hostToken), hostChannels, host);
                if (!publish(host)) {
                    return results;
                }
                if (fake != null) {
                    if (options.fakeLatencyMicros != null) {
                        fake.latencyMicros(options.fakeLatencyMicros);
                        out.printf("fake media server: latency set to %d µs per request%n", options.fakeLatencyMicros);
                    }
                    FakeStats stats = fake.stats();
                    fakePid = String.valueOf(stats.get("pid"));
                    baselineEndpoints = stats.get("live.WebRtcEndpoint");
                    out.printf("fake media server: pid %s, %d connection(s), %d objects alive with the host publishing"
                            + " (%d WebRtcEndpoint)%n", fakePid, stats.get("connections"), stats.get("live"), baselineEndpoints);
                    probe(client);
                }
                if (options.open()) {
                    for (int w = 1; w <= options.warmupRuns && !stopped(); w++) {
                        RunResult r = openRun(client, "warm-up " + w, w, false);
                        out.println(r.line().replaceFirst("^RESULT ", "WARMUP "));
                    }
                    for (int i = 1; i <= options.runs && !stopped(); i++) {
                        results.add(openRun(client, "open-loop run " + i, i, options.heap));
                    }
                }
                if (options.closed()) {
                    for (int i = 1; i <= options.closedRuns() && !stopped(); i++) {
                        results.add(closedRun(client, i));
                    }
                }
                if (stopped()) {
                    out.println("media-load: stopped before the end; no results");
                    return List.of();
                }
                out.printf("host: %s; notifications %s; still open: %s%n", host.isOpen() ? "held" : "CLOSED " + host.closeCode,
                        hostTraffic.notificationCounts(), host.isOpen());
                if (fake != null && options.fakeLatencyMicros != null) {
                    fake.latencyMicros(0);
                }
                summary(results);
                return results;
            } finally {
                WsClient.closeAll(hostChannels, 5);
            }
        }
    }

    /** The host joins and publishes; false (with the reason printed) if it could not. */
    private boolean publish(Link host) throws Exception {
        try {
            host.open.get(30, TimeUnit.SECONDS);
            Link.Answer joined = host.request(1, "join", "{}").get(30, TimeUnit.SECONDS);
            if (joined.frame().kind() != Frame.Kind.RESULT) {
                out.println("media-load: the host's join failed: " + joined.frame().errorCode());
                return false;
            }
            long start = System.nanoTime();
            Link.Answer published = host.request(2, "publish", "{\"sdpOffer\":" + Json.quote(Sdp.publishOffer()) + "}")
                    .get(30, TimeUnit.SECONDS);
            if (published.frame().kind() != Frame.Kind.RESULT || published.frame().publisherId() == null) {
                out.println("media-load: the host's publish failed: " + published.frame().errorCode());
                return false;
            }
            publisherId = published.frame().publisherId();
            out.printf(Locale.ROOT, "host: participant %s joined and publishes (publish answered in %.1f ms)%n",
                    publisherId, (published.nanos() - start) / 1e6);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            out.println("media-load: the host could not connect: " + (e.getCause() instanceof Link.Failure f ? f.code : e.getCause()));
            return false;
        }
    }

    /**
     * One viewer alone, with the fake's call log cleared before each step: the media server requests a
     * join, a subscribe and a leave make.
     */
    private void probe(WsClient client) throws Exception {
        ChannelGroup channels = WsClient.newGroup();
        try {
            Link link = new Link(new Traffic());
            client.connect(Options.withToken(options.url, options.viewerToken), channels, link);
            link.open.get(30, TimeUnit.SECONDS);
            fake.clear();
            Link.Answer joined = link.request(1, "join", "{}").get(30, TimeUnit.SECONDS);
            Map<String, Long> joinCalls = fake.stats().calls();
            fake.clear();
            Link.Answer subscribed = link.request(2, "subscribe", "{\"publisherId\":" + Json.quote(publisherId)
                    + ",\"sdpOffer\":" + Json.quote(subscribeOffer) + "}").get(30, TimeUnit.SECONDS);
            Map<String, Long> subscribeCalls = fake.stats().calls();
            fake.clear();
            link.close();
            Map<String, Long> leaveCalls = Map.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                FakeStats s = fake.stats();
                leaveCalls = s.calls();
                if (s.get("live.WebRtcEndpoint") <= baselineEndpoints) {
                    break;
                }
                Thread.sleep(50);
            }
            out.printf(Locale.ROOT, "media server requests, one viewer alone (probe): join (%s) %d: %s; subscribe (%s) %d: %s;"
                            + " leave %d: %s%n", joined.frame().kind(), sum(joinCalls), FakeStats.describe(joinCalls),
                    subscribed.frame().kind() == Frame.Kind.RESULT ? "answered" : subscribed.frame().errorCode(),
                    sum(subscribeCalls), FakeStats.describe(subscribeCalls), sum(leaveCalls), FakeStats.describe(leaveCalls));
            out.printf(Locale.ROOT, "RESULT probe join_kms_requests=%d subscribe_kms_requests=%d leave_kms_requests=%d"
                    + " subscribe_kms_calls=%s%n", sum(joinCalls), sum(subscribeCalls), sum(leaveCalls),
                    FakeStats.describe(subscribeCalls).replace(" ", ""));
        } finally {
            WsClient.closeAll(channels, 5);
            fake.clear();
        }
    }

    private static long sum(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    /** N viewers started on the fixed schedule of {@code --rate}. */
    private RunResult openRun(WsClient client, String label, int run, boolean heap) throws Exception {
        int n = options.viewers;
        Schedule schedule = new Schedule(n, options.rate);
        Histogram before = heap ? Histogram.take(options.jcmd, options.serverPid) : null;
        URI uri = Options.withToken(options.url, options.viewerToken);
        Traffic traffic = new Traffic();
        ChannelGroup channels = WsClient.newGroup();
        Viewer[] viewers = new Viewer[n];
        CountDownLatch settled = new CountDownLatch(n);
        Consumer<Viewer> onSettled = v -> settled.countDown();
        if (fake != null) {
            fake.clear();
        }
        Sample from = sample();
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        int started = 0;
        while (started < n && !stopped()) {
            int due = schedule.dueBy(System.nanoTime() - t0);
            for (; started < due; started++) {
                viewers[started] = new Viewer(started, t0 + schedule.offsetNanos(started), traffic);
                viewers[started].start(client, uri, channels, publisherId, subscribeOffer, options.timeout, onSettled);
            }
            if (started < n) {
                sleepUntil(t0 + schedule.offsetNanos(started));
            }
        }
        return finish("open", label, run, viewers, settled, from, traffic, channels, before, options.rate, 0);
    }

    /** {@code --closed-viewers} viewers, {@code --concurrency} at a time: each one settled starts the next. */
    private RunResult closedRun(WsClient client, int run) throws Exception {
        int n = options.closedViewers();
        URI uri = Options.withToken(options.url, options.viewerToken);
        Traffic traffic = new Traffic();
        ChannelGroup channels = WsClient.newGroup();
        Viewer[] viewers = new Viewer[n];
        CountDownLatch settled = new CountDownLatch(n);
        AtomicInteger next = new AtomicInteger();
        // Started off the I/O thread that settled the previous one.
        ExecutorService starter = Executors.newSingleThreadExecutor(r -> new Thread(r, "media-load-starter"));
        AtomicReference<Consumer<Viewer>> onSettled = new AtomicReference<>();
        Runnable startNext = () -> {
            int i = next.getAndIncrement();
            if (i < n && !stopped()) {
                Viewer v = new Viewer(i, System.nanoTime(), traffic);
                viewers[i] = v;
                v.start(client, uri, channels, publisherId, subscribeOffer, options.timeout, onSettled.get());
            }
        };
        onSettled.set(v -> {
            settled.countDown();
            starter.execute(startNext);
        });
        if (fake != null) {
            fake.clear();
        }
        Sample from = sample();
        try {
            for (int k = 0; k < Math.min(options.concurrency, n); k++) {
                starter.execute(startNext);
            }
            return finish("closed", "closed-loop run " + run + " (concurrency " + options.concurrency + ")", run, viewers,
                    settled, from, traffic, channels, null, 0, options.concurrency);
        } finally {
            starter.shutdownNow();
        }
    }

    private RunResult finish(String mode, String label, int run, Viewer[] viewers, CountDownLatch settled, Sample from,
                             Traffic traffic, ChannelGroup channels, Histogram before, double rate, int concurrency)
            throws Exception {
        try {
            // Each viewer times out on its own; this only guards against one that never settles at all.
            long lastCount = settled.getCount();
            long lastProgress = System.nanoTime();
            while (!settled.await(200, TimeUnit.MILLISECONDS) && !stopped()) {
                if (settled.getCount() != lastCount) {
                    lastCount = settled.getCount();
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(options.timeout + 10L)) {
                    out.printf("%s: %d viewers neither subscribed nor failed%n", label, settled.getCount());
                    break;
                }
            }
            Sample to = sample();
            long framesBySettle = traffic.frames.sum();
            FakeStats kms = fake == null ? null : fake.stats();
            Outcome outcome = Outcome.of(viewers);
            stop.await(options.hold, TimeUnit.SECONDS);
            Heap heap = null;
            if (before != null) {
                heap = new Heap(before, Histogram.take(options.jcmd, options.serverPid), Math.max(1, held(viewers)));
            }
            int held = held(viewers);
            Map<String, Long> lost = closesAfterSubscribing(viewers);
            long leaving = System.nanoTime();
            WsClient.closeAll(channels, 30);
            long left = endpointsLeftAfterLeaving();
            RunResult result = new RunResult(mode, run, outcome, rate, concurrency, held, traffic, framesBySettle,
                    cpu(from, to), kms, heap, left, (System.nanoTime() - leaving) / 1e9);
            report(label, result, lost);
            return result;
        } finally {
            WsClient.closeAll(channels, 1);
        }
    }

    private static int held(Viewer[] viewers) {
        int held = 0;
        for (Viewer v : viewers) {
            if (v != null && v.subscribed() && v.link.isOpen()) {
                held++;
            }
        }
        return held;
    }

    private static Map<String, Long> closesAfterSubscribing(Viewer[] viewers) {
        Map<String, Long> closes = new java.util.TreeMap<>();
        for (Viewer v : viewers) {
            if (v != null && v.subscribed() && !v.link.isOpen()) {
                closes.merge(v.link.closeCode + (v.link.closeReason == null ? "" : " " + v.link.closeReason), 1L, Long::sum);
            }
        }
        return closes;
    }

    /** WebRtcEndpoints the fake still holds beyond the host's, once the viewers left (0 unless something leaks). */
    private long endpointsLeftAfterLeaving() throws IOException, InterruptedException {
        if (fake == null) {
            return -1;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long left;
        do {
            left = fake.stats().get("live.WebRtcEndpoint") - baselineEndpoints;
            if (left <= 0) {
                return left;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline && !stopped());
        return left;
    }

    private void report(String label, RunResult r, Map<String, Long> lost) {
        Outcome o = r.outcome();
        out.printf(Locale.ROOT, "%s: %d of %d subscribed in %.2f s (%.1f joins/s), %d held; failures %s%n", label,
                o.subscribed(), o.viewers(), o.seconds(), o.joinsPerSecond(), r.held(), o.failureCodes());
        out.println("  join → subscribe answer: " + o.joinToAnswer().describe());
        out.println("  due → subscribe answer:  " + o.dueToAnswer().describe()
                + String.format(Locale.ROOT, "; latest start %.2f ms behind schedule", o.maxStartLagNanos() / 1e6));
        out.println("  connect (handshake):     " + o.connect().describe());
        out.println("  join → answer:           " + o.join().describe());
        out.println("  subscribe → answer:      " + o.subscribe().describe());
        out.printf(Locale.ROOT, "  by order of joining:%s%n", o.describeSlices());
        out.printf(Locale.ROOT, "  viewers received %d frames by the last one settled; %d (%.1f MB) until they left: %s;"
                        + " unreadable %d, unmatched answers %d%n", r.framesBySettle(), r.traffic().frames.sum(),
                r.traffic().bytes.sum() / 1e6, r.traffic().notificationCounts(), r.traffic().unreadable.sum(),
                r.traffic().unmatched.sum());
        if (!lost.isEmpty()) {
            out.printf("  closed by the server after subscribing: %s%n", lost);
        }
        Cpu c = r.cpu();
        out.printf(Locale.ROOT, "  CPU-s: server %.2f, fake media server %.2f, tool %.2f (%.1f µs per received frame),"
                        + " rest of machine %.2f%n", c.server(), c.fake(), c.tool(),
                r.framesBySettle() == 0 ? 0 : c.tool() * 1e6 / r.framesBySettle(), c.other());
        if (r.kms() != null) {
            long requests = r.kms().requests();
            out.printf(Locale.ROOT, "  media server requests: %d (%.2f per subscribed viewer; %s), fake CPU %.1f µs per request;"
                            + " WebRtcEndpoints left after the viewers left: %d%n", requests,
                    o.subscribed() == 0 ? 0 : (double) requests / o.subscribed(), FakeStats.describe(r.kms().calls()),
                    requests == 0 ? 0 : c.fake() * 1e6 / requests, r.endpointsLeft());
        }
        out.printf(Locale.ROOT, "  leaving: the viewers closed their connections; %s in %.2f s%n",
                r.endpointsLeft() < 0 ? "all closed" : "their endpoints released", r.leaveSeconds());
        if (r.heap() != null) {
            Heap h = r.heap();
            out.printf(Locale.ROOT, "  server live heap: %.1f MiB with the host only, %.1f MiB with %d viewers: %.2f KiB per"
                            + " participant; largest growth per participant:%s%n", h.before().totalBytes() / 1048576.0,
                    h.with().totalBytes() / 1048576.0, h.participants(), h.perParticipantKiB(),
                    Histogram.describe(h.with().largestGrowth(h.before(), h.participants(), 10)));
        }
        out.flush();
    }

    private void summary(List<RunResult> results) {
        out.println();
        out.println("| mode | run | subscribed | held | joins/s | join→answer p50 | p90 | p99 | max | due→answer p99"
                + " | server CPU-s | fake CPU-s | tool CPU-s | KiB/participant | failures |");
        for (RunResult r : results) {
            Outcome o = r.outcome();
            out.printf(Locale.ROOT, "| %s | %d | %d/%d | %d | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s |%n",
                    r.mode(), r.run(), o.subscribed(), o.viewers(), r.held(), o.joinsPerSecond(),
                    Percentiles.ms(o.joinToAnswer().p50()), Percentiles.ms(o.joinToAnswer().p90()),
                    Percentiles.ms(o.joinToAnswer().p99()), Percentiles.ms(o.joinToAnswer().max()),
                    Percentiles.ms(o.dueToAnswer().p99()), r.cpu().server(), r.cpu().fake(), r.cpu().tool(),
                    r.heap() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.heap().perParticipantKiB()),
                    o.failureCodes());
        }
        for (RunResult r : results) {
            out.println(r.line());
        }
        out.flush();
    }

    private Sample sample() {
        return new Sample(System.nanoTime(), cpu.processTicks("self"),
                options.serverPid == null ? -1 : cpu.processTicks(options.serverPid),
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

    private void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            stop.await(wait, TimeUnit.NANOSECONDS);
        }
    }

    static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
