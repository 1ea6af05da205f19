package io.edamame.media.impl.kms;

/** Where the connection to one media server is. */
public enum MediaServerState {
    /** Not connected yet, or waiting for the next attempt after a failure. */
    DOWN,
    /** Connected; rooms may be placed here. */
    UP,
    /** The connection dropped; the client is reconnecting and rooms here wait. */
    RECONNECTING
}
