package io.edamame.bench.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edamame.testing.wechat.FakeWeChatServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake's control port: codes in bulk, statistics, and the token count kept across clears. */
class FakeWeChatTest {

    static {
        FakeWeChat.noDelay(); // as the fake's JVM does, before any JDK HTTP server of this JVM starts
    }

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void registersCodesInBulkAndCountsWhatWasAsked() throws Exception {
        try (FakeWeChatServer wechat = new FakeWeChatServer()) {
            URI api = wechat.start();
            wechat.registerApp("wx0123456789abcdef", "s");
            HttpServer server = new FakeWeChat(wechat, "wx0123456789abcdef").control(0);
            try {
                FakeStats.Control control = new FakeStats.Control(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
                control.addCodes("c7-", 3, 100, 2);

                assertTrue(get(api, "/cgi-bin/token?grant_type=client_credential&appid=wx0123456789abcdef&secret=s")
                        .contains("access_token"));
                String first = get(api, "/sns/jscode2session?appid=wx0123456789abcdef&secret=s&js_code=c7-0"
                        + "&grant_type=authorization_code");
                assertTrue(first.contains("\"openid\":\"o-bench-100\"") && first.contains("\"unionid\":\"u-bench-100\""), first);
                String second = get(api, "/sns/jscode2session?appid=wx0123456789abcdef&secret=s&js_code=c7-1"
                        + "&grant_type=authorization_code");
                assertTrue(second.contains("\"openid\":\"o-bench-101\"") && !second.contains("unionid"), second);
                get(api, "/sns/jscode2session?appid=wx0123456789abcdef&secret=s&js_code=c7-1&grant_type=authorization_code");

                FakeStats stats = control.stats();
                assertEquals(4, stats.get("requests"));
                assertEquals(3, stats.get("jscode2session"));
                assertEquals(1, stats.get("jscode2session_failed"));
                assertEquals(1, stats.get("token_requests"));
                assertEquals(Map.of("40029:/sns/jscode2session", 1L), stats.errors());
                assertEquals(Map.of("/cgi-bin/token", 1L, "/sns/jscode2session", 3L), stats.paths());

                control.clear();
                stats = control.stats();
                assertEquals(0, stats.get("requests"));
                assertEquals(0, stats.get("token_fetches"));
                assertEquals(1, stats.get("token_fetches_total"), "the count survives a clear");
                assertTrue(get(api, "/sns/jscode2session?appid=wx0123456789abcdef&secret=s&js_code=c7-2"
                        + "&grant_type=authorization_code").contains("o-bench-102"));
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void calibrationTimesJscode2sessionWithoutTouchingTheBenchmarksApp() throws Exception {
        try (FakeWeChatServer wechat = new FakeWeChatServer()) {
            wechat.start();
            Calibration.Result result = Calibration.run(wechat, 20, 50);
            assertEquals(50, result.iterations());
            assertTrue(result.jscode2session().p50() > 0 && result.jscode2session().p99() >= result.jscode2session().p50());
            assertTrue(result.describe().startsWith("FAKE-WECHAT CALIBRATION iterations=50 jscode2session_p50_us="));
            assertEquals(0, wechat.tokenFetchCount("wx0123456789abcdef"));
        }
    }
}
