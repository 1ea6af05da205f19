package io.edamame.core.api;

/** What a room carries. */
public enum RoomType {
    /** The host's voice with slides turning in sync. */
    AUDIO_SLIDES,
    /** Audio and video, with viewers joining the mic. */
    VIDEO_INTERACTIVE
}
