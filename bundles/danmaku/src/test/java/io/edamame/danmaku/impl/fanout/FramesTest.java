package io.edamame.danmaku.impl.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuMode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The wire shape of every item, parsed back as a client would. */
class FramesTest {

    private final Frames frames = new Frames(FakeChannel.JSON);

    private JsonNode only(FanoutItem item) {
        JsonNode frame = FakeChannel.parse(frames.batch(List.of(item)));
        assertEquals(Set.of("type", "items"), fieldNames(frame));
        assertEquals("batch", frame.get("type").asText());
        assertEquals(1, frame.get("items").size());
        return frame.get("items").get(0);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void danmaku() {
        JsonNode item = only(new FanoutItem.Danmaku(42, new FanoutItem.Sender(7, "Amy \"A\" 小明"), "好耶 <b>",
                "#ff0000", DanmakuMode.TOP, 1_700_000_000_123L, 65_000));

        assertEquals(Set.of("type", "id", "user", "text", "color", "mode", "ts", "offsetMs"), fieldNames(item));
        assertEquals("danmaku", item.get("type").asText());
        assertEquals(42, item.get("id").asLong());
        assertEquals(7, item.get("user").get("id").asLong());
        assertEquals("Amy \"A\" 小明", item.get("user").get("name").asText());
        assertEquals("好耶 <b>", item.get("text").asText());
        assertEquals("#ff0000", item.get("color").asText());
        assertEquals("top", item.get("mode").asText());
        assertEquals(1_700_000_000_123L, item.get("ts").asLong());
        assertEquals(65_000, item.get("offsetMs").asLong());
    }

    @Test
    void danmakuWithoutColorOrNameHasNulls() {
        JsonNode item = only(new FanoutItem.Danmaku(1, new FanoutItem.Sender(7, null), "x", null,
                DanmakuMode.BOTTOM, 0, 0));

        assertTrue(item.get("color").isNull());
        assertTrue(item.get("user").get("name").isNull());
        assertEquals("bottom", item.get("mode").asText());
    }

    @Test
    void danmakuFromAnAcceptedDraft() {
        DanmakuDraft draft = new DanmakuDraft(1, 10, 7, "amy", "hi", "#00ff00", DanmakuMode.SCROLL, "c1",
                Instant.ofEpochMilli(1_700_000_000_500L));

        assertEquals(new FanoutItem.Danmaku(42, new FanoutItem.Sender(7, "amy"), "hi", "#00ff00", DanmakuMode.SCROLL,
                1_700_000_000_500L, 3_000), FanoutItem.Danmaku.accepted(42, draft, 3_000));
    }

    @Test
    void likes() {
        JsonNode item = only(new FanoutItem.Likes(1_234, 56));

        assertEquals(Set.of("type", "count", "delta"), fieldNames(item));
        assertEquals("likes", item.get("type").asText());
        assertEquals(1_234, item.get("count").asLong());
        assertEquals(56, item.get("delta").asLong());
    }

    @Test
    void online() {
        JsonNode item = only(new FanoutItem.Online(10_000));

        assertEquals(Set.of("type", "count"), fieldNames(item));
        assertEquals("online", item.get("type").asText());
        assertEquals(10_000, item.get("count").asInt());
    }

    @Test
    void retract() {
        JsonNode item = only(new FanoutItem.Retract(42));

        assertEquals(Set.of("type", "id"), fieldNames(item));
        assertEquals("retract", item.get("type").asText());
        assertEquals(42, item.get("id").asLong());
    }

    @Test
    void pinAndUnpin() {
        JsonNode pin = only(new FanoutItem.Pin("Giveaway at 9", 1_700_000_000_000L));
        JsonNode unpin = only(new FanoutItem.Pin(null, 1_700_000_001_000L));

        assertEquals(Set.of("type", "text", "ts"), fieldNames(pin));
        assertEquals("pin", pin.get("type").asText());
        assertEquals("Giveaway at 9", pin.get("text").asText());
        assertEquals(1_700_000_000_000L, pin.get("ts").asLong());
        assertTrue(unpin.get("text").isNull());
    }

    @Test
    void notice() {
        JsonNode item = only(new FanoutItem.Notice("Slow mode: one danmaku every 10 s"));

        assertEquals(Set.of("type", "text"), fieldNames(item));
        assertEquals("notice", item.get("type").asText());
        assertEquals("Slow mode: one danmaku every 10 s", item.get("text").asText());
    }

    @Test
    void aBatchKeepsItsItemsInOrder() {
        String frame = frames.batch(List.of(new FanoutItem.Retract(1), new FanoutItem.Online(3),
                new FanoutItem.Notice("n")));

        assertEquals("{\"type\":\"batch\",\"items\":[{\"type\":\"retract\",\"id\":1},"
                + "{\"type\":\"online\",\"count\":3},{\"type\":\"notice\",\"text\":\"n\"}]}", frame);
    }
}
