package io.edamame.bench.wechat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the platform's mini-program login, for the load tool's tests: exchanges the code at the fake WeChat
 * (after fetching an access token once, as the platform does), remembers the openids it has seen, and answers as the
 * platform does ({@code {token, tokenType, newUser}}, or {@code {code, message}} with the error's status). The codes
 * in {@link #failCodes} are answered 503 {@code WECHAT_UNAVAILABLE} without asking WeChat.
 */
final class LoginStandIn implements AutoCloseable {

    static final String PATH = "/api/v1/tenants/t/wechat/miniapp/login";
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern OPENID = Pattern.compile("\"openid\"\\s*:\\s*\"([^\"]*)\"");

    private final URI wechat;
    private final String appid;
    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final HttpServer server;
    private volatile String accessToken;
    volatile Set<String> failCodes = Set.of();

    LoginStandIn(URI wechat, String appid, String secret) throws IOException {
        this.wechat = wechat;
        this.appid = appid;
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext(PATH, this::login);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    private void login(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher code = CODE.matcher(body);
            if (!code.find()) {
                answer(exchange, 400, "{\"code\":\"VALIDATION_FAILED\",\"message\":\"no code\"}");
                return;
            }
            if (failCodes.contains(code.group(1))) {
                answer(exchange, 503, "{\"code\":\"WECHAT_UNAVAILABLE\",\"message\":\"stand-in\"}");
                return;
            }
            String session = get("/sns/jscode2session?appid=" + appid + "&secret=" + secret + "&js_code=" + code.group(1)
                    + "&grant_type=authorization_code&access_token=" + token());
            Matcher openid = OPENID.matcher(session);
            if (!openid.find()) {
                answer(exchange, 401, "{\"code\":\"INVALID_WECHAT_CODE\",\"message\":\"" + session.replace('"', '\'') + "\"}");
                return;
            }
            boolean created = users.add(openid.group(1));
            answer(exchange, 200, "{\"token\":\"" + UUID.randomUUID() + "\",\"tokenType\":\"Bearer\",\"user\":{\"id\":1},"
                    + "\"newUser\":" + created + "}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized String token() throws IOException, InterruptedException {
        if (accessToken == null) {
            String answer = get("/cgi-bin/token?grant_type=client_credential&appid=" + appid + "&secret=" + secret);
            Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]*)\"").matcher(answer);
            if (!m.find()) {
                throw new IOException("no token: " + answer);
            }
            accessToken = m.group(1);
        }
        return accessToken;
    }

    private String get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(wechat.resolve(pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
