package io.edamame.bench.danmaku;

import java.util.BitSet;

/**
 * One WebSocket connection's state (a viewer's or a publisher's). Written by one I/O thread at a time
 * (Netty: the channel's event loop; JDK: listener calls, which that client makes one after another);
 * the counters are read by the main thread only once the I/O threads have stopped.
 */
final class Link {

    enum State { CONNECTING, OPEN, FAILED, CLOSED }

    final int index;
    private final int messages;
    /** Which messages this connection has received: a message counts once, however often it arrives. */
    private BitSet seen;
    long delivered;
    long frames;
    volatile State state = State.CONNECTING;

    Link(int index, int messages) {
        this.index = index;
        this.messages = messages;
    }

    /** True the first time message {@code k} reaches this connection. */
    boolean markSeen(int k) {
        if (seen == null) {
            seen = new BitSet(messages);
        }
        if (seen.get(k)) {
            return false;
        }
        seen.set(k);
        return true;
    }

    /** Messages in [from, to) received that are in {@code among}, whose bit 0 stands for message {@code from}. */
    long receivedAmong(BitSet among, int from, int to) {
        if (seen == null || from >= to) {
            return 0;
        }
        BitSet both = seen.get(from, to);
        both.and(among);
        return both.cardinality();
    }

    /** Messages in [from, to) received that are not in {@code among}, whose bit 0 stands for message {@code from}. */
    long receivedNotAmong(BitSet among, int from, int to) {
        if (seen == null || from >= to) {
            return 0;
        }
        BitSet extra = seen.get(from, to);
        extra.andNot(among);
        return extra.cardinality();
    }
}
