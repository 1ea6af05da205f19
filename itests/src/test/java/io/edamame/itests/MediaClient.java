package io.edamame.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A client of the media signaling WebSocket ({@code /ws/media/{tenant}/{roomId}}, docs/MEDIA-PROTOCOL.md)
 * over {@code java.net.http.WebSocket}, speaking JSON-RPC 2.0. What the server sends is sorted as it
 * arrives: answers by their {@code id}, notifications in arrival order (kept until a test takes them), the
 * close code and reason in a future. Every wait is bounded by {@link #WAIT}, or by the wait a caller passes.
 */
final class MediaClient implements AutoCloseable {

    /** Longest wait for anything the server should send. Generous: a failure costs this, a pass does not. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** How the connection ended: the close code and reason the server sent, or -1 and the failure. */
    record Closed(int code, String reason) {
    }

    private final String name;
    private final AtomicLong ids = new AtomicLong();
    /** Answers by id; guarded by {@code this}, waited on with {@code wait/notifyAll}. */
    private final Map<String, JsonNode> answers = new LinkedHashMap<>();
    /** Answers whose id is null (to frames the server could not read); guarded by {@code this}. */
    private final List<JsonNode> answersWithoutId = new ArrayList<>();
    /** Notifications not taken yet, in arrival order; guarded by {@code this}. */
    private final List<JsonNode> notifications = new ArrayList<>();
    /** Every notification received, taken or not; guarded by {@code this}. */
    private final List<JsonNode> received = new ArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    /** Fragments of the text message being received; the listener's thread only. */
    private volatile WebSocket socket;
    /** The participant id {@link #join} answered. */
    private volatile String participantId;

    private MediaClient(String name) {
        this.name = name;
    }

    /**
     * Connects to {@code /ws/media/{tenant}/{room}}, with {@code token} in the query if not null. The handshake
     * must succeed; whether the server then keeps or closes the connection is for the caller to see.
     */
    static MediaClient connect(String name, String tenant, Object room, String token) throws Exception {
        return connect(name, uri(tenant, room, token));
    }

    static MediaClient connect(String name, URI uri) throws Exception {
        MediaClient client = new MediaClient(name);
        client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new TextMessages(client.new Receiver())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    static URI uri(String tenant, Object room, String token) {
        String port = System.getProperty(EdamameTestSupport.PORT_PROPERTY);
        return URI.create("ws://127.0.0.1:" + port + "/ws/media/" + tenant + "/" + room
                + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    }

    /** Connects and joins; fails unless {@code join} answers with a result. */
    static MediaClient join(String name, String tenant, Object room, String token) throws Exception {
        MediaClient client = connect(name, tenant, room, token);
        client.joinRoom();
        return client;
    }

    /** Sends {@code join} and returns its result; remembers the participant id. */
    JsonNode joinRoom() throws Exception {
        JsonNode joined = result("join", Map.of());
        participantId = joined.path("participantId").asText();
        if (participantId.isEmpty()) {
            throw new AssertionError(name + ": join answered no participantId: " + joined);
        }
        return joined;
    }

    String participantId() {
        if (participantId == null) {
            throw new AssertionError(name + " has not joined");
        }
        return participantId;
    }

    // ---- sending

    void sendText(String text) throws Exception {
        socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends a request and waits for its answer, result or error. */
    JsonNode call(String method, Map<String, ?> params) throws Exception {
        return call(method, params, WAIT);
    }

    JsonNode call(String method, Map<String, ?> params, Duration wait) throws Exception {
        String id = Long.toString(ids.incrementAndGet());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", Long.parseLong(id));
        request.put("method", method);
        request.put("params", params);
        sendText(JSON.writeValueAsString(request));
        return awaitAnswer(id, method, wait);
    }

    /** Sends a request that must succeed; its {@code result}. */
    JsonNode result(String method, Map<String, ?> params) throws Exception {
        return result(method, params, WAIT);
    }

    JsonNode result(String method, Map<String, ?> params, Duration wait) throws Exception {
        JsonNode answer = call(method, params, wait);
        if (!answer.has("result")) {
            throw new AssertionError(name + ": " + method + " " + params + " failed: " + answer);
        }
        return answer.get("result");
    }

    /** Sends a request that must fail; its {@code error} ({@code code}, {@code message}, {@code data.errorCode}). */
    JsonNode error(String method, Map<String, ?> params) throws Exception {
        JsonNode answer = call(method, params);
        if (!answer.has("error")) {
            throw new AssertionError(name + ": " + method + " " + params + " should have failed: " + answer);
        }
        return answer.get("error");
    }

    /** A JSON-RPC notification (no {@code id}): the server carries it out and does not answer. */
    void notifyServer(String method, Map<String, ?> params) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        request.put("params", params);
        sendText(JSON.writeValueAsString(request));
    }

    static Map<String, Object> params(Object... fields) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            params.put((String) fields[i], fields[i + 1]);
        }
        return params;
    }

    static Map<String, Object> candidate(String line, String sdpMid, int sdpMLineIndex) {
        return params("candidate", line, "sdpMid", sdpMid, "sdpMLineIndex", sdpMLineIndex);
    }

    // ---- receiving

    /** The answer with this id. */
    private JsonNode awaitAnswer(String id, String what, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            while (!answers.containsKey(id)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (closed.isDone() && !answers.containsKey(id))) {
                    throw new AssertionError(name + ": no answer to " + what + " (id " + id + ") within " + wait
                            + (closed.isDone() ? "; closed " + closed.join() : ""));
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 100_000_000L));
            }
            return answers.remove(id);
        }
    }

    /** The next answer that carries {@code "id": null} or none (what the server answers to a frame it could not read). */
    synchronized JsonNode awaitAnswerWithoutId() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (answersWithoutId.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed.isDone()) {
                throw new AssertionError(name + ": no answer without id within " + WAIT
                        + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 100_000_000L));
        }
        return answersWithoutId.remove(0);
    }

    /**
     * The first notification not taken yet that matches, taken; waits for it up to {@link #WAIT}. Notifications
     * that do not match stay for later.
     */
    JsonNode awaitNotification(String method, Predicate<JsonNode> params) throws InterruptedException {
        return awaitNotification(method, params, WAIT);
    }

    JsonNode awaitNotification(String method) throws InterruptedException {
        return awaitNotification(method, p -> true, WAIT);
    }

    synchronized JsonNode awaitNotification(String method, Predicate<JsonNode> params, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            for (Iterator<JsonNode> it = notifications.iterator(); it.hasNext(); ) {
                JsonNode notification = it.next();
                if (method.equals(notification.path("method").asText()) && params.test(notification.path("params"))) {
                    it.remove();
                    return notification.path("params");
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed.isDone()) {
                throw new AssertionError(name + ": no " + method + " notification within " + wait + "; waiting: "
                        + notifications + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 100_000_000L));
        }
    }

    /** The params of every notification of this method received so far, taken or not, without waiting. */
    synchronized List<JsonNode> received(String method) {
        return received.stream().filter(n -> method.equals(n.path("method").asText())).map(n -> n.path("params"))
                .toList();
    }

    /** The methods of the notifications received so far, in order, without waiting. */
    synchronized List<String> receivedMethods() {
        return received.stream().map(n -> n.path("method").asText()).toList();
    }

    /** Forgets the notifications not taken yet. */
    synchronized void dropNotifications() {
        notifications.clear();
    }

    Closed awaitClose() throws Exception {
        return awaitClose(WAIT);
    }

    Closed awaitClose(Duration wait) throws Exception {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": still open after " + wait);
        }
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public void close() {
        WebSocket current = socket;
        if (current != null && isOpen()) {
            try {
                current.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                current.abort();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private synchronized void onFrame(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (Exception e) {
            closed.complete(new Closed(-1, "server sent a frame that is not JSON: " + text));
            notifyAll();
            return;
        }
        if (frame.has("method")) {
            notifications.add(frame);
            received.add(frame);
        } else {
            JsonNode id = frame.get("id");
            if (id == null || id.isNull()) {
                answersWithoutId.add(frame);
            } else {
                answers.put(id.asText(), frame);
            }
        }
        notifyAll();
    }

    private synchronized void ended(Closed how) {
        closed.complete(how);
        notifyAll();
    }

    private final class Receiver implements TextMessages.Receiver {

        @Override
        public void message(String text) {
            onFrame(text);
        }

        @Override
        public CompletionStage<?> closed(int statusCode, String reason) {
            ended(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void failed(Throwable error) {
            ended(new Closed(-1, error.toString()));
        }
    }
}
