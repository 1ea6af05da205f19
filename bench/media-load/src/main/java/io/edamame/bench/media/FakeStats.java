package io.edamame.bench.media;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fake media server answers on {@code GET /stats}, one {@code key=value} a line: {@code requests}
 * since the last clear, {@code calls.<kind>} by kind ({@code create:WebRtcEndpoint},
 * {@code invoke:processOffer}, {@code subscribe}, {@code release}, ...), {@code live.<type>} objects alive
 * now, {@code connections}. Read by the load tool to count the media server requests a join and a
 * subscribe make, and to check that leaving released every endpoint.
 */
record FakeStats(Map<String, Long> values) {

    /**
     * Requests the platform makes on its own, whatever the load: the Kurento client's keep-alives and the
     * sweep for abandoned pipelines (every {@code sweep.seconds}). Not part of a join or a subscribe.
     */
    private static final java.util.Set<String> BACKGROUND = java.util.Set.of("ping", "keepAlive",
            "invoke:getPipelines", "invoke:getTags");

    static String label(String method, String operation) {
        return switch (method) {
            case "create", "invoke" -> method + ":" + operation;
            default -> method;
        };
    }

    static FakeStats parse(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                values.put(line.substring(0, eq).trim(), Long.parseLong(line.substring(eq + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Not a number in the fake's stats: " + line);
            }
        }
        if (!values.containsKey("requests")) {
            throw new IllegalArgumentException("Not the fake's stats (no requests=): "
                    + text.substring(0, Math.min(200, text.length())));
        }
        return new FakeStats(values);
    }

    long get(String key) {
        return values.getOrDefault(key, 0L);
    }

    /** Requests the platform made for its participants, keep-alives left out. */
    long requests() {
        long background = 0;
        for (String kind : BACKGROUND) {
            background += get("calls." + kind);
        }
        return get("requests") - background;
    }

    /** Calls by kind, keep-alives left out: {@code create:WebRtcEndpoint=1, invoke:connect=2, ...}. */
    Map<String, Long> calls() {
        Map<String, Long> calls = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("calls.") && !BACKGROUND.contains(k.substring(6))) {
                calls.put(k.substring(6), v);
            }
        });
        return calls;
    }

    static String describe(Map<String, Long> calls) {
        if (calls.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        calls.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return out.toString();
    }

    /** The control port's client. */
    static final class Control {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final URI base;

        Control(URI base) {
            this.base = base;
        }

        FakeStats stats() throws IOException, InterruptedException {
            return parse(call("GET", "/stats"));
        }

        void clear() throws IOException, InterruptedException {
            call("POST", "/clear");
        }

        void latencyMicros(long micros) throws IOException, InterruptedException {
            call("POST", "/latency?micros=" + micros);
        }

        private String call(String method, String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(method + " " + path + " answered " + response.statusCode());
            }
            return response.body();
        }
    }
}
