package io.edamame.bench.media;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What a group of connections received: frames, bytes, notifications by method, answers nobody waited for. */
final class Traffic {

    final LongAdder frames = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder unreadable = new LongAdder();
    final LongAdder unmatched = new LongAdder();
    private final Map<String, LongAdder> notifications = new ConcurrentHashMap<>();

    void frame(Frame frame, int length) {
        frames.increment();
        bytes.add(length);
        if (frame.kind() == Frame.Kind.NOTIFICATION) {
            notifications.computeIfAbsent(frame.method(), m -> new LongAdder()).increment();
        } else if (frame.kind() == Frame.Kind.UNREADABLE) {
            unreadable.increment();
        }
    }

    long notifications(String method) {
        LongAdder n = notifications.get(method);
        return n == null ? 0 : n.sum();
    }

    /** {@code participantJoined:1234,iceCandidate:...}, by name; "none" if none. */
    String notificationCounts() {
        if (notifications.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        new TreeMap<>(notifications).forEach((method, n) -> out.append(out.length() == 0 ? "" : ",")
                .append(method).append(':').append(n.sum()));
        return out.toString();
    }
}
