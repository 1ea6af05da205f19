package io.edamame.bench.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistogramTest {

    private static final String BEFORE = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         10000        1000000  [B (java.base@17.0.15)
               2:          5000         120000  java.lang.String (java.base@17.0.15)
               3:           100           4000  org.kurento.client.internal.client.RemoteObject
               4:            50           2000  org.kurento.client.internal.client.RemoteObject
            Total         15150        1126000
            """;

    private static final String WITH = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         20000        3000000  [B (java.base@17.0.15)
               2:          6000         144000  java.lang.String (java.base@17.0.15)
               3:          1100          44000  org.kurento.client.internal.client.RemoteObject
               4:            50           2000  org.kurento.client.internal.client.RemoteObject
               5:          1000          64000  io.edamame.media.impl.room.Participant
            Total         28150        3254000
            """;

    @Test
    void readsTheTotalAndBytesPerClassAddingUpClassesOfSeveralLoaders() {
        Histogram h = Histogram.parse(BEFORE);
        assertEquals(1_126_000, h.totalBytes());
        assertEquals(1_000_000, h.bytesByClass().get("[B"));
        assertEquals(6000, h.bytesByClass().get("org.kurento.client.internal.client.RemoteObject"));
    }

    @Test
    void growthIsPerParticipantLargestFirst() {
        Histogram before = Histogram.parse(BEFORE);
        Histogram with = Histogram.parse(WITH);
        List<Histogram.Growth> growth = with.largestGrowth(before, 1000, 3);
        assertEquals(3, growth.size());
        assertEquals("[B", growth.get(0).className());
        assertEquals(2000.0, growth.get(0).bytesPerParticipant());
        assertEquals("io.edamame.media.impl.room.Participant", growth.get(1).className());
        assertEquals(64.0, growth.get(1).bytesPerParticipant());
        assertEquals(40.0, growth.get(2).bytesPerParticipant());
    }

    @Test
    void somethingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Histogram.parse("12345:\ncom.sun.tools.attach.AttachNotSupportedException"));
    }
}
