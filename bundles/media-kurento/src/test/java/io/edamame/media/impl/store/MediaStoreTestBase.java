package io.edamame.media.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The recordings table on a real database: each kind of database runs every test. */
abstract class MediaStoreTestBase extends DatabaseTest {

    private static final AtomicLong ROOMS = new AtomicLong(100);
    static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

    MediaStore store;

    MediaStoreTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeAll
    void migrate() {
        if (core != null) {
            CoreServices.migrate(core.dataSource, MediaStore.CHANGELOG, MediaStore.class.getClassLoader());
            store = new MediaStore(core.dataSource);
        }
    }

    private void finish(long id, RecordingStatus status, Instant endedAt, Long sizeBytes, String error) {
        store.finish(store.find(id).orElseThrow(), status, endedAt, sizeBytes, error);
    }

    @Test
    void segmentsAreNumberedPerRoomAndFinishedOnce() {
        long room = ROOMS.incrementAndGet();
        assertEquals(1, store.nextSegment(1, room));
        long first = store.begin(1, room, 1, "WEBM", T0, "node-a");
        store.setUri(first, "file:///rec/1/" + room + "/" + first + ".webm");
        assertEquals(2, store.nextSegment(1, room));
        assertEquals(1, store.nextSegment(2, room), "numbered per tenant and room");

        finish(first, RecordingStatus.INTERRUPTED, T0.plusSeconds(90), 12_345L, "media server lost");
        finish(first, RecordingStatus.FINALISED, T0.plusSeconds(300), 1L, null);
        Recording finished = store.find(first).orElseThrow();
        assertEquals(RecordingStatus.INTERRUPTED, finished.status(), "a closed segment is not closed again");
        assertEquals(90_000L, finished.durationMs());
        assertEquals(12_345L, finished.sizeBytes());
        assertEquals("media server lost", finished.error());
        assertEquals(T0, finished.startedAt());
        assertTrue(finished.uri().endsWith(first + ".webm"));

        long second = store.begin(1, room, 2, "WEBM", T0.plusSeconds(95), "node-a");
        finish(second, RecordingStatus.FAILED, T0.plusSeconds(95), null, "x".repeat(900));
        List<Recording> segments = store.forRoom(1, room);
        assertEquals(List.of(1, 2), segments.stream().map(Recording::segment).toList());
        assertNull(segments.get(1).sizeBytes());
        assertEquals(500, segments.get(1).error().length(), "long errors are cut to the column");
    }

    @Test
    void aNodeFindsTheSegmentsItLeftRecording() {
        long room = ROOMS.incrementAndGet();
        long mine = store.begin(3, room, 1, "WEBM_AUDIO_ONLY", T0, "node-" + room);
        store.begin(3, room + 1000, 1, "WEBM", T0, "other-" + room);
        assertEquals(List.of(mine), store.recordingOn("node-" + room).stream().map(Recording::id).toList());
        finish(mine, RecordingStatus.INTERRUPTED, T0.plusSeconds(1), null, "node restarted");
        assertTrue(store.recordingOn("node-" + room).isEmpty());
    }
}
