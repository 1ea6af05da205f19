package io.edamame.testing.kurento.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edamame.testing.kurento.KurentoError;
import io.edamame.testing.kurento.LiveObject;

/**
 * One life of the fake media server process: its server id, media objects, client sessions and event
 * subscriptions. A crash throws the instance away; a restart begins a new one, which knows none of the old
 * sessions, exactly like a restarted KMS.
 *
 * <p>Sessions follow KMS's MediaSet: a session exists once it references an object (by creating, invoking,
 * subscribing or describing it); an object lives while a session references it or until it is released;
 * {@code closeSession} drops the session's references and so releases the objects nobody else uses.
 */
final class KmsInstance {

  static final String SERVER_MANAGER_ID = "manager_ServerManager";
  private static final String NEW_REF = "newref:";

  /** A client session: the objects it references and the subscriptions it made. */
  static final class ClientSession {
    final String id;
    final Set<String> objectIds = ConcurrentHashMap.newKeySet();
    final Map<String, FakeMediaObject> subscriptions = new ConcurrentHashMap<>();

    ClientSession(String id) {
      this.id = id;
    }
  }

  final String serverId = UUID.randomUUID().toString();
  final Options options;
  final ScheduledExecutorService scheduler;
  private final Statistics statistics;
  private final Map<String, FakeMediaObject> objects = new ConcurrentHashMap<>();
  private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
  /** Where each session's events go: the connection that last used it, as KMS's WebSocketTransport tracks it. */
  private final Map<String, WebSocketConnection> connectionsBySession = new ConcurrentHashMap<>();
  final FakeMediaObject serverManager;
  private volatile boolean dead;

  KmsInstance(Options options, Statistics statistics, ScheduledExecutorService scheduler) {
    this.options = options;
    this.statistics = statistics;
    this.scheduler = scheduler;
    this.serverManager = new FakeMediaObject(SERVER_MANAGER_ID, MediaObjectType.SERVER_MANAGER, null, null,
        Json.object());
    objects.put(SERVER_MANAGER_ID, serverManager);
  }

  /** After a crash: late tasks of this instance (delayed events) must do nothing. */
  void kill() {
    dead = true;
  }

  boolean isDead() {
    return dead;
  }

  // ---- objects

  FakeMediaObject find(String objectId) {
    if (objectId.startsWith(NEW_REF)) {
      throw KmsException.of(KurentoError.MEDIA_OBJECT_NOT_FOUND_TRANSACTION_NO_COMMIT, "Object '" + objectId
          + "' not found. Possibly using a transactional object without committing the transaction.");
    }
    FakeMediaObject object = objects.get(objectId);
    if (object == null || object.isReleased()) {
      throw KmsException.objectNotFound(objectId);
    }
    return object;
  }

  FakeMediaObject findOrNull(String objectId) {
    FakeMediaObject object = objects.get(objectId);
    return object == null || object.isReleased() ? null : object;
  }

  FakeMediaObject create(Call call, MediaObjectType type, ObjectNode constructorParams) {
    FakeMediaObject parent = null;
    FakeMediaObject hub = null;
    if (type == MediaObjectType.HUB_PORT) {
      hub = requireObject(constructorParams, "hub", MediaObjectType.HUB);
      parent = hub.pipeline();
    } else if (type != MediaObjectType.MEDIA_PIPELINE) {
      parent = requireObject(constructorParams, "mediaPipeline", MediaObjectType.MEDIA_PIPELINE);
    }
    if (type.isA(MediaObjectType.URI_ENDPOINT) && Json.text(constructorParams, "uri") == null) {
      throw KmsException.missingParam("uri");
    }
    String suffix = UUID.randomUUID() + "_" + type.qualifiedName();
    String id = parent == null ? suffix : parent.id + "/" + suffix;
    FakeMediaObject object = new FakeMediaObject(id, type, parent, hub, constructorParams);
    objects.put(id, object);
    if (parent != null && !parent.adopt(object)) {
      objects.remove(id);
      throw KmsException.objectNotFound(parent.id);
    }
    ref(call.sessionIdOrNew(), object);
    statistics.created(type);
    ObjectNode data = Json.object();
    data.put("object", id);
    emit(call, serverManager, "ObjectCreated", data);
    return object;
  }

  private FakeMediaObject requireObject(ObjectNode params, String name, MediaObjectType expected) {
    String objectId = Json.text(params, name);
    if (objectId == null) {
      throw KmsException.missingParam(name);
    }
    FakeMediaObject object = find(objectId);
    if (!object.type.isA(expected)) {
      throw KmsException.of(KurentoError.MARSHALL_ERROR,
          "'" + name + "' parameter should be a " + expected.remoteName() + ", got " + object.type.remoteName());
    }
    return object;
  }

  /** Explicit release: the object and everything under it go, whoever references them. */
  void release(Call call, FakeMediaObject object) {
    if (object == serverManager || !object.markReleased()) {
      return;
    }
    for (FakeMediaObject child : List.copyOf(object.children)) {
      release(call, child);
    }
    if (object.parent != null) {
      object.parent.children.remove(object);
    }
    objects.remove(object.id);
    for (FakeMediaObject.Link link : object.sinkLinks()) {
      link.sink().removeSourceLinks(l -> l.source() == object);
    }
    for (FakeMediaObject.Link link : object.sourceLinks()) {
      link.source().removeSinkLinks(l -> l.sink() == object);
    }
    for (String sessionId : object.sessionIds) {
      ClientSession session = sessions.get(sessionId);
      if (session != null) {
        session.objectIds.remove(object.id);
      }
    }
    for (FakeMediaObject.Subscription subscription : object.subscriptions) {
      ClientSession session = sessions.get(subscription.sessionId());
      if (session != null) {
        session.subscriptions.remove(subscription.id());
      }
    }
    object.subscriptions.clear();
    object.sessionIds.clear();
    statistics.released(object.type);
    ObjectNode data = Json.object();
    data.put("objectId", object.id);
    emit(call, serverManager, "ObjectDestroyed", data);
  }

  List<LiveObject> liveObjects() {
    List<LiveObject> live = new ArrayList<>();
    for (FakeMediaObject object : objects.values()) {
      if (object != serverManager && !object.isReleased()) {
        live.add(object.snapshot());
      }
    }
    return live;
  }

  List<FakeMediaObject> pipelines() {
    List<FakeMediaObject> pipelines = new ArrayList<>();
    for (FakeMediaObject object : objects.values()) {
      if (object.type == MediaObjectType.MEDIA_PIPELINE && !object.isReleased()) {
        pipelines.add(object);
      }
    }
    return pipelines;
  }

  // ---- sessions

  boolean isKnownSession(String sessionId) {
    return sessions.containsKey(sessionId);
  }

  List<String> sessionIds() {
    return List.copyOf(sessions.keySet());
  }

  /** MediaSet::ref: the session now references the object and, through it, its parent. */
  void ref(String sessionId, FakeMediaObject object) {
    ClientSession session = sessions.computeIfAbsent(sessionId, ClientSession::new);
    for (FakeMediaObject current = object; current != null; current = current.parent) {
      if (current.isReleased()) {
        return;
      }
      session.objectIds.add(current.id);
      current.sessionIds.add(sessionId);
    }
  }

  /** MediaSet::unref: drops one session's reference; an object nobody references any more is released. */
  void unref(Call call, String sessionId, FakeMediaObject object) {
    ClientSession session = sessions.get(sessionId);
    if (session == null || !session.objectIds.remove(object.id)) {
      return;
    }
    for (FakeMediaObject child : List.copyOf(object.children)) {
      unref(call, sessionId, child);
    }
    object.sessionIds.remove(sessionId);
    object.subscriptions.removeIf(subscription -> {
      if (subscription.sessionId().equals(sessionId)) {
        session.subscriptions.remove(subscription.id());
        return true;
      }
      return false;
    });
    if (object.sessionIds.isEmpty()) {
      release(call, object);
    }
  }

  /** {@code closeSession}: unref (or, with {@code release}, release) everything the session references. */
  void closeSession(Call call, String sessionId, boolean releaseObjects) {
    ClientSession session = sessions.get(sessionId);
    if (session == null) {
      return;
    }
    for (String objectId : List.copyOf(session.objectIds)) {
      FakeMediaObject object = objects.get(objectId);
      if (object == null) {
        continue;
      }
      if (releaseObjects) {
        release(call, object);
      } else {
        unref(call, sessionId, object);
      }
    }
    for (Map.Entry<String, FakeMediaObject> subscription : session.subscriptions.entrySet()) {
      subscription.getValue().subscriptions.removeIf(s -> s.id().equals(subscription.getKey()));
    }
    sessions.remove(sessionId);
    connectionsBySession.remove(sessionId);
  }

  /** Remembers which connection carries the session, so that its events reach the client's current socket. */
  void bind(String sessionId, WebSocketConnection connection) {
    WebSocketConnection previous = connectionsBySession.put(sessionId, connection);
    if (previous != connection) {
      String oldSession = connection.sessionId();
      if (oldSession != null && !oldSession.equals(sessionId)) {
        connectionsBySession.remove(oldSession, connection);
      }
      connection.sessionId(sessionId);
    }
  }

  void connectionClosed(WebSocketConnection connection) {
    String sessionId = connection.sessionId();
    if (sessionId != null) {
      connectionsBySession.remove(sessionId, connection);
    }
  }

  // ---- events

  String subscribe(String sessionId, FakeMediaObject object, String eventType) {
    if (!object.type.supportsEvent(eventType)) {
      throw KmsException.of(KurentoError.MEDIA_OBJECT_EVENT_NOT_SUPPORTED, "Event '" + eventType + "' not supported");
    }
    String subscriptionId = UUID.randomUUID().toString();
    object.subscriptions.add(new FakeMediaObject.Subscription(subscriptionId, sessionId, eventType));
    sessions.computeIfAbsent(sessionId, ClientSession::new).subscriptions.put(subscriptionId, object);
    return subscriptionId;
  }

  void unsubscribe(String sessionId, String subscriptionId) {
    ClientSession session = sessions.get(sessionId);
    FakeMediaObject object = session == null ? null : session.subscriptions.remove(subscriptionId);
    if (object != null) {
      object.subscriptions.removeIf(subscription -> subscription.id().equals(subscriptionId));
    }
  }

  /**
   * Raises an event on an object. Within a request it goes out after the response; {@code call} null sends now.
   * {@code data} holds the event's own fields; the common ones (source, type, tags, timestamps) are added here.
   */
  void emit(Call call, FakeMediaObject source, String eventType, ObjectNode data) {
    if (source.subscriptions.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    data.put("source", source.id);
    data.put("type", eventType);
    data.put("timestamp", Long.toString(now / 1000));
    data.put("timestampMillis", Long.toString(now));
    data.set("tags", source.sendTagsInEvents() ? tagsOf(source) : Json.array());
    Runnable delivery = () -> deliver(source, eventType, data);
    if (call != null) {
      call.afterResponse(delivery);
    } else {
      delivery.run();
    }
  }

  private void deliver(FakeMediaObject source, String eventType, ObjectNode data) {
    String notification = null;
    for (FakeMediaObject.Subscription subscription : source.subscriptions) {
      if (!subscription.eventType().equals(eventType)) {
        continue;
      }
      WebSocketConnection connection = connectionsBySession.get(subscription.sessionId());
      if (connection == null || !connection.isOpen()) {
        continue;
      }
      if (notification == null) {
        ObjectNode value = Json.object();
        value.set("data", data);
        value.put("object", source.id);
        value.put("type", eventType);
        ObjectNode params = Json.object();
        params.set("value", value);
        ObjectNode message = Json.object();
        message.put("jsonrpc", "2.0");
        message.put("method", "onEvent");
        message.set("params", params);
        notification = Json.write(message);
      }
      // KMS sends one notification per subscription, even two of the same session and type.
      connection.sendText(notification);
    }
  }

  static ArrayNode tagsOf(FakeMediaObject object) {
    ArrayNode tags = Json.array();
    for (Map.Entry<String, String> tag : object.tags().entrySet()) {
      ObjectNode node = Json.complex("Tag");
      node.put("key", tag.getKey());
      node.put("value", tag.getValue());
      tags.add(node);
    }
    return tags;
  }

  /** Replaces {@code newref:N} strings by the object created by operation N of the transaction. */
  static JsonNode injectRefs(JsonNode node, ArrayNode responses) {
    if (node == null) {
      return null;
    }
    if (node.isTextual() && node.asText().startsWith(NEW_REF)) {
      String ref = node.asText().substring(NEW_REF.length());
      int index;
      try {
        index = Integer.parseInt(ref);
      } catch (NumberFormatException e) {
        throw KmsException.of(KurentoError.MALFORMED_TRANSACTION, "Invalid index of newref '" + ref + "'");
      }
      JsonNode value = index >= 0 && index < responses.size() ? responses.get(index).path("result").get("value")
          : null;
      if (value == null) {
        throw KmsException.of(KurentoError.MALFORMED_TRANSACTION, "Result not found on request " + index);
      }
      return value;
    }
    if (node.isObject()) {
      ObjectNode copy = Json.object();
      node.fields().forEachRemaining(field -> copy.set(field.getKey(), injectRefs(field.getValue(), responses)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = Json.array();
      node.forEach(element -> copy.add(injectRefs(element, responses)));
      return copy;
    }
    return node;
  }
}
