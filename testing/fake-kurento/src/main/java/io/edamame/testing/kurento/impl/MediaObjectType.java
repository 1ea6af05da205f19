package io.edamame.testing.kurento.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The remote classes of kms-api-core and kms-api-elements that the fake knows, with their place in the class
 * hierarchy and the events each declares. The hierarchy answers {@code describe} and decides which operations and
 * events an object supports, as the generated KMS code does.
 */
enum MediaObjectType {
  MEDIA_OBJECT("MediaObject", null, false, "Error"),
  SERVER_MANAGER("ServerManager", MEDIA_OBJECT, false, "ObjectCreated", "ObjectDestroyed"),
  MEDIA_PIPELINE("MediaPipeline", MEDIA_OBJECT, true),
  MEDIA_ELEMENT("MediaElement", MEDIA_OBJECT, false, "ElementConnected", "ElementDisconnected",
      "MediaFlowInStateChanged", "MediaFlowOutStateChanged", "MediaTranscodingStateChanged"),
  ENDPOINT("Endpoint", MEDIA_ELEMENT, false),
  SESSION_ENDPOINT("SessionEndpoint", ENDPOINT, false, "MediaSessionStarted", "MediaSessionTerminated"),
  SDP_ENDPOINT("SdpEndpoint", SESSION_ENDPOINT, false),
  BASE_RTP_ENDPOINT("BaseRtpEndpoint", SDP_ENDPOINT, false, "ConnectionStateChanged", "MediaStateChanged"),
  WEB_RTC_ENDPOINT("WebRtcEndpoint", BASE_RTP_ENDPOINT, true, "DataChannelClosed", "DataChannelOpened",
      "DtlsConnectionStateChange", "IceCandidateFound", "IceComponentStateChanged", "IceGatheringDone",
      "NewCandidatePairSelected"),
  RTP_ENDPOINT("RtpEndpoint", BASE_RTP_ENDPOINT, true),
  URI_ENDPOINT("UriEndpoint", ENDPOINT, false, "UriEndpointStateChanged"),
  RECORDER_ENDPOINT("RecorderEndpoint", URI_ENDPOINT, true, "Paused", "Recording", "Stopped"),
  PLAYER_ENDPOINT("PlayerEndpoint", URI_ENDPOINT, true, "EndOfStream"),
  PASS_THROUGH("PassThrough", MEDIA_ELEMENT, true),
  HUB_PORT("HubPort", MEDIA_ELEMENT, true),
  HUB("Hub", MEDIA_OBJECT, false),
  COMPOSITE("Composite", HUB, true),
  DISPATCHER("Dispatcher", HUB, true),
  DISPATCHER_ONE_TO_MANY("DispatcherOneToMany", HUB, true);

  private final String remoteName;
  private final MediaObjectType superType;
  private final boolean creatable;
  private final Set<String> events;

  MediaObjectType(String remoteName, MediaObjectType superType, boolean creatable, String... events) {
    this.remoteName = remoteName;
    this.superType = superType;
    this.creatable = creatable;
    this.events = Set.of(events);
  }

  /** The class name on the wire, e.g. {@code WebRtcEndpoint}. */
  String remoteName() {
    return remoteName;
  }

  /** As KMS qualifies it: {@code kurento.WebRtcEndpoint}. */
  String qualifiedName() {
    return "kurento." + remoteName;
  }

  boolean isA(MediaObjectType other) {
    for (MediaObjectType type = this; type != null; type = type.superType) {
      if (type == other) {
        return true;
      }
    }
    return false;
  }

  boolean isElement() {
    return isA(MEDIA_ELEMENT);
  }

  /** The qualified names of the super classes, nearest first, as {@code describe} lists them. */
  List<String> hierarchy() {
    List<String> names = new ArrayList<>();
    for (MediaObjectType type = superType; type != null; type = type.superType) {
      names.add(type.qualifiedName());
    }
    return names;
  }

  boolean supportsEvent(String event) {
    for (MediaObjectType type = this; type != null; type = type.superType) {
      if (type.events.contains(event)) {
        return true;
      }
    }
    return false;
  }

  /** The type a {@code create} names, if the fake can create it. */
  static MediaObjectType creatable(String remoteName) {
    for (MediaObjectType type : values()) {
      if (type.creatable && type.remoteName.equals(remoteName)) {
        return type;
      }
    }
    return null;
  }

  static MediaObjectType byRemoteName(String remoteName) {
    for (MediaObjectType type : values()) {
      if (type.remoteName.equals(remoteName)) {
        return type;
      }
    }
    return null;
  }
}
