package io.edamame.bench.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PassTest {

    private static final String OK_NEW = "{\"token\":\"eyJ\",\"tokenType\":\"Bearer\",\"expiresAt\":\"2026-11-22T03:00:00Z\","
            + "\"user\":{\"id\":7,\"displayName\":\"Bench 7\"},\"newUser\":true}";

    @Test
    void aLoginIsGoodWithATokenAndTheExpectedNewUser() {
        assertNull(Pass.classify(200, bytes(OK_NEW), null, true));
        assertEquals("200 newUser=true (expected false)", Pass.classify(200, bytes(OK_NEW), null, false));
        assertNull(Pass.classify(200, bytes(OK_NEW.replace("\"newUser\":true", "\"newUser\":false")), null, false));
        assertEquals("200 without token", Pass.classify(200, bytes("{\"newUser\":true}"), null, true));
        assertEquals("200 without newUser", Pass.classify(200, bytes("{\"token\":\"x\"}"), null, true));
    }

    @Test
    void failuresAreNamedByStatusAndErrorCode() {
        assertEquals("401 INVALID_WECHAT_CODE", Pass.classify(401, bytes(
                "{\"code\":\"INVALID_WECHAT_CODE\",\"message\":\"WeChat refused the code\",\"details\":{\"errcode\":40029}}"),
                null, true));
        assertEquals("502", Pass.classify(502, bytes("<html>Bad gateway</html>"), null, true));
        assertEquals("TIMEOUT", Pass.classify(0, null, "TIMEOUT", true));
        assertEquals("io:connect ConnectException", Pass.classify(0, null, "connect ConnectException", true));
    }

    @Test
    void figuresCountOnlyGoodLoginsAndTimeFromTheFirstDueToTheLastAnswer() {
        Pass pass = new Pass("first", new boolean[] {true, true, true, true}, URI.create("http://127.0.0.1:1/api/v1/tenants/t/wechat/miniapp/login"),
                "c1-");
        long ms = 1_000_000;
        for (int i = 0; i < 4; i++) {
            pass.due[i] = i * 10 * ms;
            pass.sent[i] = i * 10 * ms + ms; // each sent 1 ms late
        }
        pass.settle(0, 200, bytes(OK_NEW), null, 4 * ms);
        pass.settle(1, 200, bytes(OK_NEW), null, 20 * ms);
        pass.settle(2, 401, bytes("{\"code\":\"INVALID_WECHAT_CODE\"}"), null, 22 * ms);
        pass.settle(3, 200, bytes(OK_NEW), null, 40 * ms);

        Pass.Outcome o = pass.outcome(true);
        assertEquals(3, o.ok());
        assertEquals(Map.of("401 INVALID_WECHAT_CODE", 1L), o.failures());
        assertEquals(0.040, o.seconds(), 1e-9);
        assertEquals(75.0, o.loginsPerSecond(), 1e-6);
        assertEquals(9 * ms, o.latency().p50()); // latencies 3, 9, 9 ms: the nearest rank of 50% is the 2nd
        assertEquals(9 * ms, o.latency().max());
        assertEquals(10 * ms, o.dueToAnswer().max());
        assertEquals(ms, o.maxStartLagNanos());
        assertEquals("401_INVALID_WECHAT_CODEx1", o.failureCodes());
    }

    @Test
    void aRequestIsWrittenAsHttp11WithItsLength() {
        String request = new String(LoginClient.request(URI.create("http://127.0.0.1:8181/api/v1/tenants/t/wechat/miniapp/login"),
                "{\"code\":\"c1-0\"}"), StandardCharsets.US_ASCII);
        assertEquals("POST /api/v1/tenants/t/wechat/miniapp/login HTTP/1.1\r\nHost: 127.0.0.1:8181\r\n"
                + "Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: 15\r\n\r\n"
                + "{\"code\":\"c1-0\"}", request);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
