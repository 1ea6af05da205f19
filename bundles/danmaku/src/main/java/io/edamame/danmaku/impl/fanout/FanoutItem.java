package io.edamame.danmaku.impl.fanout;

import com.fasterxml.jackson.core.JsonGenerator;
import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuMode;
import java.io.IOException;
import java.util.Objects;

/**
 * One entry of the {@code items} array of a {@code batch} frame. Each kind writes its own JSON, so the
 * wire shape of the protocol is stated once, next to the fields it comes from.
 *
 * <p>{@link RoomEvent}s are what publishers hand to the engine (the endpoint, moderation, later the
 * Redis bus). {@link Likes} and {@link Online} are counters the engine itself makes once per tick out
 * of {@code like} calls and its viewer count: they are cumulative, so an older one may be replaced by
 * a newer one without losing anything.
 */
public sealed interface FanoutItem {

    /** The item's {@code type} in the protocol. */
    String type();

    /** Writes the item's fields other than {@code type}. */
    void writeFields(JsonGenerator json) throws IOException;

    /** Writes this item as one JSON object, {@code type} first. */
    default void writeTo(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("type", type());
        writeFields(json);
        json.writeEndObject();
    }

    /** What publishers send to a room; counters are the engine's own. */
    sealed interface RoomEvent extends FanoutItem {
    }

    /** The sender of a danmaku, as viewers see it. */
    record Sender(long id, String name) {
    }

    /**
     * An accepted danmaku.
     *
     * @param id the id the sender's {@code ack} carries and a {@link Retract} names
     * @param user the sender
     * @param text the text as the filter chain left it
     * @param color {@code #rrggbb}, or null for the client's default
     * @param mode how it is drawn
     * @param ts when the server received it, epoch milliseconds
     * @param offsetMs milliseconds since the room went live, for replay
     */
    record Danmaku(long id, Sender user, String text, String color, DanmakuMode mode, long ts, long offsetMs)
            implements RoomEvent {

        public Danmaku {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(mode, "mode");
        }

        /** The danmaku the filter chain accepted as {@code draft}, under {@code id}. */
        public static Danmaku accepted(long id, DanmakuDraft draft, long offsetMs) {
            return new Danmaku(id, new Sender(draft.userId(), draft.userName()), draft.text(), draft.color(),
                    draft.mode(), draft.sentAt().toEpochMilli(), offsetMs);
        }

        @Override
        public String type() {
            return "danmaku";
        }

        @Override
        public void writeFields(JsonGenerator json) throws IOException {
            json.writeNumberField("id", id);
            json.writeObjectFieldStart("user");
            json.writeNumberField("id", user.id());
            json.writeStringField("name", user.name());
            json.writeEndObject();
            json.writeStringField("text", text);
            json.writeStringField("color", color);
            json.writeStringField("mode", mode.wire());
            json.writeNumberField("ts", ts);
            json.writeNumberField("offsetMs", offsetMs);
        }
    }

    /**
     * A moderator took danmaku {@code id} back; clients remove it if they still show it.
     */
    record Retract(long id) implements RoomEvent {
        @Override
        public String type() {
            return "retract";
        }

        @Override
        public void writeFields(JsonGenerator json) throws IOException {
            json.writeNumberField("id", id);
        }
    }

    /**
     * The room's pinned notice changed.
     *
     * @param text the pinned text, or null when the pin is removed
     * @param ts when it changed, epoch milliseconds
     */
    record Pin(String text, long ts) implements RoomEvent {
        @Override
        public String type() {
            return "pin";
        }

        @Override
        public void writeFields(JsonGenerator json) throws IOException {
            json.writeStringField("text", text);
            json.writeNumberField("ts", ts);
        }
    }

    /** A one-off message to everyone in the room, e.g. "slow mode is on". */
    record Notice(String text) implements RoomEvent {
        public Notice {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String type() {
            return "notice";
        }

        @Override
        public void writeFields(JsonGenerator json) throws IOException {
            json.writeStringField("text", text);
        }
    }

    /**
     * The page of the room's slides that everyone sees now (slides with voice, from the media plugin).
     *
     * @param deckId the deck; its page images are at the slides REST API
     * @param page 1-based
     * @param pageCount the deck's pages
     * @param offsetMs milliseconds since the room went live, or null before the live
     */
    record Page(long deckId, int page, int pageCount, Long offsetMs) implements RoomEvent {
        @Override
        public String type() {
            return "page";
        }

        @Override
        public void writeFields(JsonGenerator json) throws IOException {
            json.writeNumberField("deckId", deckId);
            json.writeNumberField("page", page);
            json.writeNumberField("pageCount", pageCount);
            if (offsetMs == null) {
                json.writeNullField("offsetMs");
            } else {
                json.writeNumberField("offsetMs", offsetMs);
            }
        }
    }

    /**
     * Likes, aggregated: every like of a tick becomes one item.
     *
     * @param count the room's total as this engine knows it, so a client that missed items still
     *        shows the right number
     * @param delta likes since the previous likes item this viewer received, for the animation
     */
    record Likes(long count, long delta) implements FanoutItem {
        @Override
        public String type() {
            return "likes";
        }

        @Override
        public void writeFields(JsonGenerator json) throws IOException {
            json.writeNumberField("count", count);
            json.writeNumberField("delta", delta);
        }
    }

    /** How many viewers the room has. */
    record Online(int count) implements FanoutItem {
        @Override
        public String type() {
            return "online";
        }

        @Override
        public void writeFields(JsonGenerator json) throws IOException {
            json.writeNumberField("count", count);
        }
    }
}
