package io.edamame.bench.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edamame.testing.wechat.FakeWeChatServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole tool against a stand-in of the platform's login and the fake WeChat, in this JVM. */
class WeChatLoadTest {

    static {
        FakeWeChat.noDelay(); // as the fake's JVM does, before any JDK HTTP server of this JVM starts
    }

    private static final String APPID = "wx0123456789abcdef";
    private static final String SECRET = "bench-secret";

    private FakeWeChatServer wechat;
    private HttpServer control;
    private LoginStandIn platform;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        wechat = new FakeWeChatServer();
        wechat.start();
        wechat.registerApp(APPID, SECRET);
        control = new FakeWeChat(wechat, APPID).control(0);
        platform = new LoginStandIn(wechat.uri(), APPID, SECRET);
    }

    @AfterEach
    void stop() {
        platform.close();
        control.stop(0);
        wechat.close();
    }

    private List<WeChatLoad.PassResult> run(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--url", platform.url().toString(), "--fake-control",
                "http://127.0.0.1:" + control.getAddress().getPort(), "--clk-tck", "100"));
        args.addAll(List.of(extra));
        return new WeChatLoad(Options.parse(args.toArray(String[]::new)),
                new PrintStream(output, true, StandardCharsets.UTF_8)).run();
    }

    private String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void measuresFirstAndReturningLoginsInBothLoopsWithTheTokenFetchedOnce() throws Exception {
        List<WeChatLoad.PassResult> results = run("--logins", "40", "--rate", "400", "--runs", "2", "--warmup-runs", "1",
                "--concurrency", "4", "--light-logins", "10", "--light-rate", "200");

        // Two runs of each mode, then the light run: three lines each (first, returning, all).
        assertEquals(15, results.size(), output());
        for (WeChatLoad.PassResult r : results) {
            assertEquals(Map.of(), r.outcome().failures(), r.line("RESULT") + "\n" + output());
            int expected = r.mode().equals("light") ? 10 : 40;
            assertEquals(r.pass().equals("all") ? expected : expected / 2, r.outcome().ok());
            assertEquals(r.outcome().logins(), r.wechatLogins(), "one jscode2session per login");
            assertTrue(r.outcome().latency().p99() > 0);
        }
        assertEquals(List.of("open", "open", "open", "closed", "closed", "closed", "open", "open", "open", "closed",
                "closed", "closed", "light", "light", "light"), results.stream().map(WeChatLoad.PassResult::mode).toList());
        assertTrue(output().contains("RESULT tokens fetched=1"), output());
        assertTrue(output().contains("RESULT probe first_ms="), output());
        // Warm-up in open loop at half the rate, by default.
        assertTrue(output().contains("WARMUP mode=open run=1 pass=first") && output().contains(" rate=200 "), output());
    }

    @Test
    void countsFailuresByStatusAndCode() throws Exception {
        // Without warm-up the closed run's passes register codes c1-0.. (first) and c2-0.. (returning).
        platform.failCodes = Set.of("c1-3", "c1-7", "c2-5");
        List<WeChatLoad.PassResult> results = run("--logins", "20", "--mode", "closed", "--runs", "1", "--warmup-runs",
                "0", "--concurrency", "3");
        assertTrue(!output().contains("WARMUP"), output());

        assertEquals(3, results.size(), output());
        WeChatLoad.PassResult first = results.get(0);
        assertEquals(Map.of("503 WECHAT_UNAVAILABLE", 2L), first.outcome().failures());
        assertEquals(8, first.outcome().ok());
        // Users 3 and 7 were not created by their first login: their returning login creates them, as it should.
        WeChatLoad.PassResult returning = results.get(1);
        assertEquals(Map.of("503 WECHAT_UNAVAILABLE", 1L), returning.outcome().failures());
        assertEquals(9, returning.outcome().ok());
        assertEquals(3L, results.get(2).outcome().failures().get("503 WECHAT_UNAVAILABLE"));
        assertTrue(results.get(2).line("RESULT").contains(" failures=503_WECHAT_UNAVAILABLEx3 "), results.get(2).line("RESULT"));
    }
}
