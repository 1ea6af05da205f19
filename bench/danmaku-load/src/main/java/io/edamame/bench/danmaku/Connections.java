package io.edamame.bench.danmaku;

import io.edamame.bench.support.WsClient;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened to a group of connections (the viewers, or the publishers): how many opened, failed
 * to open (by reason) and were closed by the server or the network (by close code, 1006 for a
 * connection lost without a close frame), with the first reason seen for each code.
 */
final class Connections {

    /** No close frame: the connection was lost (RFC 6455's 1006, never sent on the wire). */

    private final String what;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
    private final Map<Integer, String> closeReasons = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile CountDownLatch settled = new CountDownLatch(0);
    /** Set when the tool starts closing: from then on closes are its own and not counted. */
    private volatile boolean closing;

    Connections(String what) {
        this.what = what;
    }

    /** Expect {@code n} more connection attempts; see {@link #awaitSettled}. */
    void expect(int n) {
        settled = new CountDownLatch(n);
    }

    int pending() {
        return pending.get();
    }

    void attempting() {
        pending.incrementAndGet();
    }

    void opened(Link link) {
        link.state = Link.State.OPEN;
        open.incrementAndGet();
        opened.incrementAndGet();
        pending.decrementAndGet();
        settled.countDown();
    }

    void failed(Link link, String reason) {
        if (link.state != Link.State.CONNECTING) {
            return;
        }
        link.state = Link.State.FAILED;
        failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
        pending.decrementAndGet();
        settled.countDown();
    }

    /** The server closed with {@code code} ({@link WsClient#ABNORMAL}: the connection was lost). */
    void closed(Link link, int code, String reason) {
        if (link.state == Link.State.CONNECTING) {
            failed(link, "closed with " + code + (reason == null || reason.isEmpty() ? "" : " " + reason)
                    + " before opening");
            return;
        }
        if (link.state != Link.State.OPEN) {
            return;
        }
        link.state = Link.State.CLOSED;
        open.decrementAndGet();
        if (!closing) {
            closes.computeIfAbsent(code, c -> new LongAdder()).increment();
            if (reason != null && !reason.isEmpty()) {
                closeReasons.putIfAbsent(code, reason);
            }
        }
    }

    boolean awaitSettled(long timeout, TimeUnit unit) throws InterruptedException {
        return settled.await(timeout, unit);
    }

    void closing() {
        closing = true;
    }

    int open() {
        return open.get();
    }

    int opened() {
        return opened.get();
    }

    long failedCount() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long closedCount() {
        return closes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Close codes and counts, e.g. {@code 4408x12}, comma-separated; "none" if none. */
    String closeCodes() {
        if (closes.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        new TreeMap<>(closes).forEach((code, n) -> out.append(out.length() == 0 ? "" : ",").append(code)
                .append('x').append(n.sum()));
        return out.toString();
    }

    String describe() {
        StringBuilder out = new StringBuilder(what).append(": ").append(opened.get()).append(" opened, ")
                .append(failedCount()).append(" failed, ").append(closedCount()).append(" closed by the server or network");
        failures.forEach((reason, n) -> out.append("\n  failed ").append(n.sum()).append("x: ").append(reason));
        new TreeMap<>(closes).forEach((code, n) -> out.append("\n  closed ").append(n.sum()).append("x with ")
                .append(code).append(closeReasons.containsKey(code) ? " (" + closeReasons.get(code) + ")" : ""));
        return out.toString();
    }
}
