package io.edamame.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small HTTP client for /api/v1: JSON in, status and JSON out. */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authorization;

    public Api(int port) {
        this("http://127.0.0.1:" + port + "/api/v1", null);
    }

    private Api(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public Api withToken(String token) {
        return new Api(base, "Bearer " + token);
    }

    public Api asOperator(String user, String password) {
        return new Api(base, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    public Api anonymous() {
        return new Api(base, null);
    }

    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String code() {
            return json().path("code").asText();
        }
    }

    public Response get(String path) throws Exception {
        return send("GET", path, null);
    }

    public Response delete(String path) throws Exception {
        return send("DELETE", path, null);
    }

    public Response post(String path, Object body) throws Exception {
        return send("POST", path, body);
    }

    public Response put(String path, Object body) throws Exception {
        return send("PUT", path, body);
    }

    public Response patch(String path, Object body) throws Exception {
        return send("PATCH", path, body);
    }

    /** Sends {@code body} as JSON, or as it is when it is already a String. */
    public Response send(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    /** Sends {@code body} as JSON without a Content-Length, so that it goes out chunked. */
    public Response postChunked(String path, Object body) throws Exception {
        byte[] bytes = JSON.writeValueAsBytes(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    public String login(String tenant, String username, String password) throws Exception {
        Response response = anonymous().post("/auth/login",
                java.util.Map.of("tenant", tenant, "username", username, "password", password));
        if (response.status() != 200) {
            throw new AssertionError("login failed: " + response);
        }
        return response.json().path("token").asText();
    }

    /** Waits until the API answers healthy: the container has just booted. */
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Response health = anonymous().get("/health");
                if (health.status() == 200 && anonymous().get("/openapi.json").body().contains("/auth/login")) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("API not ready", last);
    }
}
