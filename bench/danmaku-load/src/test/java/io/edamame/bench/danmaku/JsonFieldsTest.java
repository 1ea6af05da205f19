package io.edamame.bench.danmaku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class JsonFieldsTest {

    @Test
    void readsTheFieldsOfAnAckAndAnError() {
        String ack = "{\"type\":\"ack\",\"clientId\":\"c17\",\"id\":1042}";
        assertEquals("ack", JsonFields.field(ack, "type"));
        assertEquals("c17", JsonFields.field(ack, "clientId"));
        assertEquals("1042", JsonFields.field(ack, "id"));
        String error = "{ \"type\" : \"error\", \"clientId\":\"c3\", \"code\":\"RATE_LIMITED\","
                + "\"message\":\"Sending \\\"too\\\" fast\\u0021\"}";
        assertEquals("error", JsonFields.field(error, "type"));
        assertEquals("RATE_LIMITED", JsonFields.field(error, "code"));
        assertEquals("Sending \"too\" fast!", JsonFields.field(error, "message"));
    }

    @Test
    void absentOrNullIsNull() {
        assertNull(JsonFields.field("{\"type\":\"ack\",\"clientId\":null}", "clientId"));
        assertNull(JsonFields.field("{\"type\":\"ack\"}", "id"));
    }

    @Test
    void aKeyMentionedInsideAValueIsSkipped() {
        assertEquals("x", JsonFields.field("{\"message\":\"\\\"code\\\" here\",\"code\":\"x\"}", "code"));
    }
}
