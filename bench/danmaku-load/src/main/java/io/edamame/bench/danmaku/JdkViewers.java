package io.edamame.bench.danmaku;

import io.edamame.bench.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.CharBuffer;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Viewers on the JDK's {@code java.net.http} WebSocket client ({@code --client jdk}), kept to compare
 * its cost per received frame with Netty's on the same load. It decodes every frame to chars before
 * the scanner sees it.
 */
final class JdkViewers implements AutoCloseable {

    private final HttpClient[] clients;
    private final Queue<WebSocket> sockets = new ConcurrentLinkedQueue<>();
    private final Connections connections;
    private final Deliveries deliveries;
    private final ItemScanner scanner;
    private final ThreadLocal<char[]> chars = ThreadLocal.withInitial(() -> new char[64 * 1024]);
    private final ThreadLocal<int[]> found = ThreadLocal.withInitial(() -> new int[4096]);

    /** One client per I/O thread: each has its own selector thread. */
    JdkViewers(int threads, Connections connections, Deliveries deliveries, ItemScanner scanner) {
        this.clients = new HttpClient[threads];
        for (int i = 0; i < threads; i++) {
            clients[i] = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
        this.connections = connections;
        this.deliveries = deliveries;
        this.scanner = scanner;
    }

    void connect(URI uri, Link link) {
        connections.attempting();
        clients[link.index % clients.length].newWebSocketBuilder()
                .buildAsync(uri, new Listener(link))
                .whenComplete((socket, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        connections.failed(link, WsClient.describe(cause));
                    } else {
                        sockets.add(socket);
                    }
                });
    }

    void closeAll(long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (WebSocket socket : sockets) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
        while (System.nanoTime() < deadline && sockets.stream().anyMatch(s -> !s.isInputClosed())) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sockets.forEach(WebSocket::abort);
    }

    @Override
    public void close() {
        sockets.forEach(WebSocket::abort);
    }

    private final class Listener implements WebSocket.Listener {
        private final Link link;
        private StringBuilder partial;

        Listener(Link link) {
            this.link = link;
        }

        @Override
        public void onOpen(WebSocket socket) {
            connections.opened(link);
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            if (!last || partial != null) {
                if (partial == null) {
                    partial = new StringBuilder();
                }
                partial.append(data);
            }
            if (last) {
                CharSequence whole = partial != null ? partial : data;
                partial = null;
                char[] buf = chars.get();
                int len = whole.length();
                if (buf.length < len) {
                    buf = new char[Math.max(len, buf.length * 2)];
                    chars.set(buf);
                }
                if (whole instanceof CharBuffer charBuffer) {
                    charBuffer.get(charBuffer.position(), buf, 0, len);
                } else if (whole instanceof String string) {
                    string.getChars(0, len, buf, 0);
                } else if (whole instanceof StringBuilder builder) {
                    builder.getChars(0, len, buf, 0);
                } else {
                    for (int i = 0; i < len; i++) {
                        buf[i] = whole.charAt(i);
                    }
                }
                int[] ks = found.get();
                deliveries.frame(link, ks, scanner.scan(buf, 0, len, ks), now);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            connections.closed(link, statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            if (link.state == Link.State.CONNECTING) {
                connections.failed(link, WsClient.describe(error));
            } else {
                connections.closed(link, WsClient.ABNORMAL, WsClient.describe(error));
            }
        }
    }
}
