package io.edamame.bench.danmaku;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the danmaku endpoint that speaks docs/DANMAKU-PROTOCOL.md's wire format, to test the
 * load tool without the platform: acks danmaku with {@code clientId} and an id, refuses every
 * {@code rejectEvery}-th with RATE_LIMITED, and every tick sends one merged {@code batch} frame, the same
 * bytes to every connection. A room named {@code close-NNNN} closes each connection with code NNNN
 * right after the handshake; a tenant named {@code forbidden} is refused with HTTP 403. Not a benchmark of
 * anything.
 */
final class FakeDanmakuServer implements AutoCloseable {

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final ChannelGroup viewers = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong ids = new AtomicLong(1000);
    private final int rejectEvery;
    /** Send each batch twice, to check that the tool counts a delivery once. */
    private final boolean duplicate;
    private final Channel server;

    FakeDanmakuServer(int port, int rejectEvery, boolean duplicate) throws InterruptedException {
        this.rejectEvery = rejectEvery;
        this.duplicate = duplicate;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new Refusal(), new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws/danmaku").checkStartsWith(true).build()),
                                new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        ticker.scheduleAtFixedRate(this::tick, 50, 50, TimeUnit.MILLISECONDS);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private void tick() {
        StringBuilder batch = new StringBuilder("{\"type\":\"batch\",\"items\":[");
        String item;
        int n = 0;
        while ((item = pending.poll()) != null) {
            batch.append(n++ == 0 ? "" : ",").append(item);
        }
        if (n == 0) {
            return;
        }
        ByteBuf frame = Unpooled.wrappedBuffer(batch.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        // All connections live on the group's one event loop: one task writes to all of them, rather
        // than one task per write, so that the fake costs little next to the tool it serves.
        group.next().execute(() -> {
            for (int i = 0; i < (duplicate ? 2 : 1); i++) {
                for (Channel viewer : viewers) {
                    viewer.writeAndFlush(new TextWebSocketFrame(frame.retainedDuplicate()));
                }
            }
            frame.release();
        });
    }

    /** A tenant named {@code forbidden} is refused before the upgrade, with HTTP 403. */
    private static final class Refusal extends SimpleChannelInboundHandler<FullHttpRequest> {
        Refusal() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.uri().startsWith("/ws/danmaku/forbidden/")) {
                ctx.fireChannelRead(request);
                return;
            }
            request.release();
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                String path = handshake.requestUri().split("\\?")[0];
                String room = path.substring(path.lastIndexOf('/') + 1);
                if (room.startsWith("close-")) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(Integer.parseInt(room.substring(6)), "ROOM_NOT_FOUND"))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                viewers.add(ctx.channel());
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"batch\",\"items\":[{\"type\":\"online\",\"count\":"
                        + viewers.size() + "}]}"));
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String json = frame.text();
            String clientId = JsonFields.field(json, "clientId");
            String text = JsonFields.field(json, "text");
            long k = Long.parseLong(text.substring(text.indexOf('.') + 1));
            if (rejectEvery > 0 && k % rejectEvery == rejectEvery - 1) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"error\",\"clientId\":\"" + clientId
                        + "\",\"code\":\"RATE_LIMITED\",\"message\":\"Sending too fast, wait a moment\"}"));
                return;
            }
            long id = ids.incrementAndGet();
            pending.add("{\"type\":\"danmaku\",\"id\":" + id + ",\"user\":{\"id\":7,\"name\":\"Lin \\\"text\\\":\\\"x\"},"
                    + "\"text\":\"" + text + "\",\"color\":null,\"mode\":\"scroll\",\"ts\":" + System.currentTimeMillis()
                    + ",\"offsetMs\":1}");
            ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"ack\",\"clientId\":\"" + clientId + "\",\"id\":" + id + "}"));
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        server.close().syncUninterruptibly();
        viewers.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** For measuring the tool's own cost per frame by hand: {@code FakeDanmakuServer PORT}. */
    public static void main(String[] args) throws Exception {
        FakeDanmakuServer server = new FakeDanmakuServer(Integer.parseInt(args[0]), 0, false);
        System.out.println("fake danmaku server on 127.0.0.1:" + server.port());
        Thread.currentThread().join();
    }
}
