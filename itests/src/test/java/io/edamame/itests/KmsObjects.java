package io.edamame.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads what a Kurento Media Server holds, over its own JSON-RPC protocol: the pipelines tagged with a room
 * ({@code edamame.room} = {@code tenantId/roomId}, as the media plugin tags them) and their elements. Test code
 * only, so that leak counts come from the media server itself, a real one as well as the fake, and not from the
 * plugin's view of it. Read-only: it invokes getters, never creates or releases anything.
 */
final class KmsObjects implements AutoCloseable {

    static final String ROOM_TAG = "edamame.room";
    private static final String SERVER_MANAGER = "manager_ServerManager";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final WebSocket socket;
    private volatile String sessionId;

    private KmsObjects(URI kms) throws Exception {
        socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(kms, new TextMessages(new Receiver()))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static KmsObjects connect(URI kms) throws Exception {
        return new KmsObjects(kms);
    }

    /** The room's objects on the server, pipelines included, counted by type ({@code WebRtcEndpoint}: 3...). */
    static Map<String, Integer> ofRoom(URI kms, long tenantId, long roomId) throws Exception {
        try (KmsObjects objects = connect(kms)) {
            return objects.countByType(tenantId + "/" + roomId);
        }
    }

    /** How many objects of the room the server holds, pipelines included. */
    static int countOfRoom(URI kms, long tenantId, long roomId) throws Exception {
        return ofRoom(kms, tenantId, roomId).values().stream().mapToInt(Integer::intValue).sum();
    }

    Map<String, Integer> countByType(String roomTag) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (String pipeline : pipelinesTagged(ROOM_TAG, roomTag)) {
            counts.merge(typeOf(pipeline), 1, Integer::sum);
            for (JsonNode child : invoke(pipeline, "getChildren")) {
                counts.merge(typeOf(child.asText()), 1, Integer::sum);
            }
        }
        return counts;
    }

    List<String> pipelinesTagged(String key, String value) throws Exception {
        List<String> tagged = new ArrayList<>();
        for (JsonNode pipeline : invoke(SERVER_MANAGER, "getPipelines")) {
            String id = pipeline.asText();
            JsonNode tags;
            try {
                tags = invoke(id, "getTags");
            } catch (IllegalStateException releasedMeanwhile) {
                continue;
            }
            for (JsonNode tag : tags) {
                if (key.equals(tag.path("key").asText()) && value.equals(tag.path("value").asText())) {
                    tagged.add(id);
                }
            }
        }
        return tagged;
    }

    /** KMS names objects {@code <uuid>_kurento.<Type>}, children under their pipeline's id. */
    static String typeOf(String objectId) {
        int dot = objectId.lastIndexOf('.');
        return dot < 0 ? objectId : objectId.substring(dot + 1);
    }

    private JsonNode invoke(String object, String operation) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("object", object);
        params.put("operation", operation);
        params.put("operationParams", Map.of());
        if (sessionId != null) {
            params.put("sessionId", sessionId);
        }
        socket.sendText(JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id, "method", "invoke",
                "params", params)), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JsonNode response = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (response.has("error")) {
            throw new IllegalStateException(operation + " on " + object + " failed: " + response.get("error"));
        }
        JsonNode result = response.path("result");
        if (result.hasNonNull("sessionId")) {
            sessionId = result.get("sessionId").asText();
        }
        return result.path("value");
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    private final class Receiver implements TextMessages.Receiver {

        @Override
        public void message(String text) {
            try {
                JsonNode frame = JSON.readTree(text);
                CompletableFuture<JsonNode> answer = frame.has("id") ? pending.remove(frame.get("id").asLong()) : null;
                if (answer != null) {
                    answer.complete(frame);
                }
            } catch (Exception e) {
                pending.values().forEach(p -> p.completeExceptionally(e));
            }
        }

        @Override
        public void failed(Throwable error) {
            pending.values().forEach(p -> p.completeExceptionally(error));
        }
    }
}
