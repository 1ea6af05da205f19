package io.edamame.danmaku.impl.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.danmaku.impl.store.DanmakuStore.SanctionKind;
import java.io.IOException;

/**
 * {@link BusMessage}s as JSON between nodes: {@code {"node":…,"kind":…,"tenant":…,"room":…, …}}.
 * JSON rather than Java serialisation, so that nodes of different versions can share a bus during a
 * rolling upgrade and nothing on the bus can make a node instantiate arbitrary classes.
 */
final class BusCodec {

    /** A message and the node that sent it. */
    record Envelope(String node, BusMessage message) {
    }

    private final ObjectMapper mapper;

    BusCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    byte[] encode(String node, BusMessage message) {
        ObjectNode json = mapper.createObjectNode();
        json.put("node", node);
        RoomKey room = message.room();
        if (room != null) {
            json.put("tenant", room.tenantId());
            json.put("room", room.roomId());
        }
        if (message instanceof BusMessage.Event e) {
            writeEvent(json, e.event());
        } else if (message instanceof BusMessage.Liked l) {
            json.put("kind", "liked").put("count", l.count());
        } else if (message instanceof BusMessage.Online o) {
            json.put("kind", "online").put("of", o.node()).put("count", o.count());
        } else if (message instanceof BusMessage.Sanctioned s) {
            json.put("kind", "sanctioned").put("user", s.userId()).put("sanction", s.kind().name());
            if (s.untilMs() != null) {
                json.put("until", s.untilMs());
            }
        } else if (message instanceof BusMessage.Lifted l) {
            json.put("kind", "lifted").put("user", l.userId()).put("sanction", l.kind().name());
        } else if (message instanceof BusMessage.SlowMode s) {
            json.put("kind", "slowMode").put("seconds", s.seconds());
        } else if (message instanceof BusMessage.Started s) {
            json.put("kind", "started").put("at", s.startedAtMs());
        } else if (message instanceof BusMessage.Ended e) {
            json.put("kind", "ended").put("deleted", e.deleted());
        } else if (message instanceof BusMessage.WordsChanged w) {
            json.put("kind", "words").put("tenant", w.tenantId());
        } else if (message instanceof BusMessage.TenantOff t) {
            json.put("kind", "tenantOff").put("tenant", t.tenantId()).put("reason", t.reason());
        }
        try {
            return mapper.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("encoding " + message, e);
        }
    }

    private static void writeEvent(ObjectNode json, FanoutItem.RoomEvent event) {
        if (event instanceof FanoutItem.Danmaku d) {
            json.put("kind", "danmaku").put("id", d.id()).put("user", d.user().id()).put("name", d.user().name())
                    .put("text", d.text()).put("color", d.color()).put("mode", d.mode().wire())
                    .put("ts", d.ts()).put("offsetMs", d.offsetMs());
        } else if (event instanceof FanoutItem.Retract r) {
            json.put("kind", "retract").put("id", r.id());
        } else if (event instanceof FanoutItem.Pin p) {
            json.put("kind", "pin").put("text", p.text()).put("ts", p.ts());
        } else if (event instanceof FanoutItem.Notice n) {
            json.put("kind", "notice").put("text", n.text());
        } else if (event instanceof FanoutItem.Page p) {
            json.put("kind", "page").put("deck", p.deckId()).put("page", p.page()).put("pages", p.pageCount())
                    .put("offsetMs", p.offsetMs());
        }
    }

    /** @throws IllegalArgumentException for anything that is not a message of this codec */
    Envelope decode(byte[] bytes) {
        JsonNode json;
        try {
            json = mapper.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        String node = required(json, "node").asText();
        String kind = required(json, "kind").asText();
        if (kind.equals("words")) {
            return new Envelope(node, new BusMessage.WordsChanged(required(json, "tenant").asLong()));
        }
        if (kind.equals("tenantOff")) {
            return new Envelope(node, new BusMessage.TenantOff(required(json, "tenant").asLong(),
                    required(json, "reason").asText()));
        }
        RoomKey room = new RoomKey(required(json, "tenant").asLong(), required(json, "room").asLong());
        BusMessage message = switch (kind) {
            case "danmaku" -> new BusMessage.Event(room, new FanoutItem.Danmaku(required(json, "id").asLong(),
                    new FanoutItem.Sender(required(json, "user").asLong(), textOrNull(json, "name")),
                    required(json, "text").asText(), textOrNull(json, "color"),
                    DanmakuMode.fromWire(required(json, "mode").asText()), required(json, "ts").asLong(),
                    required(json, "offsetMs").asLong()));
            case "retract" -> new BusMessage.Event(room, new FanoutItem.Retract(required(json, "id").asLong()));
            case "pin" -> new BusMessage.Event(room, new FanoutItem.Pin(textOrNull(json, "text"),
                    required(json, "ts").asLong()));
            case "notice" -> new BusMessage.Event(room, new FanoutItem.Notice(required(json, "text").asText()));
            case "page" -> new BusMessage.Event(room, new FanoutItem.Page(required(json, "deck").asLong(),
                    required(json, "page").asInt(), required(json, "pages").asInt(),
                    json.hasNonNull("offsetMs") ? json.get("offsetMs").asLong() : null));
            case "liked" -> new BusMessage.Liked(room, required(json, "count").asLong());
            case "online" -> new BusMessage.Online(room, required(json, "of").asText(), required(json, "count").asInt());
            case "sanctioned" -> new BusMessage.Sanctioned(room, required(json, "user").asLong(),
                    SanctionKind.valueOf(required(json, "sanction").asText()),
                    json.hasNonNull("until") ? json.get("until").asLong() : null);
            case "lifted" -> new BusMessage.Lifted(room, required(json, "user").asLong(),
                    SanctionKind.valueOf(required(json, "sanction").asText()));
            case "slowMode" -> new BusMessage.SlowMode(room, required(json, "seconds").asInt());
            case "started" -> new BusMessage.Started(room, required(json, "at").asLong());
            case "ended" -> new BusMessage.Ended(room, required(json, "deleted").asBoolean());
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        return new Envelope(node, message);
    }

    private static JsonNode required(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }

    private static String textOrNull(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
