package io.edamame.bench.wechat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edamame.testing.wechat.FakeWeChatServer;
import io.edamame.testing.wechat.RecordedRequest;
import io.edamame.testing.wechat.WeChatUser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The fake WeChat API of testing/fake-wechat in a JVM of its own, for bench/wechat.sh: the platform under test calls
 * it over loopback as it would call api.weixin.qq.com, and its CPU is counted apart from the server's and the load
 * tool's. One mini-program app is registered; a small HTTP control port (loopback) lets the load tool register
 * one-time login codes in bulk and read what the fake was asked:
 *
 * <ul>
 *   <li>{@code POST /codes?prefix=P&count=N&user-from=U&unionid-every=K}: codes {@code P0} .. {@code P(N-1)}, code
 *       {@code Pi} for the user numbered {@code U+i} (see {@link #user(long, int)});</li>
 *   <li>{@code GET /stats}: {@code key=value} lines (see {@link FakeStats});</li>
 *   <li>{@code POST /clear}: forgets the requests recorded so far (the token fetch count is kept in
 *       {@code token_fetches_total});</li>
 *   <li>{@code POST /latency?micros=N}: delays every request by N µs (0, the default, for none).</li>
 * </ul>
 *
 * <p>Before it serves, it times its own answers to {@code jscode2session} with the JDK's HTTP client ({@link
 * Calibration}) and prints them, so that the fake's share of a login's time is known. The fake keeps every request
 * it answered until cleared (a copy-on-write list): the load tool clears it between passes.
 */
public final class FakeWeChat {

    static final String USAGE = """
            Usage: java -cp wechat-load.jar io.edamame.bench.wechat.FakeWeChat --appid wx... --secret S [options]
              --appid A            the mini-program's AppID (wx and 16 hex digits, as the platform requires)
              --secret S           its AppSecret
              --port N             the API's port on 127.0.0.1 (default 8890; http://127.0.0.1:N)
              --control-port N     the control HTTP port on 127.0.0.1 (default 8891)
              --latency-micros N   artificial latency of every request (default 0)
              --calibrate N        jscode2session calls timed before serving (default 2000, after as many untimed; 0: none)
            Prints 'FAKE-WECHAT READY ...' once it serves; stops on TERM.""";

    /** The users' openids and unionids: {@code o-bench-<n>}, {@code u-bench-<n>}. */
    static final String OPENID_PREFIX = "o-bench-";
    static final String UNIONID_PREFIX = "u-bench-";

    private final FakeWeChatServer wechat;
    private final String appid;
    /** Token fetches of the app before the last {@link #clear()}: the fake's own count starts again at each clear. */
    private long tokenFetchesCleared;

    FakeWeChat(FakeWeChatServer wechat, String appid) {
        this.wechat = wechat;
        this.appid = appid;
    }

    public static void main(String[] args) throws Exception {
        // The JDK's HTTP server leaves Nagle's algorithm on unless told otherwise, and writes a response's headers and
        // body separately: the body then waits for the client's delayed ACK, about 40 ms per request on Linux
        // loopback. Read once, when the server's configuration class loads, so before the fake starts.
        noDelay();
        String appid = null;
        String secret = null;
        int port = 8890;
        int controlPort = 8891;
        long latencyMicros = 0;
        int calibrate = 2000;
        try {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--appid" -> appid = value;
                    case "--secret" -> secret = value;
                    case "--port" -> port = Integer.parseInt(value);
                    case "--control-port" -> controlPort = Integer.parseInt(value);
                    case "--latency-micros" -> latencyMicros = Long.parseLong(value);
                    case "--calibrate" -> calibrate = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (appid == null || secret == null) {
                throw new IllegalArgumentException("--appid and --secret are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("fake-wechat: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        FakeWeChatServer server = new FakeWeChatServer();
        URI uri = server.start(port);
        if (calibrate > 0) {
            System.out.println(Calibration.run(server, calibrate, calibrate).describe());
        }
        server.clearRecords();
        server.registerApp(appid, secret);
        server.setLatency(Duration.ofNanos(latencyMicros * 1000));
        FakeWeChat fake = new FakeWeChat(server, appid);
        HttpServer control = fake.control(controlPort);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            control.stop(0);
            server.close();
            stop.countDown();
        }, "fake-wechat-stop"));
        System.out.printf("FAKE-WECHAT READY url=%s control=http://127.0.0.1:%d pid=%d appid=%s latency_us=%d%n", uri,
                control.getAddress().getPort(), ProcessHandle.current().pid(), appid, latencyMicros);
        System.out.flush();
        stop.await();
    }

    /** Turns Nagle's algorithm off for the JDK HTTP servers of this JVM (the fake's and the control port's). */
    static void noDelay() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** User number {@code n}: a unionid when {@code n} is a multiple of {@code unionidEvery} (0: never). */
    static WeChatUser user(long n, int unionidEvery) {
        boolean union = unionidEvery > 0 && n % unionidEvery == 0;
        return new WeChatUser(OPENID_PREFIX + n, union ? UNIONID_PREFIX + n : null, "Bench " + n, "");
    }

    /** Registers {@code count} codes; returns how many. */
    int addCodes(String prefix, int count, long userFrom, int unionidEvery) {
        for (int i = 0; i < count; i++) {
            wechat.addLoginCode(appid, prefix + i, user(userFrom + i, unionidEvery));
        }
        return count;
    }

    synchronized void clear() {
        tokenFetchesCleared += wechat.tokenFetchCount(appid);
        wechat.clearRecords();
    }

    /** What {@code GET /stats} answers. */
    synchronized String stats() {
        Map<String, Long> byPath = new TreeMap<>();
        Map<String, Long> errcodes = new TreeMap<>();
        long requests = 0;
        long loginFailed = 0;
        for (RecordedRequest r : wechat.requests()) {
            requests++;
            byPath.merge(r.path(), 1L, Long::sum);
            if (r.failed()) {
                errcodes.merge("errcode." + r.errcode() + ":" + r.path(), 1L, Long::sum);
                if (r.path().equals(FakeStats.JSCODE2SESSION)) {
                    loginFailed++;
                }
            }
        }
        int fetches = wechat.tokenFetchCount(appid);
        StringBuilder out = new StringBuilder();
        out.append("pid=").append(ProcessHandle.current().pid()).append('\n');
        out.append("requests=").append(requests).append('\n');
        out.append("jscode2session=").append(byPath.getOrDefault(FakeStats.JSCODE2SESSION, 0L)).append('\n');
        out.append("jscode2session_failed=").append(loginFailed).append('\n');
        out.append("token_requests=").append(byPath.getOrDefault("/cgi-bin/token", 0L)
                + byPath.getOrDefault("/cgi-bin/stable_token", 0L)).append('\n');
        out.append("token_fetches=").append(fetches).append('\n');
        out.append("token_fetches_total=").append(tokenFetchesCleared + fetches).append('\n');
        byPath.forEach((path, n) -> out.append("path:").append(path).append('=').append(n).append('\n'));
        errcodes.forEach((k, n) -> out.append(k).append('=').append(n).append('\n'));
        return out.toString();
    }

    /** The control server; also used by the tests, with an in-process fake. */
    HttpServer control(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fake-wechat-control");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/stats", exchange -> answer(exchange, 200, stats()));
        server.createContext("/clear", exchange -> {
            clear();
            answer(exchange, 200, "cleared\n");
        });
        server.createContext("/codes", exchange -> {
            Map<String, String> q = query(exchange);
            try {
                int n = addCodes(require(q, "prefix"), Integer.parseInt(require(q, "count")),
                        Long.parseLong(require(q, "user-from")), Integer.parseInt(q.getOrDefault("unionid-every", "0")));
                answer(exchange, 200, "registered=" + n + "\n");
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, e.getMessage() + "\n");
            }
        });
        server.createContext("/latency", exchange -> {
            try {
                long micros = Long.parseLong(require(query(exchange), "micros"));
                wechat.setLatency(Duration.ofNanos(micros * 1000));
                answer(exchange, 200, "latency_us=" + micros + "\n");
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, e.getMessage() + "\n");
            }
        });
        server.start();
        return server;
    }

    private static String require(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
