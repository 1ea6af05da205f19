package io.edamame.bench.danmaku;

import io.edamame.bench.support.WsClient;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * P connections with a user's token each that send the danmaku of the {@link Plan}: message k is due at
 * t0 + k / rate and goes out on publisher k mod P (the next open one if that one is down). One clock
 * thread sends; the connections read their {@code ack} and {@code error} frames and ignore the batches
 * they receive as members of the room.
 */
final class Publishers {

    static final int NOT_SENT = 0;
    static final int SENT = 1;
    static final int ACKED = 2;
    static final int REJECTED = 3;
    /** Due, but no publisher was open or the write failed. */
    static final int FAILED = 4;

    private final Plan plan;
    private final String tag;
    private final Link[] links;
    private final Channel[] channels;
    final Connections connections = new Connections("publishers");
    private final AtomicIntegerArray state;
    private final long[] sentNanos;
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Histogram ackMicros = new Histogram(Deliveries.HIGHEST_MICROS, 3);
    /** Acks or errors whose clientId is not one of ours. */
    final LongAdder unmatched = new LongAdder();
    /** How late the clock thread sent, at worst: the latency figures include it. */
    final AtomicLong maxLagNanos = new AtomicLong();
    private volatile boolean stopped;
    private Thread clock;

    Publishers(WsClient client, ChannelGroup group, URI base, List<String> tokens, Plan plan, String tag) {
        this.plan = plan;
        this.tag = tag;
        this.links = new Link[tokens.size()];
        this.channels = new Channel[tokens.size()];
        this.state = new AtomicIntegerArray(plan.messages());
        this.sentNanos = new long[plan.messages()];
        connections.expect(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            links[i] = new Link(i, 0);
            channels[i] = LinkListener.connect(client, withToken(base, tokens.get(i)), group, links[i], connections,
                    (link, buf, index, length, now) -> onFrame(buf.toString(index, length, StandardCharsets.UTF_8), now));
        }
    }

    static URI withToken(URI base, String token) {
        String separator = base.getRawQuery() == null ? "?" : "&";
        return URI.create(base + separator + "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    static String message(String tag, int k) {
        return "{\"type\":\"danmaku\",\"text\":\"" + ItemScanner.text(tag, k) + "\",\"mode\":\"scroll\",\"clientId\":\"c"
                + k + "\"}";
    }

    /** Starts sending at {@code t0Nanos} (System.nanoTime). */
    void start(long t0Nanos) {
        clock = new Thread(() -> send(t0Nanos), "publisher-clock");
        clock.setDaemon(true);
        clock.start();
    }

    void stop() throws InterruptedException {
        stopped = true;
        if (clock != null) {
            clock.join(5_000);
        }
    }

    private void send(long t0) {
        int total = plan.messages();
        for (int k = 0; k < total && !stopped; k++) {
            long due = t0 + plan.intendedNanos(k);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            Channel channel = openChannel(k);
            if (channel == null) {
                state.set(k, FAILED);
                continue;
            }
            long now = System.nanoTime();
            maxLagNanos.accumulateAndGet(now - due, Math::max);
            sentNanos[k] = now;
            state.set(k, SENT);
            int sent = k;
            WsClient.send(channel, message(tag, k)).addListener(f -> {
                if (!f.isSuccess()) {
                    state.compareAndSet(sent, SENT, FAILED);
                }
            });
        }
    }

    private Channel openChannel(int k) {
        for (int i = 0; i < channels.length; i++) {
            int p = (k + i) % channels.length;
            if (links[p].state == Link.State.OPEN && channels[p].isActive()) {
                return channels[p];
            }
        }
        return null;
    }

    private void onFrame(String text, long now) {
        String type = JsonFields.field(text, "type");
        if (!"ack".equals(type) && !"error".equals(type)) {
            return;
        }
        int k = messageOf(JsonFields.field(text, "clientId"));
        if ("error".equals(type)) {
            String code = JsonFields.field(text, "code");
            errors.computeIfAbsent(code == null ? "(no code)" : code, c -> new LongAdder()).increment();
        }
        if (k < 0 || k >= sentNanos.length) {
            unmatched.increment();
            return;
        }
        if (state.compareAndSet(k, SENT, "ack".equals(type) ? ACKED : REJECTED)) {
            synchronized (ackMicros) {
                ackMicros.recordValue(Math.max(0, Math.min((now - sentNanos[k]) / 1000, Deliveries.HIGHEST_MICROS)));
            }
        } else {
            unmatched.increment();
        }
    }

    private static int messageOf(String clientId) {
        if (clientId == null || clientId.length() < 2 || clientId.charAt(0) != 'c') {
            return -1;
        }
        try {
            return Integer.parseInt(clientId.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    int count(int w, int wanted) {
        int n = 0;
        for (int k = plan.firstMessage(w); k < plan.firstMessage(w + 1); k++) {
            if (state.get(k) == wanted) {
                n++;
            }
        }
        return n;
    }

    /** Messages the server accepted. */
    BitSet acked() {
        BitSet acked = new BitSet(plan.messages());
        for (int k = 0; k < plan.messages(); k++) {
            if (state.get(k) == ACKED) {
                acked.set(k);
            }
        }
        return acked;
    }

    /** Error codes and counts, e.g. {@code RATE_LIMITED:12}, comma-separated; "none" if none. */
    String errorCodes() {
        if (errors.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        new TreeMap<>(errors).forEach((code, n) -> out.append(out.length() == 0 ? "" : ",").append(code).append(':')
                .append(n.sum()));
        return out.toString();
    }

    Histogram ackLatencies() {
        synchronized (ackMicros) {
            return ackMicros.copy();
        }
    }
}
