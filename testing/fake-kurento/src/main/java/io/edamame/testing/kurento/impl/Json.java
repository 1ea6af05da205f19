package io.edamame.testing.kurento.impl;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson mapper (thread-safe once configured) and small helpers for Kurento's JSON shapes. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Kurento's module name for its own types, sent as {@code __module__} of complex values. */
  private static final String KURENTO_MODULE = "kurento";

  private Json() {
  }

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  /**
   * A value of a Kurento complex type (Tag, IceCandidate, ServerInfo...). kurento-client picks the Java class from
   * {@code __module__} and {@code __type__} and fails on a complex value without them.
   */
  static ObjectNode complex(String type) {
    ObjectNode node = object();
    node.put("__module__", KURENTO_MODULE);
    node.put("__type__", type);
    return node;
  }

  static JsonNode parse(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A tree of our own always serializes", e);
    }
  }

  static Map<String, Object> toMap(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    return MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() { });
  }

  /** The text of a string member, or null when it is absent or not a string. */
  static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }
}
