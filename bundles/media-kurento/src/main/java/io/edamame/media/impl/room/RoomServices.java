package io.edamame.media.impl.room;

import io.edamame.media.impl.kms.MediaServer;
import io.edamame.media.impl.store.RecordingStatus;
import java.time.Instant;

/** What a {@link MediaRoom} needs from the rest of the plugin; {@link MediaRooms} provides it. */
interface RoomServices {

    /** The least-loaded server that is up, or {@code MEDIA_UNAVAILABLE}. */
    MediaServer pickServer();

    String nodeId();

    /** Notes a pipeline this node owns, or owned: the sweep leaves owned ones alone. */
    void ownPipeline(String pipelineId, boolean owned);

    int maxSpeakers(long tenantId);

    boolean records(long tenantId);

    /** Stores a new segment and returns its id and the URI the media server writes to. */
    RecordingTarget beginRecording(RoomKey room, String mediaProfile, Instant startedAt);

    void finishRecording(RoomKey room, long recordingId, RecordingStatus status, String error);

    Instant now();

    record RecordingTarget(long id, String uri) {
    }
}
