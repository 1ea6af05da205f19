package io.edamame.testing.kurento.impl;

import java.time.Duration;

/**
 * How a fake server is set up, fixed at construction.
 *
 * @param path the WebSocket path KMS serves, {@code /kurento}
 * @param maxFrameBytes largest frame accepted from a client; larger ones close the connection with 1009
 * @param maxMessageBytes largest message accepted, over all fragments
 * @param callLogCapacity how many recent requests the call log keeps; 0 turns it off
 * @param playerEndOfStreamAfter when set, a playing PlayerEndpoint raises EndOfStream after this long
 * @param strictRelease when true, releasing an unknown object fails with MEDIA_OBJECT_NOT_FOUND; KMS itself
 *     answers such a release with success
 */
public record Options(String path, int maxFrameBytes, int maxMessageBytes, int callLogCapacity,
    Duration playerEndOfStreamAfter, boolean strictRelease) {
}
