package io.edamame.danmaku.impl.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.store.DanmakuStore.SanctionKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusCodecTest {

    private static final RoomKey ROOM = new RoomKey(3, 42);
    private final BusCodec codec = new BusCodec(new ObjectMapper());

    @Test
    void everyMessageSurvivesTheWireWithItsNode() {
        List<BusMessage> messages = List.of(
                new BusMessage.Event(ROOM, new FanoutItem.Danmaku(1042, new FanoutItem.Sender(7, "林"), "你好 \"x\"",
                        "#ff0000", DanmakuMode.BOTTOM, 1_795_293_393_669L, 125_034)),
                new BusMessage.Event(ROOM, new FanoutItem.Danmaku(1, new FanoutItem.Sender(7, null), "a", null,
                        DanmakuMode.SCROLL, 1, 0)),
                new BusMessage.Event(ROOM, new FanoutItem.Retract(1042)),
                new BusMessage.Event(ROOM, new FanoutItem.Pin("welcome", 5)),
                new BusMessage.Event(ROOM, new FanoutItem.Pin(null, 6)),
                new BusMessage.Event(ROOM, new FanoutItem.Notice("slow")),
                new BusMessage.Event(ROOM, new FanoutItem.Page(9, 2, 12, 61_500L)),
                new BusMessage.Event(ROOM, new FanoutItem.Page(9, 1, 12, null)),
                new BusMessage.Liked(ROOM, 12),
                new BusMessage.Online(ROOM, "node-b", 318),
                new BusMessage.Sanctioned(ROOM, 7, SanctionKind.MUTE, 99L),
                new BusMessage.Sanctioned(ROOM, 7, SanctionKind.BAN, null),
                new BusMessage.Lifted(ROOM, 7, SanctionKind.BAN),
                new BusMessage.SlowMode(ROOM, 30),
                new BusMessage.Started(ROOM, 1000),
                new BusMessage.Ended(ROOM, true),
                new BusMessage.WordsChanged(3),
                new BusMessage.TenantOff(3, "PLUGIN_DISABLED"));
        for (BusMessage message : messages) {
            assertEquals(new BusCodec.Envelope("node-a", message), codec.decode(codec.encode("node-a", message)),
                    message.toString());
        }
    }

    @Test
    void foreignOrBrokenMessagesAreRefused() {
        for (String bad : List.of("not json", "{}", "{\"node\":\"n\",\"kind\":\"nope\",\"tenant\":1,\"room\":2}",
                "{\"node\":\"n\",\"kind\":\"retract\",\"tenant\":1}")) {
            assertThrows(IllegalArgumentException.class, () -> codec.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }
}
