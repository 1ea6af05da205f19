package io.edamame.wechat.impl.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.ErrorCode;
import io.edamame.core.api.Room;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.WeChatPushes;
import io.edamame.testing.wechat.WeChatPushes.Push;
import io.edamame.testing.wechat.WeChatUser;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet WeChat and browsers call, in a real servlet container (Jetty, as Pax Web runs it) over HTTP: the
 * message endpoint's answers and errors, its size limit, and the H5 login's redirects and state cookie.
 */
class PortalServletTest extends WeChatTestBase {

    static final int MAX_BYTES = 65_536;
    /** A request the servlet never answers fails the test rather than hanging it. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();
    Server jetty;
    URI base;

    PortalServletTest() {
        super(DatabaseKind.H2);
    }

    @BeforeAll
    void startJetty() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new PortalServlet(world.apps, world.core.tenants, world.core.plugins,
                world.store, world.messages, world.weChatUsers, world.tokens, world.core.rooms)), "/wechat/*");
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @AfterAll
    void stopJetty() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    URI portal(Tenant t) {
        return base.resolve("/wechat/" + t.slug() + "/portal");
    }

    /** The servlet's clock is the system's. */
    static long now() {
        return Instant.now().getEpochSecond();
    }

    static String nonce() {
        return "n" + WeChatWorld.hex(6);
    }

    HttpResponse<String> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(URI uri, HttpRequest.BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", WeChatPushes.CONTENT_TYPE)
                .POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A status and a body, as {@link #postExpectingContinue} read them. */
    record Answer(int status, String body) {
    }

    /**
     * A POST over a plain socket with {@code Expect: 100-continue}: the body is sent only if the servlet reads it
     * (the container then answers 100), so that a body refused unread is not written into a connection being
     * closed. (The JDK 17 HTTP client waits for ever when the answer to such a request is not 100, JDK-8286171.)
     */
    Answer postExpectingContinue(URI uri, byte[] body, boolean chunked) throws Exception {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = "POST " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: " + uri.getHost()
                    + "\r\nContent-Type: " + WeChatPushes.CONTENT_TYPE + "\r\nExpect: 100-continue\r\nConnection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length) + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line(in);
            if (status.split(" ")[1].equals("100")) {
                while (!line(in).isEmpty()) {
                    // the interim answer's headers
                }
                if (chunked) {
                    for (int at = 0; at < body.length; at += 4096) {
                        int size = Math.min(4096, body.length - at);
                        out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, at, size);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(body);
                }
                out.flush();
                status = line(in);
            }
            while (!line(in).isEmpty()) {
                // the final answer's headers; it ends with the connection
            }
            return new Answer(Integer.parseInt(status.split(" ")[1]), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the connection ended within a line: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    HttpResponse<String> post(Tenant t, Push push) throws Exception {
        return post(push.uri(portal(t)), HttpRequest.BodyPublishers.ofString(push.body()));
    }

    void assertError(ErrorCode code, HttpResponse<String> response) throws Exception {
        assertEquals(code.httpStatus(), response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        Map<?, ?> body = json.readValue(response.body(), Map.class);
        assertEquals(code.name(), body.get("code"));
    }

    Optional<Boolean> following(Tenant t, String openid) {
        return world.store.following(t.id(), t.mpAppId(), openid);
    }

    // --- the message endpoint -----------------------------------------------------------------------------

    @Test
    void wechatChecksTheServerUrlWithAGet() throws Exception {
        Tenant t = world.tenant();
        WeChatPushes pushes = world.plainPushes(t);

        HttpResponse<String> echo = get(pushes.verification("echo-42", now(), nonce()).uri(portal(t)));

        assertEquals(200, echo.statusCode());
        assertEquals("echo-42", echo.body());
        assertTrue(echo.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertEquals("no-store", echo.headers().firstValue("Cache-Control").orElseThrow());
        assertError(WeChatErrorCode.INVALID_SIGNATURE,
                get(pushes.forgedVerification("echo-42", now(), nonce()).uri(portal(t))));
    }

    @Test
    void anEncryptedPushIsRecordedAndAnsweredEncrypted() throws Exception {
        Tenant t = world.tenant();
        Room room = world.room(t);
        WeChatPushes pushes = world.pushes(t);
        String ann = "o-" + WeChatWorld.hex(6);
        Push follow = pushes.encrypted(pushes.qrSubscribeEvent(ann, "room:" + room.id(), "gQ", now()), now(), nonce());

        HttpResponse<String> answer = post(t, follow);

        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElseThrow().startsWith("application/xml"));
        assertEquals("<a href=\"https://live.example.com/rooms/" + room.id() + "\">Spring launch</a>",
                pushes.decryptReply(answer.body()).get("Content"));
        assertEquals(Optional.of(true), following(t, ann));

        assertError(WeChatErrorCode.REPLAYED_MESSAGE, post(t, follow));
        HttpResponse<String> unfollow = post(t, pushes.encrypted(pushes.unsubscribeEvent(ann, now()), now(), nonce()));
        assertEquals("success", unfollow.body());
        assertEquals(Optional.of(false), following(t, ann));
    }

    @Test
    void refusedPushesAreAnsweredWithTheErrorAndRecordNothing() throws Exception {
        Tenant t = world.tenant();
        WeChatPushes pushes = world.pushes(t);
        String ann = "o-" + WeChatWorld.hex(6);

        assertError(WeChatErrorCode.INVALID_SIGNATURE,
                post(t, pushes.encrypted(pushes.subscribeEvent(ann, now()), now(), nonce()).forged()));
        assertError(WeChatErrorCode.STALE_MESSAGE,
                post(t, pushes.encrypted(pushes.subscribeEvent(ann, now()), now() - 3600, nonce())));
        assertError(WeChatErrorCode.MALFORMED_MESSAGE,
                post(t, pushes.plaintext(pushes.subscribeEvent(ann, now()), now(), nonce()).withBody("<xml>")));
        assertEquals(Optional.empty(), following(t, ann));
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Tenant t = world.tenant();
        WeChatPushes pushes = world.plainPushes(t);
        String ann = "o-" + WeChatWorld.hex(6);
        String xml = pushes.textMessage(ann, "x".repeat(MAX_BYTES), 1, now());
        Push big = pushes.plaintext(xml, now(), nonce());

        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        Answer declared = postExpectingContinue(big.uri(portal(t)), bytes, false);
        Push chunked = pushes.plaintext(xml, now(), nonce());
        Answer streamed = postExpectingContinue(chunked.uri(portal(t)), bytes, true);

        for (Answer answer : List.of(declared, streamed)) {
            assertEquals(WeChatErrorCode.MESSAGE_TOO_LARGE.httpStatus(), answer.status(), answer.body());
            assertEquals("MESSAGE_TOO_LARGE", json.readValue(answer.body(), Map.class).get("code"));
        }

        Push small = pushes.plaintext(pushes.textMessage(ann, "hello", 2, now()), now(), nonce());
        assertEquals("Hi! Rooms start at eight.", pushes.decodeReply(post(t, small).body()).get("Content"));
    }

    @Test
    void unknownTenantsPathsAndMethodsAndSwitchedOffTenantsAreRefused() throws Exception {
        Tenant t = world.tenant();
        WeChatPushes pushes = world.plainPushes(t);
        Push verification = pushes.verification("echo-1", now(), nonce());

        assertError(CoreErrorCode.TENANT_NOT_FOUND, get(verification.uri(base.resolve("/wechat/no-such-tenant/portal"))));
        assertError(CoreErrorCode.NOT_FOUND, get(base.resolve("/wechat/" + t.slug() + "/other")));
        assertError(CoreErrorCode.NOT_FOUND, get(base.resolve("/wechat/")));
        assertError(CoreErrorCode.METHOD_NOT_ALLOWED,
                post(base.resolve("/wechat/" + t.slug() + "/oauth/authorize"), HttpRequest.BodyPublishers.noBody()));
        Tenant noAccount = world.tenant(settings -> settings.remove(WeChatSettings.MP_APP_ID));
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED, get(verification.uri(portal(noAccount))));

        world.switchOff(t);
        assertError(CoreErrorCode.PLUGIN_DISABLED, get(verification.uri(portal(t))));
        assertError(CoreErrorCode.PLUGIN_DISABLED,
                get(base.resolve("/wechat/" + t.slug() + "/oauth/authorize?roomId=" + world.room(t).id())));
    }

    // --- H5 login -----------------------------------------------------------------------------------------

    @Test
    void anH5LoginRedirectsToWeChatAndBackWithTheStateCookie() throws Exception {
        Tenant t = world.tenant();
        Room room = world.room(t);
        WeChatUser ann = WeChatWorld.user("ann");

        HttpResponse<String> toWeChat = get(base.resolve("/wechat/" + t.slug() + "/oauth/authorize?roomId=" + room.id()
                + "&scope=snsapi_userinfo"));

        assertEquals(302, toWeChat.statusCode());
        String location = toWeChat.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(world.wechat.uri() + "/connect/oauth2/authorize?"), location);
        String state = WeChatWorld.query(location).get("state");
        String setCookie = toWeChat.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith(OAuthLogin.STATE_COOKIE + "=" + state + ";"), setCookie);
        String attributes = setCookie.toLowerCase();
        assertTrue(attributes.contains("path=/wechat/" + t.slug() + "/oauth"), setCookie);
        assertTrue(attributes.contains("httponly"), setCookie);
        assertTrue(attributes.contains("secure"), "the public URL is https: " + setCookie);
        assertEquals("no-referrer", toWeChat.headers().firstValue("Referrer-Policy").orElseThrow());

        String code = "oc" + WeChatWorld.hex(8);
        world.wechat.addOAuthCode(t.mpAppId(), code, ann, OAuthLogin.SCOPE_USERINFO);
        URI callback = base.resolve("/wechat/" + t.slug() + "/oauth/callback?code=" + code + "&state=" + state);

        assertError(WeChatErrorCode.INVALID_OAUTH_STATE, get(callback));
        HttpResponse<String> back = get(callback, "Cookie", OAuthLogin.STATE_COOKIE + "=" + state);

        assertEquals(302, back.statusCode());
        String landing = back.headers().firstValue("Location").orElseThrow();
        assertTrue(landing.startsWith("https://live.example.com/rooms/" + room.id() + "#token="), landing);
        Map<String, String> fragment = WeChatWorld.fragment(landing);
        long userId = world.tokens.verify(fragment.get("token")).userId();
        assertEquals(Long.toString(userId), fragment.get("userId"));
        assertEquals("ann", world.core.users.get(t.id(), userId).displayName());
        assertTrue(back.headers().firstValue("Set-Cookie").orElseThrow().toLowerCase().contains("max-age=0"),
                "the state cookie is cleared");
        assertError(WeChatErrorCode.INVALID_OAUTH_STATE, get(callback, "Cookie", OAuthLogin.STATE_COOKIE + "=" + state));
        assertEquals(List.of(), world.wechat.requests("/sns/oauth2/access_token").stream()
                .filter(r -> r.errcode() != 0).toList());
    }
}
