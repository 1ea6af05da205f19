package io.edamame.testing.kurento.impl;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.edamame.testing.kurento.KurentoError;

/**
 * The plain properties of the kmd files (kms-api-core, kms-api-elements 7.3.0) that the fake keeps as stored
 * values: {@code getFoo} answers the value set with {@code setFoo}, or KMS's documented default. A property with a
 * primitive type always has a default, because kurento-client cannot turn a null into an int.
 */
final class Properties {

  private record Property(JsonNode defaultValue, boolean writable) {
  }

  private static final Map<MediaObjectType, Map<String, Property>> BY_TYPE = new EnumMap<>(MediaObjectType.class);

  static {
    define(MediaObjectType.MEDIA_OBJECT, "sendTagsInEvents", bool(false), true);
    define(MediaObjectType.MEDIA_PIPELINE, "latencyStats", bool(false), true);
    define(MediaObjectType.MEDIA_ELEMENT, "encoderBitrate", number(300_000), true);
    define(MediaObjectType.MEDIA_ELEMENT, "minEncoderBitrate", number(0), true);
    define(MediaObjectType.MEDIA_ELEMENT, "maxEncoderBitrate", number(0), true);
    define(MediaObjectType.SDP_ENDPOINT, "maxAudioRecvBandwidth", number(0), true);
    define(MediaObjectType.SDP_ENDPOINT, "maxVideoRecvBandwidth", number(0), true);
    define(MediaObjectType.BASE_RTP_ENDPOINT, "minVideoRecvBandwidth", number(0), true);
    define(MediaObjectType.BASE_RTP_ENDPOINT, "minVideoSendBandwidth", number(100), true);
    define(MediaObjectType.BASE_RTP_ENDPOINT, "maxVideoSendBandwidth", number(500), true);
    define(MediaObjectType.BASE_RTP_ENDPOINT, "mtu", number(1200), true);
    define(MediaObjectType.BASE_RTP_ENDPOINT, "rembParams", NullNode.getInstance(), true);
    // No media ever flows, so the endpoint stays disconnected.
    define(MediaObjectType.BASE_RTP_ENDPOINT, "mediaState", new TextNode("DISCONNECTED"), false);
    define(MediaObjectType.BASE_RTP_ENDPOINT, "connectionState", new TextNode("DISCONNECTED"), false);
    define(MediaObjectType.WEB_RTC_ENDPOINT, "networkInterfaces", new TextNode(""), true);
    define(MediaObjectType.WEB_RTC_ENDPOINT, "iceTcp", bool(true), true);
    define(MediaObjectType.WEB_RTC_ENDPOINT, "stunServerAddress", new TextNode(""), true);
    define(MediaObjectType.WEB_RTC_ENDPOINT, "stunServerPort", number(0), true);
    define(MediaObjectType.WEB_RTC_ENDPOINT, "turnUrl", new TextNode(""), true);
    define(MediaObjectType.WEB_RTC_ENDPOINT, "externalIPv4", new TextNode(""), true);
    define(MediaObjectType.WEB_RTC_ENDPOINT, "externalIPv6", new TextNode(""), true);
  }

  private Properties() {
  }

  /** Answers {@code getX}/{@code setX} for a known property of the object's type, else {@code unhandled}. */
  static JsonNode access(FakeMediaObject object, String operation, JsonNode params, JsonNode unhandled) {
    boolean getter = operation.startsWith("get") && operation.length() > 3;
    boolean setter = operation.startsWith("set") && operation.length() > 3;
    if (!getter && !setter) {
      return unhandled;
    }
    String name = Character.toLowerCase(operation.charAt(3)) + operation.substring(4);
    Property property = find(object.type, name);
    if (property == null) {
      return unhandled;
    }
    if (getter) {
      JsonNode value = object.property(name);
      return value != null ? value : property.defaultValue();
    }
    if (!property.writable()) {
      return unhandled;
    }
    JsonNode value = params == null ? null : params.get(name);
    if (value == null) {
      throw KmsException.of(KurentoError.MARSHALL_ERROR, "'" + name + "' parameter is required");
    }
    object.property(name, value);
    return NullNode.getInstance();
  }

  private static Property find(MediaObjectType type, String name) {
    for (MediaObjectType candidate : MediaObjectType.values()) {
      if (type.isA(candidate)) {
        Map<String, Property> properties = BY_TYPE.get(candidate);
        if (properties != null && properties.containsKey(name)) {
          return properties.get(name);
        }
      }
    }
    return null;
  }

  private static void define(MediaObjectType type, String name, JsonNode defaultValue, boolean writable) {
    BY_TYPE.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(name, new Property(defaultValue, writable));
  }

  private static JsonNode bool(boolean value) {
    return Json.NODES.booleanNode(value);
  }

  private static JsonNode number(int value) {
    return Json.NODES.numberNode(value);
  }
}
