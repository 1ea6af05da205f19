package io.edamame.danmaku.impl.fanout;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Serialises {@code batch} frames: {@code {"type":"batch","items":[...]}}. Items are streamed through
 * a generator of the engine's one {@link ObjectMapper} rather than data-bound, so a tick costs one
 * pass over its items and no reflection.
 */
final class Frames {

    /** About what one danmaku item takes, to size the buffer once. */
    private static final int BYTES_PER_ITEM = 160;

    private final ObjectMapper mapper;

    Frames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String batch(List<FanoutItem> items) {
        StringWriter out = new StringWriter(32 + BYTES_PER_ITEM * items.size());
        try (JsonGenerator json = mapper.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", "batch");
            json.writeArrayFieldStart("items");
            for (FanoutItem item : items) {
                item.writeTo(json);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            // A StringWriter does not fail; the generator declares it for other targets.
            throw new UncheckedIOException("Could not write a batch frame", e);
        }
        return out.toString();
    }
}
