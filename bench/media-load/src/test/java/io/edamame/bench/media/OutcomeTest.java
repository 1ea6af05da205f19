package io.edamame.bench.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTest {

    private static final long MS = 1_000_000;

    /** Viewer i due at i ms, started {@code lag} ms late, handshake 1 ms, join answered in 2 ms, subscribe in {@code sub} ms. */
    private static Viewer viewer(int i, long lag, long sub) {
        Viewer v = new Viewer(i, i * MS, new Traffic());
        v.startNanos = v.dueNanos + lag * MS;
        v.openNanos = v.startNanos + MS;
        v.joinSentNanos = v.openNanos;
        v.joinAnswerNanos = v.joinSentNanos + 2 * MS;
        v.subscribeSentNanos = v.joinAnswerNanos;
        v.subscribeAnswerNanos = v.subscribeSentNanos + sub * MS;
        v.stage = Viewer.Stage.DONE;
        return v;
    }

    private static Viewer failed(int i, String failure) {
        Viewer v = new Viewer(i, i * MS, new Traffic());
        v.startNanos = v.dueNanos;
        v.failure = failure;
        v.stage = Viewer.Stage.DONE;
        return v;
    }

    @Test
    void latenciesCountSubscribedViewersOnlyAndFailuresAreCountedByStageAndCode() {
        Viewer[] viewers = new Viewer[100];
        for (int i = 0; i < 100; i++) {
            viewers[i] = i % 25 == 24 ? failed(i, i == 49 ? "join:closed 4404 ROOM_NOT_FOUND" : "subscribe:MEDIA_UNAVAILABLE")
                    : viewer(i, 0, 1 + i % 10);
        }
        Outcome o = Outcome.of(viewers);
        assertEquals(100, o.viewers());
        assertEquals(96, o.subscribed());
        assertEquals(4, o.failed());
        assertEquals(Map.of("subscribe:MEDIA_UNAVAILABLE", 3L, "join:closed 4404 ROOM_NOT_FOUND", 1L), o.failures());
        assertEquals("join:closed_4404_ROOM_NOT_FOUNDx1,subscribe:MEDIA_UNAVAILABLEx3", o.failureCodes());
        assertEquals(MS, o.connect().p99());
        assertEquals(2 * MS, o.join().p50());
        // Subscribe took 1..10 ms, evenly: join → answer is 2 ms more.
        assertEquals(10 * MS, o.subscribe().max());
        assertEquals(12 * MS, o.joinToAnswer().max());
        assertEquals(13 * MS, o.dueToAnswer().max(), "plus the handshake");
        assertEquals(0, o.maxStartLagNanos());
    }

    @Test
    void aLateStartCountsFromWhenTheViewerWasDue() {
        Viewer[] viewers = {viewer(0, 0, 5), viewer(1, 40, 5)};
        Outcome o = Outcome.of(viewers);
        assertEquals(40 * MS, o.maxStartLagNanos());
        assertEquals(7 * MS, o.joinToAnswer().max(), "the late start is not the platform's");
        assertEquals(48 * MS, o.dueToAnswer().max(), "but it is the viewer's");
    }

    @Test
    void joinsPerSecondRunFromTheFirstDueToTheLastAnswer() {
        Viewer[] viewers = new Viewer[1000];
        for (int i = 0; i < 1000; i++) {
            viewers[i] = viewer(i, 0, 0);
        }
        Outcome o = Outcome.of(viewers);
        // Due every 1 ms from 0, each answered 3 ms later: the last answer at 1002 ms.
        assertEquals(1.002, o.seconds(), 1e-9);
        assertEquals(1000 / 1.002, o.joinsPerSecond(), 1e-6);
        assertEquals(10, o.slices().size());
        Outcome.Slice first = o.slices().get(0);
        assertEquals(0, first.from());
        assertEquals(100, first.to());
        assertEquals(100, first.subscribed());
        // 99 intervals of 1 ms within the slice.
        assertEquals(1000, first.joinsPerSecond(), 1e-6);
        assertEquals(2 * MS, first.joinToAnswerP99());
        assertTrue(o.describeSlices().contains("viewers   901-1000"), o.describeSlices());
    }

    @Test
    void viewersNeverStartedDoNotCount() {
        Viewer[] viewers = {viewer(0, 0, 1), null, null};
        Outcome o = Outcome.of(viewers);
        assertEquals(1, o.viewers());
        assertEquals(1, o.subscribed());
        assertEquals("none", o.failureCodes());
    }
}
