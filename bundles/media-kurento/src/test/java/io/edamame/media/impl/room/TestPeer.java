package io.edamame.media.impl.room;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A participant's client end that keeps every notification, for assertions. */
final class TestPeer implements SignalingPeer {

    record Received(String method, Map<String, Object> params) {
    }

    private final List<Received> received = new ArrayList<>();
    private volatile Integer closeCode;
    private volatile String closeReason;

    @Override
    public synchronized void notify(Notification notification) {
        received.add(new Received(notification.method(), notification.params()));
        notifyAll();
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCode = code;
        closeReason = reason;
        notifyAll();
    }

    synchronized List<Received> all(String method) {
        return received.stream().filter(n -> n.method().equals(method)).toList();
    }

    synchronized List<String> methods() {
        return received.stream().map(Received::method).toList();
    }

    /** The first notification of {@code method} matching {@code test}, waiting up to 10 s for it. */
    synchronized Received await(String method, Predicate<Map<String, Object>> test) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            for (Received n : received) {
                if (n.method().equals(method) && test.test(n.params())) {
                    return n;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("no '" + method + "' notification came; got " + methods());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    Received await(String method) {
        return await(method, p -> true);
    }

    synchronized void clear() {
        received.clear();
    }

    Integer closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }
}
