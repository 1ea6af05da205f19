package io.edamame.redis.impl;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis the tests run against: 127.0.0.1:6379, or the system properties {@code edamame.test.redis.host}
 * and {@code edamame.test.redis.port}. When it does not answer PING the calling tests are skipped, unless
 * the environment variable {@code CI} is {@code true}: then they fail, as the PostgreSQL tests of the core do.
 */
final class TestRedis {

    static final String HOST = System.getProperty("edamame.test.redis.host", "127.0.0.1");
    static final int PORT = Integer.getInteger("edamame.test.redis.port", 6379);

    /** Why Redis did not answer, or "" when it did; probed once per JVM. */
    private static String failure;

    private TestRedis() {
    }

    static String uri() {
        return "redis://" + HOST + ":" + PORT;
    }

    static synchronized void assumeReachable() {
        if (failure == null) {
            String pingFailure = ping();
            failure = pingFailure == null ? "" : pingFailure;
        }
        if (!failure.isEmpty()) {
            String message = "Redis not reachable at " + HOST + ":" + PORT + " (" + failure + ")";
            if ("true".equals(System.getenv("CI"))) {
                fail(message + "; CI=true, so the Redis tests must run");
            }
            Assumptions.abort(message + "; set CI=true to make this a failure");
        }
    }

    /** Null when Redis answered PING, else what went wrong. */
    private static String ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, PORT), 2_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return "+PONG".equals(answer) ? null : "answered " + answer;
        } catch (IOException e) {
            return e.toString();
        }
    }
}
