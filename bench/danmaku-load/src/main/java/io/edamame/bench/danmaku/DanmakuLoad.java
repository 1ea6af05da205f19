package io.edamame.bench.danmaku;

import io.edamame.bench.support.CpuClock;
import io.edamame.bench.support.WsClient;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The danmaku fan-out load tool (bench/danmaku.sh): N viewers in one room, M danmaku a second from
 * P publishers, every delivery checked. See {@link Options#USAGE} and BENCHMARKS.md.
 */
public final class DanmakuLoad {

    /** Figures of one window: the warm-up (run 0) or a measured run. */
    record RunResult(int run, double seconds, int sent, int acked, int rejected, int unanswered, int failedToSend,
                     long expected, long received, long missing, long unexpected, double deliveriesPerSecond,
                     double p50Ms, double p99Ms, double maxMs, double serverCpuSeconds,
                     double deliveriesPerServerCpuSecond, double toolCpuSeconds, double otherCpuSeconds,
                     double framesPerSecond) {

        String line(int viewers, double rate) {
            return String.format(Locale.ROOT, "RESULT run=%d viewers=%d rate=%s seconds=%.1f sent=%d acked=%d rejected=%d"
                            + " unanswered=%d send_failed=%d expected=%d received=%d missing=%d unexpected=%d"
                            + " deliveries_per_s=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f server_cpu_s=%.2f"
                            + " deliveries_per_server_cpu_s=%.0f tool_cpu_s=%.2f other_cpu_s=%.2f frames_per_s=%.0f",
                    run, viewers, trim(rate), seconds, sent, acked, rejected, unanswered, failedToSend, expected, received,
                    missing, unexpected, deliveriesPerSecond, p50Ms, p99Ms, maxMs, serverCpuSeconds,
                    deliveriesPerServerCpuSecond, toolCpuSeconds, otherCpuSeconds, framesPerSecond);
        }
    }

    /** The whole outcome, for the tests; the report is printed as it goes. */
    record Result(int viewers, int opened, long failed, long closed, String closeCodes, int publishersOpened,
                  String errorCodes, long duplicates, long unknown, RunResult warmup, List<RunResult> runs) {
    }

    private record Sample(long nanos, long received, long frames, long serverTicks, long toolTicks, long machineTicks) {
    }

    private final Options options;
    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CpuClock cpu;

    DanmakuLoad(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.cpu = new CpuClock(options.clkTck);
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("danmaku-load: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        DanmakuLoad load = new DanmakuLoad(options, System.out);
        CountDownLatch finished = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        // Ctrl-C or kill: stop sending, close the connections properly, then let the JVM go.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            load.stop.countDown();
            try {
                if (!finished.await(20, TimeUnit.SECONDS)) {
                    main.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "danmaku-load-stop"));
        Result result;
        try {
            result = load.run();
        } finally {
            System.out.flush();
            finished.countDown();
        }
        if (result.opened() == 0 && options.viewers > 0) {
            System.exit(1);
        }
    }

    /** Runs the whole thing; returns early (without runs) if stopped. */
    Result run() throws InterruptedException {
        Plan plan = options.idle ? new Plan(1, 0, 1, 1)
                : new Plan(options.rate, options.warmup, options.seconds, options.runs);
        int messages = options.idle ? 0 : plan.messages();
        Deliveries deliveries = new Deliveries(plan);
        ItemScanner scanner = new ItemScanner(options.tag);
        Connections viewers = new Connections("viewers");
        Link[] links = new Link[options.viewers];
        WsClient netty = new WsClient(options.threads, LinkListener.MAX_FRAME_BYTES);
        ChannelGroup channels = WsClient.newGroup();
        JdkViewers jdk = options.client.equals("jdk") ? new JdkViewers(options.threads, viewers, deliveries, scanner) : null;
        String client = jdk != null ? "jdk" : netty.transport;
        URI viewerUri = options.viewerToken == null ? options.url : Publishers.withToken(options.url, options.viewerToken);
        Publishers publishers = null;
        try {
            out.printf(Locale.ROOT, "danmaku-load: %s, %d viewers (%s client, %d I/O threads)%s%n", options.url,
                    options.viewers, client, options.threads, options.idle ? ", idle"
                            : String.format(Locale.ROOT, ", %s danmaku/s from %d publishers, warm-up %d s,"
                                    + " %d runs of %d s, texts '%s.<k>'", trim(options.rate), options.tokens.size(),
                                    options.warmup, options.runs, options.seconds, options.tag));

            LinkListener.TextSink viewerSink = viewerSink(deliveries, scanner);
            long connectStart = System.nanoTime();
            viewers.expect(options.viewers);
            long interval = (long) (1e9 / options.connectRate);
            for (int i = 0; i < options.viewers && !stopped(); i++) {
                sleepUntil(connectStart + i * interval);
                // A server that accepts slowly must not face thousands of handshakes at once.
                while (viewers.pending() >= options.maxConnecting && !stopped()) {
                    stop.await(1, TimeUnit.MILLISECONDS);
                }
                links[i] = new Link(i, messages);
                if (jdk != null) {
                    jdk.connect(viewerUri, links[i]);
                } else {
                    LinkListener.connect(netty, viewerUri, channels, links[i], viewers, viewerSink);
                }
            }
            if (!viewers.awaitSettled(60, TimeUnit.SECONDS)) {
                out.println("danmaku-load: some viewers neither opened nor failed within 60 s");
            }
            out.printf(Locale.ROOT, "%s, in %.1f s%n", viewers.describe(), (System.nanoTime() - connectStart) / 1e9);

            if (options.idle) {
                idle(viewers);
                return new Result(options.viewers, viewers.opened(), viewers.failedCount(), viewers.closedCount(),
                        viewers.closeCodes(), 0, "none", 0, 0, null, List.of());
            }

            publishers = new Publishers(netty, channels, options.url, options.tokens, plan, options.tag);
            if (!publishers.connections.awaitSettled(30, TimeUnit.SECONDS) || publishers.connections.open() == 0) {
                out.println(publishers.connections.describe());
                out.println("danmaku-load: no publisher is open; nothing to measure");
                return new Result(options.viewers, viewers.opened(), viewers.failedCount(), viewers.closedCount(),
                        viewers.closeCodes(), publishers.connections.opened(), publishers.errorCodes(), 0, 0, null, List.of());
            }
            out.println(publishers.connections.describe());

            // A second for the viewers' join frames (the room's state) before the first message is due.
            long t0 = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            deliveries.start(t0);
            publishers.start(t0);
            Sample[] samples = new Sample[plan.windows() + 1];
            sleepUntil(t0);
            samples[0] = sample(deliveries);
            for (int w = 0; w < plan.windows() && !stopped(); w++) {
                if (plan.windowEndSeconds(w) == plan.windowStartSeconds(w)) {
                    samples[w + 1] = samples[w];
                    continue;
                }
                sleepUntil(t0 + TimeUnit.SECONDS.toNanos(plan.windowEndSeconds(w)));
                samples[w + 1] = sample(deliveries);
                progress(w, samples[w], samples[w + 1]);
            }
            if (stopped()) {
                out.println("danmaku-load: stopped before the end; no results");
                return new Result(options.viewers, viewers.opened(), viewers.failedCount(), viewers.closedCount(),
                        viewers.closeCodes(), publishers.connections.opened(), publishers.errorCodes(), 0, 0, null, List.of());
            }
            sleepUntil(t0 + TimeUnit.SECONDS.toNanos(plan.windowEndSeconds(plan.windows() - 1) + options.drain));
            publishers.stop();

            // Who was open to the end is decided before the tool starts closing its own connections.
            boolean[] stayed = new boolean[links.length];
            int stayedOpen = 0;
            for (int i = 0; i < links.length; i++) {
                stayed[i] = links[i] != null && links[i].state == Link.State.OPEN;
                stayedOpen += stayed[i] ? 1 : 0;
            }
            viewers.closing();
            publishers.connections.closing();
            closeAll(netty, channels, jdk);
            // The I/O threads have stopped: their histograms and the links' counters are safe to read.
            return report(plan, deliveries, viewers, publishers, links, stayed, stayedOpen, samples, client);
        } finally {
            viewers.closing();
            if (publishers != null) {
                publishers.stop();
                publishers.connections.closing();
            }
            closeAll(netty, channels, jdk);
        }
    }

    private static void closeAll(WsClient netty, ChannelGroup channels, JdkViewers jdk) {
        if (jdk != null) {
            jdk.closeAll(10);
        }
        WsClient.closeAll(channels, 10);
        netty.close();
        if (jdk != null) {
            jdk.close();
        }
    }

    private void idle(Connections viewers) throws InterruptedException {
        // The server sends a new viewer the room's state at its next tick; let those frames go out.
        stop.await(2, TimeUnit.SECONDS);
        out.printf("READY viewers=%d open=%d failed=%d closed=%d close_codes=%s%n", options.viewers, viewers.open(),
                viewers.failedCount(), viewers.closedCount(), viewers.closeCodes());
        out.flush();
        stop.await(options.hold, TimeUnit.SECONDS);
        out.printf("IDLE END viewers=%d open=%d failed=%d closed=%d close_codes=%s%n", options.viewers, viewers.open(),
                viewers.failedCount(), viewers.closedCount(), viewers.closeCodes());
    }

    /** Per I/O thread scratch buffers: a frame is copied out of its (direct) buffer once, then scanned. */
    private static LinkListener.TextSink viewerSink(Deliveries deliveries, ItemScanner scanner) {
        FastThreadLocal<byte[]> bytes = new FastThreadLocal<>() {
            @Override
            protected byte[] initialValue() {
                return new byte[64 * 1024];
            }
        };
        FastThreadLocal<int[]> found = new FastThreadLocal<>() {
            @Override
            protected int[] initialValue() {
                return new int[4096];
            }
        };
        return (link, content, index, len, now) -> {
            byte[] buf = bytes.get();
            if (buf.length < len) {
                buf = new byte[Math.max(len, buf.length * 2)];
                bytes.set(buf);
            }
            content.getBytes(index, buf, 0, len);
            int[] ks = found.get();
            deliveries.frame(link, ks, scanner.scan(buf, 0, len, ks), now);
        };
    }

    private Sample sample(Deliveries deliveries) {
        long server = options.serverPid == null ? -1 : cpu.processTicks(options.serverPid);
        return new Sample(System.nanoTime(), deliveries.received.sum(), deliveries.frames.sum(), server,
                cpu.processTicks("self"), cpu.machineBusyTicks());
    }

    private void progress(int w, Sample from, Sample to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        out.printf(Locale.ROOT, "%s (%.0f s): %,.0f deliveries/s, %,.0f frames/s;"
                        + " CPU-s per s: server %s, tool %.2f, rest of machine %.2f%n",
                w == 0 ? "warm-up" : "run " + w, seconds, (to.received() - from.received()) / seconds,
                (to.frames() - from.frames()) / seconds,
                to.serverTicks() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", serverCpu(from, to) / seconds),
                cpu.seconds(to.toolTicks() - from.toolTicks()) / seconds, otherCpu(from, to) / seconds);
        out.flush();
    }

    private double serverCpu(Sample from, Sample to) {
        return to.serverTicks() < 0 || from.serverTicks() < 0 ? Double.NaN : cpu.seconds(to.serverTicks() - from.serverTicks());
    }

    private double otherCpu(Sample from, Sample to) {
        double server = serverCpu(from, to);
        return cpu.seconds(to.machineTicks() - from.machineTicks()) - cpu.seconds(to.toolTicks() - from.toolTicks())
                - (Double.isNaN(server) ? 0 : server);
    }

    private Result report(Plan plan, Deliveries deliveries, Connections viewers, Publishers publishers, Link[] links,
                          boolean[] stayed, int stayedOpen, Sample[] samples, String client) {
        BitSet acked = publishers.acked();
        List<RunResult> runs = new ArrayList<>();
        RunResult warmup = null;
        for (int w = 0; w < plan.windows(); w++) {
            int from = plan.firstMessage(w);
            int to = plan.firstMessage(w + 1);
            BitSet ackedHere = acked.get(from, to);
            long received = 0;
            long unexpected = 0;
            for (int i = 0; i < links.length; i++) {
                if (links[i] == null) {
                    continue;
                }
                if (stayed[i]) {
                    received += links[i].receivedAmong(ackedHere, from, to);
                }
                unexpected += links[i].receivedNotAmong(ackedHere, from, to);
            }
            int ackedCount = ackedHere.cardinality();
            int rejected = publishers.count(w, Publishers.REJECTED);
            int unanswered = publishers.count(w, Publishers.SENT);
            long expected = (long) ackedCount * stayedOpen;
            Sample a = samples[w];
            Sample b = samples[w + 1];
            double seconds = (b.nanos() - a.nanos()) / 1e9;
            double server = serverCpu(a, b);
            long deliveredInWindow = b.received() - a.received();
            Histogram latencies = deliveries.latencies(w);
            RunResult result = new RunResult(w, seconds, ackedCount + rejected + unanswered, ackedCount, rejected, unanswered,
                    publishers.count(w, Publishers.FAILED), expected, received, expected - received, unexpected,
                    seconds > 0 ? deliveredInWindow / seconds : 0,
                    latencies.getValueAtPercentile(50) / 1000.0, latencies.getValueAtPercentile(99) / 1000.0,
                    latencies.getMaxValue() / 1000.0, server, deliveredInWindow / server,
                    cpu.seconds(b.toolTicks() - a.toolTicks()), otherCpu(a, b),
                    seconds > 0 ? (b.frames() - a.frames()) / seconds : 0);
            if (w == 0) {
                warmup = result;
            } else {
                runs.add(result);
            }
        }

        out.println();
        out.println("== danmaku fan-out: " + options.viewers + " viewers, " + trim(options.rate) + " danmaku/s ==");
        out.println(viewers.describe());
        out.printf("  open to the end: %d%n", stayedOpen);
        out.println(publishers.connections.describe());
        out.printf("  refused danmaku by code: %s%s%n", publishers.errorCodes(),
                publishers.errorCodes().contains("RATE_LIMITED")
                        ? " (the tenant's ratePerSecond/burst are below the publishers' rate)" : "");
        Histogram acks = publishers.ackLatencies();
        out.printf(Locale.ROOT, "  ack latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " latest send %.1f ms behind schedule; unmatched replies %d%n",
                acks.getValueAtPercentile(50) / 1000.0, acks.getValueAtPercentile(99) / 1000.0, acks.getMaxValue() / 1000.0,
                publishers.maxLagNanos.get() / 1e6, publishers.unmatched.sum());
        long[] perViewer = new long[stayedOpen];
        int v = 0;
        for (int i = 0; i < links.length; i++) {
            if (stayed[i]) {
                perViewer[v++] = links[i].delivered;
            }
        }
        Arrays.sort(perViewer);
        if (perViewer.length > 0) {
            out.printf("  danmaku per open viewer: min %d, median %d, max %d (accepted: %d)%n", perViewer[0],
                    perViewer[perViewer.length / 2], perViewer[perViewer.length - 1], acked.cardinality());
        }
        out.printf("  deliveries counted twice: %d; items with this run's tag but no such message: %d%n",
                deliveries.duplicates.sum(), deliveries.unknown.sum());
        out.println("| run | s | sent | acked | rejected | deliveries/s | missing | p50 ms | p99 ms | max ms"
                + " | server CPU-s | deliveries/server CPU-s | tool CPU-s | other CPU-s |");
        List<RunResult> all = new ArrayList<>();
        all.add(warmup);
        all.addAll(runs);
        for (RunResult r : all) {
            out.printf(Locale.ROOT, "| %s | %.1f | %d | %d | %d | %,.0f | %d | %.1f | %.1f | %.1f"
                            + " | %.2f | %,.0f | %.2f | %.2f |%n",
                    r.run() == 0 ? "warm-up" : String.valueOf(r.run()), r.seconds(), r.sent(), r.acked(), r.rejected(),
                    r.deliveriesPerSecond(), r.missing(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.serverCpuSeconds(),
                    r.deliveriesPerServerCpuSecond(), r.toolCpuSeconds(), r.otherCpuSeconds());
        }
        for (RunResult r : runs) {
            out.println(r.line(options.viewers, options.rate));
        }
        out.printf("RESULT summary viewers=%d opened=%d failed=%d closed=%d close_codes=%s publishers=%d errors=%s"
                        + " duplicates=%d unknown=%d client=%s%n",
                options.viewers, viewers.opened(), viewers.failedCount(), viewers.closedCount(), viewers.closeCodes(),
                publishers.connections.opened(), publishers.errorCodes(), deliveries.duplicates.sum(), deliveries.unknown.sum(),
                client);
        out.flush();
        return new Result(options.viewers, viewers.opened(), viewers.failedCount(), viewers.closedCount(), viewers.closeCodes(),
                publishers.connections.opened(), publishers.errorCodes(), deliveries.duplicates.sum(), deliveries.unknown.sum(),
                warmup, runs);
    }

    private boolean stopped() {
        return stop.getCount() == 0;
    }

    /** Sleeps until {@code nanos} (System.nanoTime), or until stopped. */
    private void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            stop.await(wait, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops a running {@link #run}: used by the tests and by the shutdown hook. */
    void stop() {
        stop.countDown();
    }

    static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
