package io.edamame.bench.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void aNotificationIsReadUpToItsMethod() {
        Frame f = Frame.parse("{\"jsonrpc\":\"2.0\",\"method\":\"participantJoined\",\"params\":{\"participantId\":\"x\","
                + "\"id\":7}}");
        assertEquals(Frame.Kind.NOTIFICATION, f.kind());
        assertEquals("participantJoined", f.method());
        assertEquals(-1, f.id());
        assertTrue(!f.isAnswer());
    }

    @Test
    void aJoinAnswerGivesItsIdAndParticipantWhateverTheRoomsSize() {
        StringBuilder others = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            others.append(i == 0 ? "" : ",").append("{\"participantId\":\"p").append(i)
                    .append("\",\"userId\":null,\"name\":null,\"role\":\"AUDIENCE\",\"publishing\":false,\"muted\":false}");
        }
        String json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"participantId\":\"me\",\"userId\":null,\"role\":\"AUDIENCE\","
                + "\"roomType\":\"VIDEO_INTERACTIVE\",\"roomStatus\":\"LIVE\",\"participants\":[" + others
                + "],\"maxSpeakers\":4,\"slides\":{\"publisherId\":\"not this one\"}}}";
        Frame f = Frame.parse(json);
        assertEquals(Frame.Kind.RESULT, f.kind());
        assertEquals(1, f.id());
        assertEquals("me", f.participantId());
        assertNull(f.publisherId(), "only top-level result fields count");
    }

    @Test
    void aSubscribeAnswerGivesItsSdp() {
        Frame f = Frame.parse("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"publisherId\":\"host\","
                + "\"sdpAnswer\":\"v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\n\"}}");
        assertEquals(Frame.Kind.RESULT, f.kind());
        assertEquals(2, f.id());
        assertEquals("host", f.publisherId());
        assertEquals("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n", f.sdpAnswer());
    }

    @Test
    void anErrorGivesItsStableName() {
        Frame f = Frame.parse("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":5003,\"message\":\"No media server\","
                + "\"data\":{\"errorCode\":\"MEDIA_UNAVAILABLE\"}}}");
        assertEquals(Frame.Kind.ERROR, f.kind());
        assertEquals(2, f.id());
        assertEquals("MEDIA_UNAVAILABLE", f.errorCode());
        assertEquals(5003, f.rpcCode());
        assertTrue(f.isAnswer());
    }

    @Test
    void anErrorWithoutANameIsNamedByItsCode() {
        Frame f = Frame.parse("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Not JSON\"}}");
        assertEquals(Frame.Kind.ERROR, f.kind());
        assertEquals(-1, f.id());
        assertEquals("RPC_-32700", f.errorCode());
    }

    @Test
    void fieldOrderDoesNotMatter() {
        Frame f = Frame.parse("{\"result\":{\"sdpAnswer\":\"v=0\"},\"id\":9,\"jsonrpc\":\"2.0\"}");
        assertEquals(Frame.Kind.RESULT, f.kind());
        assertEquals(9, f.id());
    }

    @Test
    void whatIsNotJsonRpcIsUnreadable() {
        assertEquals(Frame.Kind.UNREADABLE, Frame.parse("not json").kind());
        assertEquals(Frame.Kind.UNREADABLE, Frame.parse("[1,2]").kind());
        assertEquals(Frame.Kind.UNREADABLE, Frame.parse("{\"jsonrpc\":\"2.0\"}").kind());
        assertEquals(Frame.Kind.UNREADABLE, Frame.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{").kind());
    }

    @Test
    void readsASliceOfABuffer() {
        byte[] bytes = ("xx{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}yy").getBytes(StandardCharsets.UTF_8);
        Frame f = Frame.parse(bytes, 2, bytes.length - 4);
        assertEquals(Frame.Kind.RESULT, f.kind());
        assertEquals(3, f.id());
    }
}
