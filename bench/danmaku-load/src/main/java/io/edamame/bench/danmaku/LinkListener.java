package io.edamame.bench.danmaku;

import io.edamame.bench.support.WsClient;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.net.URI;

/** One viewer's or publisher's connection on the shared WebSocket client, counted by its {@link Connections}. */
final class LinkListener implements WsClient.Listener {

    /**
     * Receives each text frame's payload, {@code length} bytes at {@code index}, on the connection's I/O
     * thread; must not keep {@code buf}.
     */
    interface TextSink {
        void text(Link link, ByteBuf buf, int index, int length, long nowNanos);
    }

    /** A batch holds at most 1,000 items of a few hundred bytes. */
    static final int MAX_FRAME_BYTES = 1 << 20;

    private final Link link;
    private final Connections connections;
    private final TextSink sink;

    private LinkListener(Link link, Connections connections, TextSink sink) {
        this.link = link;
        this.connections = connections;
        this.sink = sink;
    }

    /** Opens {@code link}'s connection; the outcome goes to {@code connections}, text frames to {@code sink}. */
    static Channel connect(WsClient client, URI uri, ChannelGroup channels, Link link, Connections connections,
                           TextSink sink) {
        connections.attempting();
        return client.connect(uri, channels, new LinkListener(link, connections, sink));
    }

    @Override
    public void opened(Channel channel, long nowNanos) {
        connections.opened(link);
    }

    @Override
    public void text(ByteBuf buf, int index, int length, long nowNanos) {
        sink.text(link, buf, index, length, nowNanos);
    }

    @Override
    public void closed(int code, String reason) {
        connections.closed(link, code, reason);
    }

    @Override
    public void failed(String reason) {
        connections.failed(link, reason);
    }
}
