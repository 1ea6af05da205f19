package io.edamame.bench.media;

import io.edamame.bench.support.Percentiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Times the fake media server's answers to the requests a subscription makes (create a WebRtcEndpoint,
 * subscribe to its IceCandidateFound, connect the publisher to it for audio and for video, processOffer,
 * gatherCandidates; then release), one at a time, with a plain JSON-RPC client on loopback. Each round
 * trip includes the client's and the loopback's cost, so it is an upper bound of the fake's own share of
 * a platform request. Run in the fake's JVM before it serves.
 */
final class KmsCalibration {

    static final List<String> STEPS = List.of("create:WebRtcEndpoint", "subscribe", "invoke:connect(AUDIO)",
            "invoke:connect(VIDEO)", "invoke:processOffer", "invoke:gatherCandidates", "release");

    /** Round trips by step, in nanoseconds; {@code sequence} is the steps before release, added up per iteration. */
    record Result(int iterations, Map<String, Percentiles> steps, Percentiles sequence) {

        String describe() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "FAKE-KMS CALIBRATION iterations=%d subscribe_sequence_p50_us=%.0f subscribe_sequence_p99_us=%.0f",
                    iterations, sequence.p50() / 1e3, sequence.p99() / 1e3));
            long[] p50s = steps.values().stream().mapToLong(Percentiles::p50).sorted().toArray();
            out.append(String.format(Locale.ROOT, " request_p50_us=%.0f", p50s[p50s.length / 2] / 1e3));
            steps.forEach((step, p) -> out.append(String.format(Locale.ROOT, " %s_p50_us=%.0f",
                    step.replaceAll("[^A-Za-z]+", "_"), p.p50() / 1e3)));
            return out.toString();
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private long nextId = 1;
    private String sessionId;

    private KmsCalibration(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    // Events (onEvent) are requests of the server; only answers are waited for.
                    if (!text.contains("\"method\"")) {
                        answers.add(text);
                    }
                }
                webSocket.request(1);
                return null;
            }
        }).join();
    }

    /** {@code warmup} untimed iterations (for the JIT of both sides), then {@code iterations} timed ones. */
    static Result run(URI uri, int warmup, int iterations) throws InterruptedException {
        KmsCalibration c = new KmsCalibration(uri);
        try {
            String pipeline = c.value(c.call("create", params("type", "MediaPipeline", "constructorParams", Map.of())));
            String publisher = c.value(c.call("create", params("type", "WebRtcEndpoint",
                    "constructorParams", Map.of("mediaPipeline", pipeline))));
            c.call("invoke", params("object", publisher, "operation", "processOffer",
                    "operationParams", Map.of("offer", Sdp.publishOffer())));
            Map<String, long[]> times = new LinkedHashMap<>();
            STEPS.forEach(step -> times.put(step, new long[iterations]));
            long[] sequence = new long[iterations];
            for (int i = 0; i < warmup + iterations; i++) {
                long[] t = c.subscribeOnce(pipeline, publisher);
                if (i >= warmup) {
                    long sum = 0;
                    for (int s = 0; s < STEPS.size(); s++) {
                        times.get(STEPS.get(s))[i - warmup] = t[s];
                        if (!STEPS.get(s).equals("release")) {
                            sum += t[s];
                        }
                    }
                    sequence[i - warmup] = sum;
                }
            }
            c.call("release", params("object", pipeline));
            Map<String, Percentiles> steps = new LinkedHashMap<>();
            times.forEach((step, values) -> steps.put(step, Percentiles.of(values, iterations)));
            return new Result(iterations, steps, Percentiles.of(sequence, iterations));
        } finally {
            c.socket.abort();
        }
    }

    private long[] subscribeOnce(String pipeline, String publisher) throws InterruptedException {
        long[] t = new long[STEPS.size()];
        long start = System.nanoTime();
        String endpoint = value(call("create", params("type", "WebRtcEndpoint",
                "constructorParams", Map.of("mediaPipeline", pipeline))));
        t[0] = lap(start);
        start = System.nanoTime();
        call("subscribe", params("type", "IceCandidateFound", "object", endpoint));
        t[1] = lap(start);
        start = System.nanoTime();
        call("invoke", params("object", publisher, "operation", "connect",
                "operationParams", Map.of("sink", endpoint, "mediaType", "AUDIO")));
        t[2] = lap(start);
        start = System.nanoTime();
        call("invoke", params("object", publisher, "operation", "connect",
                "operationParams", Map.of("sink", endpoint, "mediaType", "VIDEO")));
        t[3] = lap(start);
        start = System.nanoTime();
        call("invoke", params("object", endpoint, "operation", "processOffer",
                "operationParams", Map.of("offer", Sdp.subscribeOffer())));
        t[4] = lap(start);
        start = System.nanoTime();
        call("invoke", params("object", endpoint, "operation", "gatherCandidates", "operationParams", Map.of()));
        t[5] = lap(start);
        start = System.nanoTime();
        call("release", params("object", endpoint));
        t[6] = lap(start);
        return t;
    }

    private static long lap(long start) {
        return System.nanoTime() - start;
    }

    private static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put((String) keyValues[i], keyValues[i + 1]);
        }
        return params;
    }

    /** One request, answered before the next is sent; throws on an error answer. */
    private JsonNode call(String method, Map<String, Object> params) throws InterruptedException {
        if (sessionId != null) {
            params.put("sessionId", sessionId);
        }
        ObjectNode request = mapper.createObjectNode();
        request.put("jsonrpc", "2.0");
        long id = nextId++;
        request.put("id", id);
        request.put("method", method);
        request.set("params", mapper.valueToTree(params));
        socket.sendText(request.toString(), true).join();
        String text = answers.poll(10, TimeUnit.SECONDS);
        if (text == null) {
            throw new IllegalStateException("The fake did not answer " + method + " within 10 s");
        }
        JsonNode answer;
        try {
            answer = mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Not JSON from the fake: " + text, e);
        }
        if (answer.path("id").asLong() != id || answer.has("error")) {
            throw new IllegalStateException("The fake answered " + method + " with " + text);
        }
        JsonNode result = answer.get("result");
        if (result != null && result.hasNonNull("sessionId")) {
            sessionId = result.get("sessionId").asText();
        }
        return result;
    }

    private String value(JsonNode result) {
        return result.get("value").asText();
    }
}
