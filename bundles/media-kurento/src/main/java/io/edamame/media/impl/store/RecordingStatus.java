package io.edamame.media.impl.store;

/** Where a recording segment is. */
public enum RecordingStatus {
    /** Being written by the media server. */
    RECORDING,
    /** Stopped and complete: the room ended, or went empty. */
    FINALISED,
    /** Cut by the loss of its media server; the file holds what was written until then. */
    INTERRUPTED,
    /** The media server refused to record; there is no file. */
    FAILED
}
