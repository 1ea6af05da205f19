package io.edamame.media.api;

/**
 * EventAdmin topics the media plugin posts, asynchronously, with the core's {@code tenant.id} and
 * {@code room.id} properties ({@link io.edamame.core.api.EdamameEvents}).
 */
public final class MediaEvents {

    /** A recording segment was finalised: its file is complete and listed for replay. */
    public static final String RECORDING_READY = "edamame/media/RECORDING_READY";

    /** {@code long} */
    public static final String RECORDING_ID = "recording.id";

    private MediaEvents() {
    }
}
