package io.edamame.bench.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FakeStatsTest {

    @Test
    void requestsLeaveOutTheClientsKeepAlives() {
        FakeStats s = FakeStats.parse("""
                pid=4242
                connections=1
                requests=15
                failed=0
                live=5
                calls.create:WebRtcEndpoint=2
                calls.invoke:connect=4
                calls.invoke:processOffer=2
                calls.ping=3
                calls.subscribe=2
                calls.keepAlive=1
                calls.invoke:getPipelines=1
                live.WebRtcEndpoint=3
                """);
        assertEquals(4242, s.get("pid"));
        assertEquals(10, s.requests());
        assertEquals(Map.of("create:WebRtcEndpoint", 2L, "invoke:connect", 4L, "invoke:processOffer", 2L, "subscribe", 2L),
                s.calls());
        assertEquals("create:WebRtcEndpoint 2, invoke:connect 4, invoke:processOffer 2, subscribe 2",
                FakeStats.describe(s.calls()));
        assertEquals(3, s.get("live.WebRtcEndpoint"));
        assertEquals(0, s.get("live.Composite"));
    }

    @Test
    void labelsNameTheOperationOrTheType() {
        assertEquals("create:WebRtcEndpoint", FakeStats.label("create", "WebRtcEndpoint"));
        assertEquals("invoke:processOffer", FakeStats.label("invoke", "processOffer"));
        assertEquals("release", FakeStats.label("release", "release"));
    }

    @Test
    void somethingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FakeStats.parse("<html>Not Found</html>"));
        assertThrows(IllegalArgumentException.class, () -> FakeStats.parse("requests=many"));
        assertEquals("none", FakeStats.describe(Map.of()));
    }
}
