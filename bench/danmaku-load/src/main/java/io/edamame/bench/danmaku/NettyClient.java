package io.edamame.bench.danmaku;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket client connections on Netty: epoll where available, a fixed number of I/O threads for all
 * connections. Text frames from the server are handed over as bytes to a {@link TextSink}, not decoded
 * to strings. Against a stand-in server this cost about 7.4 µs of tool CPU per received frame, the
 * JDK's java.net.http client about 25 µs (BENCHMARKS.md); most of the 7.4 µs is the kernel's (the read,
 * the ACK it sends, epoll wake-ups), so a hand-written framing measured no cheaper and was dropped.
 */
final class NettyClient implements AutoCloseable {

    /**
     * Receives each text frame's payload, {@code length} bytes at {@code index}, on the connection's I/O
     * thread; must not keep {@code buf}.
     */
    interface TextSink {
        void text(Link link, ByteBuf buf, int index, int length, long nowNanos);
    }

    /** A batch holds at most 1,000 items of a few hundred bytes. */
    static final int MAX_FRAME = 1 << 20;

    static {
        // The leak detector samples buffers with stack traces; it costs CPU on every read.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final String transport;

    NettyClient(int threads) {
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(threads);
            channelClass = EpollSocketChannel.class;
            transport = "netty-epoll";
        } else {
            group = new NioEventLoopGroup(threads);
            channelClass = NioSocketChannel.class;
            transport = "netty-nio";
        }
    }

    /** Opens a WebSocket to {@code uri}; the outcome goes to {@code connections}, text frames to {@code sink}. */
    Channel connect(URI uri, Link link, Connections connections, TextSink sink) {
        ChannelHandler[] handlers = handlers(uri, link, connections, sink);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handlers);
                    }
                });
        connections.attempting();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        ChannelFuture connecting = bootstrap.connect(uri.getHost(), port);
        channels.add(connecting.channel());
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                connections.failed(link, describe(f.cause()));
            }
        });
        return connecting.channel();
    }

    static void sendText(Channel channel, String text, ChannelFutureListener whenDone) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).addListener(whenDone);
    }

    private static ChannelHandler[] handlers(URI uri, Link link, Connections connections, TextSink sink) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                // No permessage-deflate: we measure the server's fan-out, not compression.
                .allowExtensions(false)
                .maxFramePayloadLength(MAX_FRAME)
                // Close frames reach LinkHandler, which records their code.
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(30_000)
                // The scanner reads bytes; validating UTF-8 would read every byte of every frame.
                .withUTF8Validator(false)
                // closeAll sends the close frames, then waits for the server's answers.
                .sendCloseFrame(null)
                .build();
        return new ChannelHandler[] {new HttpClientCodec(), new HttpObjectAggregator(16 * 1024),
                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_FRAME),
                new LinkHandler(link, connections, sink)};
    }

    /**
     * Leaves properly: a close frame (1000) to every connection, a wait of up to {@code seconds} for the
     * server to answer and close, then closes what is left.
     */
    void closeAll(long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        channels.writeAndFlush(new CloseWebSocketFrame(1000, null)).awaitUninterruptibly(seconds, TimeUnit.SECONDS);
        while (!channels.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.close().awaitUninterruptibly(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    static String describe(Throwable cause) {
        if (cause instanceof WebSocketClientHandshakeException handshake && handshake.response() != null) {
            return "handshake answered HTTP " + handshake.response().status();
        }
        String message = cause.getMessage();
        // Netty's connect errors name the address and port; keep the kind so that reasons group.
        if (message != null && message.contains(": /")) {
            message = message.substring(0, message.indexOf(": /"));
        }
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** One per connection: opening, closing and text frames. */
    private static final class LinkHandler extends ChannelInboundHandlerAdapter {
        private final Link link;
        private final Connections connections;
        private final TextSink sink;

        LinkHandler(Link link, Connections connections, TextSink sink) {
            this.link = link;
            this.connections = connections;
            this.sink = sink;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                connections.opened(link);
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                connections.failed(link, "handshake timed out");
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // The read time first: latency ends when the frame is here, not when we are done with it.
            long now = System.nanoTime();
            try {
                if (msg instanceof TextWebSocketFrame text) {
                    ByteBuf content = text.content();
                    sink.text(link, content, content.readerIndex(), content.readableBytes(), now);
                } else if (msg instanceof CloseWebSocketFrame close) {
                    connections.closed(link, close.statusCode(), close.reasonText());
                    ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), null))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            connections.closed(link, Connections.ABNORMAL, "connection lost without a close frame");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (link.state == Link.State.CONNECTING) {
                connections.failed(link, describe(cause));
            } else {
                connections.closed(link, Connections.ABNORMAL, describe(cause));
            }
            ctx.close();
        }
    }
}
