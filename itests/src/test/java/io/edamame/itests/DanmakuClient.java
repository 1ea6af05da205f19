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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A danmaku client over {@code java.net.http.WebSocket}, speaking docs/DANMAKU-PROTOCOL.md. What the
 * server sends is sorted as it arrives: the items of every {@code batch} in one queue, in order; the
 * answers to this client alone ({@code ack}, {@code error}, {@code pong}) in another; the close code and
 * reason in a future. Every wait is bounded by {@link #WAIT}.
 */
final class DanmakuClient implements AutoCloseable {

    /** Longest wait for anything the server should send. Generous: a failure costs this, a pass does not. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** How the connection ended: the close code and reason the server sent, or -1 and the failure. */
    record Closed(int code, String reason) {
    }

    private final String name;
    private final BlockingQueue<JsonNode> items = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    private final CompletableFuture<JsonNode> firstBatch = new CompletableFuture<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    /** Completed when this client may answer the server's close; at once unless the client lingers. */
    private final CompletableFuture<Void> closeReply = new CompletableFuture<>();
    /** Fragments of the text message being received; the listener's thread only. */
    private volatile WebSocket socket;

    private DanmakuClient(String name, boolean lingers) {
        this.name = name;
        if (!lingers) {
            closeReply.complete(null);
        }
    }

    /**
     * Connects to {@code /ws/danmaku/{tenant}/{room}}, with {@code token} in the query if not null. The
     * handshake must succeed; whether the server then keeps or closes the connection is for the caller to see.
     */
    static DanmakuClient connect(String name, String tenant, Object room, String token) throws Exception {
        return connect(name, uri(tenant, room, token));
    }

    static DanmakuClient connect(String name, URI uri) throws Exception {
        return connect(name, uri, false);
    }

    /**
     * {@code lingers}: the client answers the server's close only when {@link #close()} is called, as a
     * client on a slow network would, so that the server's side of the connection stays half-closed.
     */
    static DanmakuClient connect(String name, URI uri, boolean lingers) throws Exception {
        DanmakuClient client = new DanmakuClient(name, lingers);
        client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new TextMessages(client.new Receiver())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    static URI uri(String tenant, Object room, String token) {
        String port = System.getProperty(EdamameTestSupport.PORT_PROPERTY);
        return URI.create("ws://127.0.0.1:" + port + "/ws/danmaku/" + tenant + "/" + room
                + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    }

    /** Connects and waits for the first batch, which the server sends only once the client joined the room. */
    static DanmakuClient join(String name, String tenant, Object room, String token) throws Exception {
        return join(name, tenant, room, token, false);
    }

    static DanmakuClient join(String name, String tenant, Object room, String token, boolean lingers)
            throws Exception {
        DanmakuClient client = connect(name, uri(tenant, room, token), lingers);
        client.awaitFirstBatch();
        return client;
    }

    // ---- sending

    void send(String text) throws Exception {
        socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    void send(Map<String, ?> message) throws Exception {
        send(JSON.writeValueAsString(message));
    }

    /** Sends unless the connection is closing already (the server may close it at any moment); whether it went. */
    boolean trySend(Map<String, ?> message) throws Exception {
        try {
            send(message);
            return true;
        } catch (java.util.concurrent.ExecutionException | IllegalStateException e) {
            return false;
        }
    }

    /** Sends a danmaku in scroll mode without color. */
    void danmaku(String text, String clientId) throws Exception {
        send(message("danmaku", "text", text, "clientId", clientId));
    }

    static Map<String, Object> message(String type, Object... fields) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            message.put((String) fields[i], fields[i + 1]);
        }
        return message;
    }

    /** Sends a danmaku and returns the id of its {@code ack}; fails on anything else. */
    long sendAccepted(String text, String clientId) throws Exception {
        danmaku(text, clientId);
        JsonNode answer = nextAnswer();
        if (!"ack".equals(answer.path("type").asText()) || !clientId.equals(answer.path("clientId").asText())) {
            throw new AssertionError(name + ": expected an ack for " + clientId + " (" + text + "), got " + answer);
        }
        return answer.path("id").asLong();
    }

    /** Sends a danmaku that must be refused; returns the {@code error}'s code. */
    String sendRefused(String text, String clientId) throws Exception {
        danmaku(text, clientId);
        JsonNode answer = nextAnswer();
        if (!"error".equals(answer.path("type").asText())) {
            throw new AssertionError(name + ": expected an error for " + clientId + " (" + text + "), got " + answer);
        }
        return answer.path("code").asText();
    }

    // ---- receiving

    JsonNode awaitFirstBatch() throws Exception {
        try {
            return firstBatch.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": no batch within " + WAIT + (closed.isDone() ? "; closed " + closed.get() : ""));
        }
    }

    /** The next ack, error or pong. */
    JsonNode nextAnswer() throws InterruptedException {
        JsonNode answer = answers.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            throw new AssertionError(name + ": no answer within " + WAIT + (closed.isDone() ? "; closed " + closed.join() : ""));
        }
        return answer;
    }

    /** The answers that arrived so far, without waiting. */
    List<JsonNode> pendingAnswers() {
        List<JsonNode> pending = new ArrayList<>();
        answers.drainTo(pending);
        return pending;
    }

    /**
     * Takes batch items until one matches, and returns all it took, the match last; fails if none matches
     * within {@link #WAIT}.
     */
    List<JsonNode> itemsUntil(Predicate<JsonNode> match, String what) throws InterruptedException {
        return itemsUntil(match, what, WAIT);
    }

    private List<JsonNode> itemsUntil(Predicate<JsonNode> match, String what, Duration wait)
            throws InterruptedException {
        List<JsonNode> taken = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode item = left <= 0 ? null : items.poll(left, TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError(name + ": no " + what + " within " + wait + "; received " + taken
                        + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            taken.add(item);
            if (match.test(item)) {
                return taken;
            }
        }
    }

    JsonNode awaitItem(Predicate<JsonNode> match, String what) throws InterruptedException {
        List<JsonNode> taken = itemsUntil(match, what);
        return taken.get(taken.size() - 1);
    }

    /** The next item that matches within {@code millis}, or null; items before it are dropped. */
    JsonNode pollItem(Predicate<JsonNode> match, long millis) throws InterruptedException {
        try {
            List<JsonNode> taken = itemsUntil(match, "match", Duration.ofMillis(millis));
            return taken.get(taken.size() - 1);
        } catch (AssertionError none) {
            return null;
        }
    }

    /** The next {@code danmaku} item with this text. */
    JsonNode awaitDanmaku(String text) throws InterruptedException {
        return awaitItem(item -> isDanmaku(item, text), "danmaku '" + text + "'");
    }

    static boolean isDanmaku(JsonNode item, String text) {
        return "danmaku".equals(item.path("type").asText()) && text.equals(item.path("text").asText());
    }

    static boolean isType(JsonNode item, String type) {
        return type.equals(item.path("type").asText());
    }

    Closed awaitClose() throws Exception {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": still open after " + WAIT);
        }
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public void close() {
        closeReply.complete(null);
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

    private final class Receiver implements TextMessages.Receiver {

        @Override
        public void message(String text) {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (Exception e) {
                closed.complete(new Closed(-1, "server sent a frame that is not JSON: " + text));
                return;
            }
            if (isType(frame, "batch")) {
                firstBatch.complete(frame);
                frame.path("items").forEach(items::add);
            } else {
                answers.add(frame);
            }
        }

        @Override
        public CompletionStage<?> closed(int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return closeReply;
        }

        @Override
        public void failed(Throwable error) {
            closed.complete(new Closed(-1, error.toString()));
        }
    }
}
