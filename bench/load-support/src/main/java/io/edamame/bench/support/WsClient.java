package io.edamame.bench.support;

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
 * WebSocket client connections of the load tools, on Netty: epoll where available, a fixed number of I/O
 * threads for all of them. Text frames are handed to the connection's {@link Listener} as bytes, never
 * decoded to strings. Against a stand-in server this cost about 7.4 µs of tool CPU per received frame,
 * the JDK's java.net.http client about 25 µs (BENCHMARKS.md); most of the 7.4 µs is the kernel's (the
 * read, the ACK it sends, epoll wake-ups). Each caller keeps its connections in a {@link ChannelGroup}
 * of its own, so that one run's viewers are closed without touching other connections.
 */
public final class WsClient implements AutoCloseable {

    /** Events of one connection, called on its I/O thread one after another. */
    public interface Listener {
        void opened(Channel channel, long nowNanos);

        /** A text frame's payload, {@code length} bytes at {@code index} of {@code buf}; must not keep {@code buf}. */
        void text(ByteBuf buf, int index, int length, long nowNanos);

        /** The server closed with {@code code}; {@link #ABNORMAL} when the connection was lost without a close frame. */
        void closed(int code, String reason);

        /** The connection never opened. */
        void failed(String reason);
    }

    /** No close frame: the connection was lost (RFC 6455's 1006, never sent on the wire). */
    public static final int ABNORMAL = 1006;

    static {
        // The leak detector samples buffers with stack traces; it costs CPU on every read.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final int maxFrameBytes;
    /** {@code netty-epoll} or {@code netty-nio}, for the reports. */
    public final String transport;

    /** @param maxFrameBytes the largest message the server may send, in bytes */
    public WsClient(int threads, int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
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

    public static ChannelGroup newGroup() {
        return new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    }

    /** Opens a WebSocket to {@code uri}, added to {@code channels}; the outcome goes to {@code listener}. */
    public Channel connect(URI uri, ChannelGroup channels, Listener listener) {
        ChannelHandler[] handlers = handlers(uri, listener);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handlers);
                    }
                });
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        ChannelFuture connecting = bootstrap.connect(uri.getHost(), port);
        channels.add(connecting.channel());
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                listener.failed(describe(f.cause()));
            }
        });
        return connecting.channel();
    }

    public static ChannelFuture send(Channel channel, String text) {
        return channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    private ChannelHandler[] handlers(URI uri, Listener listener) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(maxFrameBytes)
                // No permessage-deflate: the benchmarks measure the server, not compression.
                // Close frames reach the handler below, which records their code.
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(30_000)
                // Frames are read as bytes; validating UTF-8 would read every byte of every frame.
                .withUTF8Validator(false)
                .sendCloseFrame(null)
                .build();
        return new ChannelHandler[] {new HttpClientCodec(), new HttpObjectAggregator(16 * 1024),
                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(maxFrameBytes),
                new ListenerHandler(listener)};
    }

    /**
     * Leaves properly: a close frame (1000) to every connection of {@code channels}, a wait of up to
     * {@code seconds} for the server to answer and close, then closes what is left.
     */
    public static void closeAll(ChannelGroup channels, long seconds) {
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

    /** A failure as the reports group it: the handshake's HTTP status, or the exception's kind and message. */
    public static String describe(Throwable cause) {
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

    private static final class ListenerHandler extends ChannelInboundHandlerAdapter {
        private final Listener listener;
        private boolean open;
        private boolean done;

        ListenerHandler(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                open = true;
                listener.opened(ctx.channel(), System.nanoTime());
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                fail("handshake timed out");
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
                    listener.text(content, content.readerIndex(), content.readableBytes(), now);
                } else if (msg instanceof CloseWebSocketFrame close) {
                    closed(close.statusCode(), close.reasonText());
                    ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), null))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (open) {
                closed(ABNORMAL, "connection lost without a close frame");
            } else {
                fail("connection closed before the handshake completed");
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (open) {
                closed(ABNORMAL, describe(cause));
            } else {
                fail(describe(cause));
            }
            ctx.close();
        }

        private void closed(int code, String reason) {
            if (!done) {
                done = true;
                listener.closed(code, reason);
            }
        }

        private void fail(String reason) {
            if (!done) {
                done = true;
                listener.failed(reason);
            }
        }
    }
}
