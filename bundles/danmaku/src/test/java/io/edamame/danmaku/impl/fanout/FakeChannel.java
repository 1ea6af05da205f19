package io.edamame.danmaku.impl.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A viewer whose writes complete at once ({@link #fast}), only when the test says so ({@link #manual}),
 * or throw ({@link #throwing}); it records every frame it is sent and how it was closed.
 */
final class FakeChannel implements ViewerChannel {

    private enum Writes { COMPLETE_AT_ONCE, WAIT, THROW }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final Writes writes;
    private final List<String> frames = new ArrayList<>();
    private final Deque<Consumer<Throwable>> inFlight = new ArrayDeque<>();
    private Integer closeCode;
    private String closeReason;

    private FakeChannel(String id, Writes writes) {
        this.id = id;
        this.writes = writes;
    }

    static FakeChannel fast(String id) {
        return new FakeChannel(id, Writes.COMPLETE_AT_ONCE);
    }

    static FakeChannel manual(String id) {
        return new FakeChannel(id, Writes.WAIT);
    }

    static FakeChannel throwing(String id) {
        return new FakeChannel(id, Writes.THROW);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void send(String frame, Consumer<Throwable> whenDone) {
        if (writes == Writes.THROW) {
            throw new IllegalStateException("session closed");
        }
        frames.add(frame);
        if (writes == Writes.COMPLETE_AT_ONCE) {
            whenDone.accept(null);
        } else {
            inFlight.add(whenDone);
        }
    }

    @Override
    public synchronized void close(int code, String reason) {
        closeCode = code;
        closeReason = reason;
    }

    /** Completes the write in flight, which may start the next one. */
    void complete() {
        finish(null);
    }

    void fail(Throwable cause) {
        finish(cause);
    }

    private void finish(Throwable outcome) {
        Consumer<Throwable> whenDone;
        synchronized (this) {
            whenDone = inFlight.poll();
        }
        if (whenDone == null) {
            throw new IllegalStateException(id + " has no write in flight");
        }
        whenDone.accept(outcome);
    }

    synchronized List<String> frames() {
        return List.copyOf(frames);
    }

    /** Forgets the frames received so far. */
    synchronized void clear() {
        frames.clear();
    }

    synchronized Integer closeCode() {
        return closeCode;
    }

    synchronized String closeReason() {
        return closeReason;
    }

    /** The items of every frame, in the order received. */
    List<JsonNode> items() {
        List<JsonNode> items = new ArrayList<>();
        for (String frame : frames()) {
            parse(frame).get("items").forEach(items::add);
        }
        return items;
    }

    /** The {@code type} of every item received, in order. */
    List<String> types() {
        return items().stream().map(item -> item.get("type").asText()).toList();
    }

    /** The ids of the danmaku received, in order. */
    List<Long> danmakuIds() {
        return items().stream().filter(item -> item.get("type").asText().equals("danmaku"))
                .map(item -> item.get("id").asLong()).toList();
    }

    static JsonNode parse(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
