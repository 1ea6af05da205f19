package io.edamame.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoomStatusTest {

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "SCHEDULED, SCHEDULED, false",
            "SCHEDULED, LIVE,      true",
            "SCHEDULED, ENDED,     false",
            "LIVE,      SCHEDULED, false",
            "LIVE,      LIVE,      false",
            "LIVE,      ENDED,     true",
            "ENDED,     SCHEDULED, false",
            "ENDED,     LIVE,      false",
            "ENDED,     ENDED,     false"})
    void onlyScheduledToLiveToEnded(RoomStatus from, RoomStatus to, boolean allowed) {
        assertEquals(allowed, from.canMoveTo(to));
    }
}
