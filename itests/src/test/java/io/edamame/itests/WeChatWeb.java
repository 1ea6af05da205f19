package io.edamame.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.testing.wechat.WeChatPushes;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A client of what the WeChat plugin serves outside the REST API, under {@code /wechat/<tenant>/}: the service
 * account's message endpoint ({@code portal}), as WeChat calls it, and the H5 login ({@code oauth/authorize},
 * {@code oauth/callback}), as a browser inside WeChat follows it. Redirects are never followed: the tests read
 * them. Cookies are handed over by the caller, as a browser would send them back.
 */
final class WeChatWeb {

    static final String STATE_COOKIE = "edamame_wechat_oauth";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private WeChatWeb() {
    }

    /** An answer: its status, body and headers. */
    record Answer(int status, String body, HttpHeaders headers) {

        String location() {
            return headers.firstValue("Location").orElseThrow(() -> new AssertionError("no Location in " + this));
        }

        /** The value the answer set for the cookie {@code name}, or empty if it set none. */
        Optional<String> cookie(String name) {
            return setCookie(name).map(header -> {
                String pair = header.split(";", 2)[0];
                return pair.substring(pair.indexOf('=') + 1).trim();
            });
        }

        /** The whole {@code Set-Cookie} header of the cookie {@code name}. */
        Optional<String> setCookie(String name) {
            return headers.allValues("Set-Cookie").stream().filter(h -> h.trim().startsWith(name + "=")).findFirst();
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + this, e);
            }
        }

        String code() {
            return json().path("code").asText();
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + " " + body;
        }
    }

    static URI uri(String tenant, String action) {
        return URI.create("http://127.0.0.1:" + System.getProperty(EdamameTestSupport.PORT_PROPERTY) + "/wechat/"
                + tenant + "/" + action);
    }

    // ---- the message endpoint, as WeChat calls it

    static Answer portalGet(String tenant, WeChatPushes.Push push) throws Exception {
        return send(HttpRequest.newBuilder(push.uri(uri(tenant, "portal"))).GET());
    }

    static Answer portalPost(String tenant, WeChatPushes.Push push) throws Exception {
        return send(HttpRequest.newBuilder(push.uri(uri(tenant, "portal")))
                .header("Content-Type", WeChatPushes.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(push.body(), StandardCharsets.UTF_8)));
    }

    /** The push with its body sent chunked, without a Content-Length. */
    static Answer portalPostChunked(String tenant, WeChatPushes.Push push) throws Exception {
        byte[] body = push.body().getBytes(StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(push.uri(uri(tenant, "portal")))
                .header("Content-Type", WeChatPushes.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    // ---- the H5 login, as a browser follows it

    static Answer authorize(String tenant, Object roomId, String scope) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(uri(tenant, "oauth/authorize") + "?roomId=" + roomId
                + "&scope=" + scope)).GET());
    }

    /** The callback WeChat redirects the browser to; {@code stateCookie} null: a browser without the cookie. */
    static Answer callback(String tenant, String code, String state, String stateCookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri(tenant, "oauth/callback") + "?code="
                + encode(code) + "&state=" + encode(state))).GET();
        if (stateCookie != null) {
            request.header("Cookie", STATE_COOKIE + "=" + stateCookie);
        }
        return send(request);
    }

    static Answer get(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** The parameters of a query or a fragment, decoded. */
    static Map<String, String> params(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body(), response.headers());
    }
}
