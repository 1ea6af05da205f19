package io.edamame.core.impl.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping of the REST API: ISO-8601 instants, and unknown fields refused. */
public final class Json {

    private Json() {
    }

    public static ObjectMapper mapper() {
        // The JAX-RS provider flushes after each entity; passed on, that flush commits the response
        // before its length is known and sends the body chunked, in two writes instead of one.
        JsonFactory factory = JsonFactory.builder().disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM).build();
        return new ObjectMapper(factory)
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
