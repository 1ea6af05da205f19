package io.edamame.bench.wechat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The logins' HTTP/1.1 client, on Netty (epoll where available), with kept-alive connections: a login takes an idle
 * connection, or opens one when none is idle, so that there are as many as logins in flight, as a crowd of
 * mini-programs reaching a node through a proxy would make. Requests are written as prepared bytes ({@link
 * #request}); answers are aggregated by Netty's decoder (Content-Length or chunked) and handed over as status and
 * bytes, never parsed as JSON. The JDK's {@code java.net.http} client cost the tool about 1 ms of CPU per login on
 * this machine, which at 1,000 logins a second would have been half of the two cores (BENCHMARKS.md).
 */
final class LoginClient implements AutoCloseable {

    /** A login's answer: status and body, or the error ({@code TIMEOUT}, {@code closed}, a connect failure). */
    @FunctionalInterface
    interface Answer {
        void answered(int status, byte[] body, String error, long nanos);
    }

    static {
        // The leak detector samples buffers with stack traces; it costs CPU on every read.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    /** A connection idle longer than this is closed instead of reused: the server may be closing it (Jetty: 30 s). */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final String host;
    private final int port;
    private final long timeoutNanos;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    /** {@code netty-epoll} or {@code netty-nio}, for the reports. */
    final String transport;

    LoginClient(URI url, int threads, int timeoutSeconds) {
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : 80;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Class<? extends SocketChannel> channelClass;
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(threads);
            channelClass = EpollSocketChannel.class;
            transport = "netty-epoll";
        } else {
            group = new NioEventLoopGroup(threads);
            channelClass = NioSocketChannel.class;
            transport = "netty-nio";
        }
        bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    /** The bytes of {@code POST <url's path>} with a JSON body, as written on the wire. */
    static byte[] request(URI url, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost()
                + (url.getPort() > 0 ? ":" + url.getPort() : "") + "\r\nContent-Type: application/json\r\n"
                + "Accept: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(body, 0, out, headBytes.length, body.length);
        return out;
    }

    /** Where the closed loop starts its next login: an I/O thread, so that no other thread is woken for it. */
    Executor executor() {
        return group;
    }

    /** Sends {@code request} on an idle connection or a new one; {@code answer} is called once, on an I/O thread. */
    void send(byte[] request, Answer answer) {
        Connection c;
        long now = System.nanoTime();
        while ((c = idle.pollFirst()) != null) {
            if (c.channel.isActive() && now - c.idleSince < MAX_IDLE_NANOS) {
                c.send(request, answer);
                return;
            }
            c.channel.close();
        }
        Connection fresh = new Connection();
        bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                fresh.channel = ch;
                ch.pipeline().addLast(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20), fresh);
            }
        }).connect(host, port).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                fresh.send(request, answer);
            } else {
                answer.answered(0, null, "connect " + f.cause().getClass().getSimpleName(), System.nanoTime());
            }
        });
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection: one request at a time, then back to the idle ones if the server keeps it alive. */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        Channel channel;
        private Answer pending;
        private ScheduledFuture<?> timeout;
        long idleSince;

        void send(byte[] request, Answer answer) {
            channel.eventLoop().execute(() -> {
                pending = answer;
                timeout = channel.eventLoop().schedule(() -> fail("TIMEOUT"), timeoutNanos, TimeUnit.NANOSECONDS);
                channel.writeAndFlush(Unpooled.wrappedBuffer(request)).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        fail("write " + f.cause().getClass().getSimpleName());
                    }
                });
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long now = System.nanoTime();
            Answer answer = pending;
            pending = null;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (answer == null) {
                ctx.close();
                return;
            }
            ByteBuf content = response.content();
            byte[] body = ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes(), false);
            boolean keep = HttpUtil.isKeepAlive(response) && response.decoderResult().isSuccess();
            if (keep) {
                idleSince = now;
                idle.addFirst(this);
            } else {
                ctx.close();
            }
            answer.answered(response.status().code(), body, null, now);
        }

        private void fail(String error) {
            Answer answer = pending;
            pending = null;
            channel.close();
            if (answer != null) {
                answer.answered(0, null, error, System.nanoTime());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(this);
            fail("closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause.getClass().getSimpleName());
        }
    }
}
