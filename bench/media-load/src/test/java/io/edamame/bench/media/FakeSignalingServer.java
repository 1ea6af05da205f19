package io.edamame.bench.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the media signaling endpoint (docs/MEDIA-PROTOCOL.md's wire format), to test the load
 * tool without the platform: {@code join} answers the participant and everyone else and tells the others
 * ({@code participantJoined}); the connection whose token is {@code host} may {@code publish};
 * {@code subscribe} answers an SDP answer and then trickles one {@code iceCandidate}. Every
 * {@code failEvery}-th subscribe is refused with MEDIA_UNAVAILABLE. A room named {@code gone} closes
 * every connection with 4404 right after the handshake; in a room named {@code ended}, join answers
 * ROOM_NOT_LIVE. Not a benchmark of anything.
 */
final class FakeSignalingServer implements AutoCloseable {

    private static final AttributeKey<String> ID = AttributeKey.valueOf("participantId");
    private static final AttributeKey<Boolean> HOST = AttributeKey.valueOf("host");

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Channel> participants = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger subscribes = new AtomicInteger();
    private final int failEvery;
    private volatile String publisherId;
    private final Channel server;

    FakeSignalingServer(int failEvery) throws InterruptedException {
        this(0, failEvery);
    }

    FakeSignalingServer(int port, int failEvery) throws InterruptedException {
        this.failEvery = failEvery;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws/media").checkStartsWith(true).maxFramePayloadLength(1 << 20)
                                        .build()),
                                new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    int participantCount() {
        return participants.size();
    }

    private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private String room;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                String[] uri = handshake.requestUri().split("\\?", 2);
                room = uri[0].substring(uri[0].lastIndexOf('/') + 1);
                ctx.channel().attr(HOST).set(uri.length > 1 && uri[1].equals("token=host"));
                if (room.equals("gone")) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(4404, "ROOM_NOT_FOUND"))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            String id = ctx.channel().attr(ID).get();
            if (id != null) {
                participants.remove(id);
                for (Channel other : participants.values()) {
                    other.writeAndFlush(new TextWebSocketFrame(
                            "{\"jsonrpc\":\"2.0\",\"method\":\"participantLeft\",\"params\":{\"participantId\":\"" + id + "\"}}"));
                }
            }
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            JsonNode request;
            try {
                request = mapper.readTree(frame.text());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long id = request.path("id").asLong();
            Channel ch = ctx.channel();
            switch (request.path("method").asText()) {
                case "join" -> {
                    if (room.equals("ended")) {
                        error(ch, id, 4010, "ROOM_NOT_LIVE");
                        return;
                    }
                    String me = "p" + ids.incrementAndGet();
                    ch.attr(ID).set(me);
                    List<String> others = new ArrayList<>();
                    for (Map.Entry<String, Channel> other : participants.entrySet()) {
                        others.add("{\"participantId\":\"" + other.getKey() + "\",\"role\":\"AUDIENCE\",\"publishing\":"
                                + other.getKey().equals(publisherId) + "}");
                        other.getValue().writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"method\":"
                                + "\"participantJoined\",\"params\":{\"participantId\":\"" + me + "\",\"role\":\"AUDIENCE\"}}"));
                    }
                    participants.put(me, ch);
                    ch.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{"
                            + "\"participantId\":\"" + me + "\",\"role\":\"" + (ch.attr(HOST).get() ? "HOST" : "AUDIENCE")
                            + "\",\"roomType\":\"VIDEO_INTERACTIVE\",\"roomStatus\":\"LIVE\",\"participants\":["
                            + String.join(",", others) + "],\"maxSpeakers\":4}}"));
                }
                case "publish" -> {
                    if (!ch.attr(HOST).get()) {
                        error(ch, id, 4003, "NOT_ALLOWED");
                        return;
                    }
                    publisherId = ch.attr(ID).get();
                    ch.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{"
                            + "\"publisherId\":\"" + publisherId + "\",\"sdpAnswer\":\"v=0\\r\\ns=-\\r\\n\"}}"));
                }
                case "subscribe" -> {
                    if (!request.path("params").path("publisherId").asText().equals(publisherId)) {
                        error(ch, id, 4004, "UNKNOWN_PUBLISHER");
                        return;
                    }
                    if (failEvery > 0 && subscribes.incrementAndGet() % failEvery == 0) {
                        error(ch, id, 5003, "MEDIA_UNAVAILABLE");
                        return;
                    }
                    // Some latency, on another thread than the event loop, as the platform's media calls have.
                    ch.eventLoop().schedule(() -> {
                        ch.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{"
                                + "\"publisherId\":\"" + publisherId + "\",\"sdpAnswer\":\"v=0\\r\\no=- 1 2 IN IP4"
                                + " 127.0.0.1\\r\\nm=audio 9 UDP/TLS/RTP/SAVPF 111\\r\\n\"}}"));
                        ch.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"method\":\"iceCandidate\","
                                + "\"params\":{\"publisherId\":\"" + publisherId + "\",\"candidate\":{\"candidate\":"
                                + "\"candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host\",\"sdpMid\":\"0\","
                                + "\"sdpMLineIndex\":0}}}"));
                    }, 1, TimeUnit.MILLISECONDS);
                }
                default -> error(ch, id, -32601, "METHOD_NOT_FOUND");
            }
        }

        private void error(Channel ch, long id, int code, String errorCode) {
            ch.writeAndFlush(new TextWebSocketFrame("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + code
                    + ",\"message\":\"refused\",\"data\":{\"errorCode\":\"" + errorCode + "\"}}}"));
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        participants.values().forEach(Channel::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * For measuring the tool's own cost by hand: {@code FakeSignalingServer PORT}, then the tool with
     * {@code --url ws://127.0.0.1:PORT/ws/media/t/1 --host-token host --server-pid <this process>}.
     */
    public static void main(String[] args) throws Exception {
        FakeSignalingServer server = new FakeSignalingServer(Integer.parseInt(args[0]), 0);
        System.out.println("fake signaling server on 127.0.0.1:" + server.port() + ", pid " + ProcessHandle.current().pid());
        Thread.currentThread().join();
    }
}
