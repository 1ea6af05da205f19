package io.edamame.bench.wechat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fake WeChat answers on {@code GET /stats}, one {@code key=value} a line: {@code requests} since the last
 * clear, {@code jscode2session} and {@code jscode2session_failed}, {@code token_requests} (to {@code /cgi-bin/token}
 * and {@code /cgi-bin/stable_token}), {@code token_fetches} since the last clear and {@code token_fetches_total} since
 * the fake started (the benchmark's "access tokens fetched"), {@code path:<path>} per path and {@code
 * errcode.<code>:<path>} per WeChat error answered.
 */
record FakeStats(Map<String, Long> values) {

    static final String JSCODE2SESSION = "/sns/jscode2session";

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
        if (!values.containsKey("requests") || !values.containsKey("token_fetches_total")) {
            throw new IllegalArgumentException("Not the fake WeChat's stats: "
                    + text.substring(0, Math.min(200, text.length())));
        }
        return new FakeStats(values);
    }

    long get(String key) {
        return values.getOrDefault(key, 0L);
    }

    /** WeChat errors answered by code and path, e.g. {@code 40029:/sns/jscode2session=3}; empty if none. */
    Map<String, Long> errors() {
        Map<String, Long> errors = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("errcode.")) {
                errors.put(k.substring("errcode.".length()), v);
            }
        });
        return errors;
    }

    /** Requests by path, e.g. {@code /sns/jscode2session=10000}. */
    Map<String, Long> paths() {
        Map<String, Long> paths = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("path:")) {
                paths.put(k.substring("path:".length()), v);
            }
        });
        return paths;
    }

    static String describe(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return out.toString();
    }

    /** The control port's client. */
    static final class Control {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
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

        /** Codes {@code prefix0} .. for users {@code userFrom} .. (see {@link FakeWeChat#user(long, int)}). */
        void addCodes(String prefix, int count, long userFrom, int unionidEvery) throws IOException, InterruptedException {
            call("POST", "/codes?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8) + "&count=" + count
                    + "&user-from=" + userFrom + "&unionid-every=" + unionidEvery);
        }

        private String call(String method, String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }
    }
}
