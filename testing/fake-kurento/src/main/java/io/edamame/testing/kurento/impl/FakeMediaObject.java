package io.edamame.testing.kurento.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edamame.testing.kurento.LiveObject;

/**
 * One media object of the fake server: identity and tree position, the sessions referencing it, its event
 * subscriptions, and the little state the faked operations need (SDP negotiation, recorder state, connections).
 * Mutable state is guarded by the object's monitor; the sets shared with other objects are concurrent.
 */
final class FakeMediaObject {

  /** A media connection from a source element to a sink, per media type, as {@code connect} makes them. */
  record Link(FakeMediaObject source, FakeMediaObject sink, String mediaType, String sourceDescription,
      String sinkDescription) {
  }

  final String id;
  final MediaObjectType type;
  /** The pipeline of an element (also of a HubPort); null for pipelines and the server manager. */
  final FakeMediaObject parent;
  /** The hub of a HubPort. */
  final FakeMediaObject hub;
  final ObjectNode constructorParams;
  final long creationTimeSeconds = System.currentTimeMillis() / 1000;

  final Set<FakeMediaObject> children = ConcurrentHashMap.newKeySet();
  final Set<String> sessionIds = ConcurrentHashMap.newKeySet();
  final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  /** Read without the monitor, so that code holding one object's monitor can ask about another. */
  private volatile boolean released;

  // Guarded by this.
  private final Map<String, String> tags = new LinkedHashMap<>();
  private final Map<String, JsonNode> properties = new HashMap<>();
  private final List<Link> sinkLinks = new ArrayList<>();
  private final List<Link> sourceLinks = new ArrayList<>();

  // SDP negotiation of SdpEndpoints. Guarded by this.
  String localSdp;
  String remoteSdp;
  boolean offerGenerated;
  boolean answerProcessed;
  boolean candidatesGathered;

  // UriEndpoint state (STOP, START, PAUSE) and whether a recording has begun since the last stop. Guarded by this.
  String uriState = "STOP";
  boolean recordingStarted;

  /** A subscription of one session to one event type of this object. */
  record Subscription(String id, String sessionId, String eventType) {
  }

  FakeMediaObject(String id, MediaObjectType type, FakeMediaObject parent, FakeMediaObject hub,
      ObjectNode constructorParams) {
    this.id = id;
    this.type = type;
    this.parent = parent;
    this.hub = hub;
    this.constructorParams = constructorParams;
  }

  boolean isReleased() {
    return released;
  }

  /** Marks the object released; false if it already was (so a cascade releases each object once). */
  synchronized boolean markReleased() {
    if (released) {
      return false;
    }
    released = true;
    return true;
  }

  /** Adds a child unless this object has been released meanwhile. */
  synchronized boolean adopt(FakeMediaObject child) {
    if (released) {
      return false;
    }
    children.add(child);
    return true;
  }

  synchronized void putTag(String key, String value) {
    tags.put(key, value);
  }

  synchronized String tag(String key) {
    return tags.get(key);
  }

  synchronized void removeTag(String key) {
    tags.remove(key);
  }

  synchronized Map<String, String> tags() {
    return new LinkedHashMap<>(tags);
  }

  synchronized JsonNode property(String name) {
    return properties.get(name);
  }

  synchronized void property(String name, JsonNode value) {
    properties.put(name, value);
  }

  synchronized void addSinkLink(Link link) {
    sinkLinks.removeIf(existing -> sameEnds(existing, link));
    sinkLinks.add(link);
  }

  synchronized void addSourceLink(Link link) {
    sourceLinks.removeIf(existing -> sameEnds(existing, link));
    sourceLinks.add(link);
  }

  synchronized List<Link> removeSinkLinks(Predicate<Link> which) {
    return removeWhere(sinkLinks, which);
  }

  synchronized List<Link> removeSourceLinks(Predicate<Link> which) {
    return removeWhere(sourceLinks, which);
  }

  synchronized List<Link> sinkLinks() {
    return List.copyOf(sinkLinks);
  }

  synchronized List<Link> sourceLinks() {
    return List.copyOf(sourceLinks);
  }

  String name() {
    JsonNode name = property("name");
    // KMS names an object after its id until someone sets a name.
    return name != null && name.isTextual() ? name.asText() : id;
  }

  boolean sendTagsInEvents() {
    JsonNode flag = property("sendTagsInEvents");
    return flag != null && flag.asBoolean();
  }

  FakeMediaObject pipeline() {
    return type == MediaObjectType.MEDIA_PIPELINE ? this : parent;
  }

  LiveObject snapshot() {
    return new LiveObject(id, type.remoteName(), parent != null ? parent.id : null, tags(), Set.copyOf(sessionIds));
  }

  private static boolean sameEnds(Link a, Link b) {
    return a.source() == b.source() && a.sink() == b.sink() && a.mediaType().equals(b.mediaType())
        && a.sourceDescription().equals(b.sourceDescription()) && a.sinkDescription().equals(b.sinkDescription());
  }

  private static List<Link> removeWhere(List<Link> links, Predicate<Link> which) {
    List<Link> removed = new ArrayList<>();
    links.removeIf(link -> {
      if (which.test(link)) {
        removed.add(link);
        return true;
      }
      return false;
    });
    return removed;
  }

  @Override
  public String toString() {
    return id;
  }
}
