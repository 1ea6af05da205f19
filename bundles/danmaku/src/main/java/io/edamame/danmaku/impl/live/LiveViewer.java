package io.edamame.danmaku.impl.live;

/** A connection of a room on this node, as moderation needs to see it. */
public interface LiveViewer {

    /** The user, or 0 for an anonymous reader. */
    long userId();

    /** Closes the connection; safe to call more than once. */
    void close(int code, String reason);
}
