package io.edamame.bench.wechat;

import io.edamame.bench.support.Percentiles;
import io.edamame.testing.wechat.FakeWeChatServer;
import io.edamame.testing.wechat.WeChatUser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Times the fake's answer to {@code GET /sns/jscode2session} (the one WeChat request a login makes once the access
 * token is known), one request at a time on a kept-alive connection, with the JDK's HTTP client in the fake's own JVM,
 * before it serves the platform. Each round trip includes the client's and the loopback's cost, so it is an upper
 * bound of the fake's share of a login. A calibration app of its own is used, so the benchmark's app has no record
 * of it.
 */
final class Calibration {

    static final String APPID = "bench-calibration";
    private static final String SECRET = "calibration-secret";

    /** Round trips in nanoseconds. */
    record Result(int iterations, Percentiles jscode2session) {

        String describe() {
            return String.format(Locale.ROOT, "FAKE-WECHAT CALIBRATION iterations=%d jscode2session_p50_us=%.0f"
                            + " jscode2session_p90_us=%.0f jscode2session_p99_us=%.0f jscode2session_max_us=%.0f",
                    iterations, jscode2session.p50() / 1e3, jscode2session.p90() / 1e3, jscode2session.p99() / 1e3,
                    jscode2session.max() / 1e3);
        }
    }

    private Calibration() {
    }

    /** {@code warmup} untimed calls (for the JIT of both sides), then {@code iterations} timed ones. */
    static Result run(FakeWeChatServer wechat, int warmup, int iterations) throws IOException, InterruptedException {
        wechat.registerApp(APPID, SECRET);
        int total = warmup + iterations;
        for (int i = 0; i < total; i++) {
            wechat.addLoginCode(APPID, "calibration-" + i, new WeChatUser("o-calibration-" + i, "u-calibration-" + i,
                    "", ""));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI base = wechat.uri();
        long[] times = new long[iterations];
        for (int i = 0; i < total; i++) {
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/sns/jscode2session?appid=" + APPID + "&secret="
                    + SECRET + "&js_code=calibration-" + i + "&grant_type=authorization_code"))
                    .timeout(Duration.ofSeconds(10)).GET().build();
            long start = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long took = System.nanoTime() - start;
            String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            if (response.statusCode() != 200 || !body.contains("\"openid\"")) {
                throw new IllegalStateException("The fake answered a calibration jscode2session with "
                        + response.statusCode() + ": " + body);
            }
            if (i >= warmup) {
                times[i - warmup] = took;
            }
        }
        return new Result(iterations, Percentiles.of(times, iterations));
    }
}
