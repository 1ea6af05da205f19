package io.edamame.media.impl.store;

import java.time.Instant;

/** One segment of a room's recording: a room recorded without interruption has one. */
public record Recording(long id, long tenantId, long roomId, int segment, String uri, String mediaProfile,
                        RecordingStatus status, Instant startedAt, Instant endedAt, Long durationMs,
                        Long sizeBytes, String error) {
}
