package io.edamame.testing.kurento.impl;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edamame.testing.kurento.KurentoError;

/**
 * Kurento's JSON-RPC 2.0 methods, as KMS's ServerMethods implements them: connect, ping, create, invoke, release,
 * subscribe, unsubscribe, describe, transaction, closeSession, keepAlive, ref and unref. Results carry the
 * session id, errors carry {@code data.type}, events go out as {@code onEvent} notifications.
 *
 * <p>Requests are handled on the connection's reader thread, in arrival order; with an artificial latency they
 * move to the scheduler, so that a slow "server" still reads promptly and answers many requests at once.
 */
final class KmsProtocol implements WebSocketConnection.Handler {

  private static final Logger log = LoggerFactory.getLogger(KmsProtocol.class);

  private final Supplier<KmsInstance> currentInstance;
  private final CallLog callLog;
  private final FaultPlan faults;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier latencyNanos;

  KmsProtocol(Supplier<KmsInstance> currentInstance, CallLog callLog, FaultPlan faults,
      ScheduledExecutorService scheduler, LongSupplier latencyNanos) {
    this.currentInstance = currentInstance;
    this.callLog = callLog;
    this.faults = faults;
    this.scheduler = scheduler;
    this.latencyNanos = latencyNanos;
  }

  @Override
  public void onText(WebSocketConnection connection, String message) {
    // A connection belongs to the server instance that was running when it spoke first; after a crash its
    // requests must not reach the new instance.
    KmsInstance instance = connection.attachment(currentInstance.get());
    long latency = latencyNanos.getAsLong();
    if (latency > 0) {
      try {
        scheduler.schedule(() -> handle(instance, connection, message), latency, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // the fake is closing; a closing server answers nothing more
      }
    } else {
      handle(instance, connection, message);
    }
  }

  @Override
  public void onClosed(WebSocketConnection connection, int code) {
    Object instance = connection.attachment();
    if (instance instanceof KmsInstance kms) {
      kms.connectionClosed(connection);
    }
  }

  private void handle(KmsInstance instance, WebSocketConnection connection, String message) {
    JsonNode request;
    try {
      request = Json.parse(message);
    } catch (JsonProcessingException e) {
      connection.sendText(errorResponse(NullNode.getInstance(), KmsException.protocol(
          KmsException.JSON_RPC_PARSE_ERROR, "PARSE_ERROR", "Parse error.")));
      return;
    }
    if (!request.isObject() || !request.path("method").isTextual()) {
      if (request.has("result") || request.has("error")) {
        return; // a response to a request we never send
      }
      connection.sendText(errorResponse(request.path("id"), KmsException.protocol(
          KmsException.JSON_RPC_INVALID_REQUEST, "INVALID_REQUEST", "Invalid request.")));
      return;
    }
    JsonNode id = request.get("id");
    Call call = new Call(instance, connection);
    String response;
    try {
      ObjectNode result = handle(call, request.get("method").asText(), request.get("params"));
      // As KMS's WebSocketTransport: the session a successful response names is now carried by this connection
      // (its events come here, and requests naming no session run in it). Errors bind nothing.
      String session = Json.text(result, "sessionId");
      if (session != null && !instance.isDead()) {
        instance.bind(session, connection);
      }
      response = resultResponse(id, result);
    } catch (KmsException e) {
      response = errorResponse(id, e);
    }
    if (id != null && !id.isNull() && response != null && !call.noResponse) {
      connection.sendText(response);
    }
    call.runAfterResponse();
  }

  /** Handles one request (or one operation of a transaction); records it in the call log. */
  ObjectNode handle(Call call, String method, JsonNode params) {
    JsonNode paramsOrEmpty = params == null || params.isNull() ? null : params;
    String requestedSession = Json.text(paramsOrEmpty, "sessionId");
    // KMS injects the connection's session into requests that name none.
    call.sessionId = requestedSession != null ? requestedSession : call.connection.sessionId();
    String objectId = Json.text(paramsOrEmpty, "object");
    String operation = method.equals("invoke") ? Json.text(paramsOrEmpty, "operation")
        : method.equals("create") ? Json.text(paramsOrEmpty, "type") : method;
    JsonNode loggedParams = method.equals("invoke") ? path(paramsOrEmpty, "operationParams")
        : method.equals("create") ? path(paramsOrEmpty, "constructorParams") : paramsOrEmpty;
    try {
      FaultPlan.Fault fault = faults.take(operation, method, method.equals("create") ? "create:" + operation : null);
      if (fault != null) {
        if (fault.code() == null) {
          call.noResponse = true;
        } else {
          throw KmsException.ofCode(fault.code(), fault.message());
        }
      }
      ObjectNode result = dispatch(call, method, paramsOrEmpty);
      if (method.equals("create")) {
        objectId = Json.text(result, "value");
      }
      callLog.record(call.sessionId, method, objectId, operation, loggedParams, null);
      return result;
    } catch (KmsException e) {
      callLog.record(call.sessionId, method, objectId, operation, loggedParams, e.code());
      throw e;
    } catch (RuntimeException e) {
      log.warn("Fake KMS: {} failed unexpectedly", method, e);
      callLog.record(call.sessionId, method, objectId, operation, loggedParams, KurentoError.UNEXPECTED_ERROR.code());
      throw KmsException.of(KurentoError.UNEXPECTED_ERROR, "Unexpected error: " + e);
    }
  }

  private ObjectNode dispatch(Call call, String method, JsonNode params) {
    KmsInstance instance = call.instance;
    switch (method) {
      case "connect": {
        String sessionId = call.sessionId;
        if (sessionId == null) {
          sessionId = call.sessionIdOrNew();
        } else if (!instance.isKnownSession(sessionId)) {
          // What kurento-client's reconnect protocol waits for: this server does not know the old session.
          throw KmsException.of(KurentoError.INVALID_SESSION, "Invalid session");
        }
        ObjectNode result = withSession(call.sessionId);
        result.put("serverId", instance.serverId);
        return result;
      }
      case "ping": {
        ObjectNode result = Json.object();
        if (call.sessionId != null) {
          result.put("sessionId", call.sessionId);
        }
        result.put("value", "pong");
        return result;
      }
      case "keepAlive": {
        String sessionId = requireSession(call);
        if (!instance.isKnownSession(sessionId)) {
          throw KmsException.of(KurentoError.INVALID_SESSION, "Invalid session");
        }
        return withSession(sessionId);
      }
      case "create": {
        String typeName = requireString(params, "type");
        MediaObjectType type = MediaObjectType.creatable(typeName);
        if (type == null) {
          throw KmsException.of(KurentoError.MEDIA_OBJECT_TYPE_NOT_FOUND, "Factory '" + typeName + "' not found");
        }
        JsonNode constructorParams = path(params, "constructorParams");
        FakeMediaObject created = instance.create(call, type,
            constructorParams != null && constructorParams.isObject() ? (ObjectNode) constructorParams.deepCopy()
                : Json.object());
        ObjectNode result = withSession(call.sessionIdOrNew());
        result.put("value", created.id);
        return result;
      }
      case "invoke": {
        FakeMediaObject object = instance.find(requireString(params, "object"));
        String operation = requireString(params, "operation");
        instance.ref(call.sessionIdOrNew(), object);
        JsonNode value = MediaObjectOperations.invoke(call, object, operation, path(params, "operationParams"));
        ObjectNode result = withSession(call.sessionId);
        result.set("value", value);
        return result;
      }
      case "release": {
        String objectId = requireString(params, "object");
        FakeMediaObject object = instance.findOrNull(objectId);
        if (object != null) {
          instance.release(call, object);
        } else if (instance.options.strictRelease()) {
          throw KmsException.objectNotFound(objectId);
        }
        // else: KMS's MediaSet::release ignores objects it no longer has.
        return withSession(call.sessionIdOrNew());
      }
      case "subscribe": {
        String eventType = requireString(params, "type");
        FakeMediaObject object = instance.find(requireString(params, "object"));
        instance.ref(call.sessionIdOrNew(), object);
        String subscription = instance.subscribe(call.sessionId, object, eventType);
        ObjectNode result = withSession(call.sessionId);
        result.put("value", subscription);
        return result;
      }
      case "unsubscribe": {
        requireString(params, "object");
        String subscription = requireString(params, "subscription");
        instance.unsubscribe(requireSession(call), subscription);
        return withSession(call.sessionId);
      }
      case "describe": {
        FakeMediaObject object = instance.find(requireString(params, "object"));
        instance.ref(call.sessionIdOrNew(), object);
        ObjectNode result = withSession(call.sessionId);
        result.put("type", object.type.remoteName());
        result.put("qualifiedType", object.type.qualifiedName());
        ArrayNode hierarchy = result.putArray("hierarchy");
        object.type.hierarchy().forEach(hierarchy::add);
        return result;
      }
      case "ref": {
        FakeMediaObject object = instance.find(requireString(params, "object"));
        instance.ref(requireSession(call), object);
        return withSession(call.sessionId);
      }
      case "unref": {
        FakeMediaObject object = instance.findOrNull(requireString(params, "object"));
        if (object != null) {
          instance.unref(call, requireSession(call), object);
        }
        return withSession(requireSession(call));
      }
      case "transaction":
        return transaction(call, params);
      case "closeSession": {
        if (params == null) {
          throw KmsException.protocol(KmsException.JSON_RPC_INVALID_PARAMS, "INVALID_PARAMS", "'params' is required");
        }
        String sessionId = requireSession(call);
        instance.closeSession(call, sessionId, params.path("release").asBoolean(false));
        // KMS answers closeSession without a session id; the client does not read the result.
        call.sessionId = null;
        return Json.object();
      }
      default:
        throw KmsException.protocol(KmsException.JSON_RPC_METHOD_NOT_FOUND, "METHOD_NOT_FOUND",
            "Method not found: " + method);
    }
  }

  /**
   * Runs the operations in order, each with the transaction's session and with {@code newref:N} replaced by the
   * object operation N created; stops at the first error. The result lists one JSON-RPC response per operation run.
   */
  private ObjectNode transaction(Call call, JsonNode params) {
    JsonNode operations = path(params, "operations");
    if (operations == null || !operations.isArray()) {
      throw KmsException.protocol(KmsException.JSON_RPC_INVALID_PARAMS, "INVALID_PARAMS",
          "'operations' parameter should be an array");
    }
    String sessionId = call.sessionIdOrNew();
    ArrayNode responses = Json.array();
    for (int i = 0; i < operations.size(); i++) {
      JsonNode operation = operations.get(i);
      JsonNode operationId = operation.get("id");
      if (operationId == null || !operationId.canConvertToInt() || operationId.asInt() != i) {
        throw KmsException.of(KurentoError.MALFORMED_TRANSACTION, "Id of request '" + i + "' should be '" + i + "'");
      }
      JsonNode operationParams = operation.get("params");
      ObjectNode nestedParams = operationParams != null && operationParams.isObject()
          ? (ObjectNode) KmsInstance.injectRefs(operationParams, responses) : Json.object();
      nestedParams.put("sessionId", sessionId);
      Call nested = call.nested();
      boolean failed = false;
      try {
        responses.add(resultNode(Json.NODES.numberNode(i), handle(nested, operation.path("method").asText(),
            nestedParams)));
      } catch (KmsException e) {
        responses.add(errorNode(Json.NODES.numberNode(i), e));
        failed = true;
      }
      if (failed) {
        break;
      }
    }
    ObjectNode result = withSession(sessionId);
    result.set("value", responses);
    return result;
  }

  // ---- message shapes

  private static String resultResponse(JsonNode id, ObjectNode result) {
    return Json.write(resultNode(id, result));
  }

  private static String errorResponse(JsonNode id, KmsException error) {
    return Json.write(errorNode(id, error));
  }

  private static ObjectNode resultNode(JsonNode id, ObjectNode result) {
    ObjectNode response = Json.object();
    response.put("jsonrpc", "2.0");
    response.set("id", id == null ? NullNode.getInstance() : id);
    response.set("result", result);
    return response;
  }

  private static ObjectNode errorNode(JsonNode id, KmsException error) {
    ObjectNode data = Json.object();
    data.put("type", error.type());
    ObjectNode body = Json.object();
    body.put("code", error.code());
    body.put("message", error.getMessage());
    body.set("data", data);
    ObjectNode response = Json.object();
    response.put("jsonrpc", "2.0");
    response.set("id", id == null || id.isMissingNode() ? NullNode.getInstance() : id);
    response.set("error", body);
    return response;
  }

  private static ObjectNode withSession(String sessionId) {
    ObjectNode result = Json.object();
    if (sessionId != null) {
      result.put("sessionId", sessionId);
    }
    return result;
  }

  private static JsonNode path(JsonNode params, String name) {
    return params == null ? null : params.get(name);
  }

  private static String requireString(JsonNode params, String name) {
    String value = Json.text(params, name);
    if (value == null) {
      throw KmsException.protocol(KmsException.JSON_RPC_INVALID_PARAMS, "INVALID_PARAMS",
          "'" + name + "' parameter should be a string");
    }
    return value;
  }

  private static String requireSession(Call call) {
    if (call.sessionId == null) {
      throw KmsException.protocol(KmsException.JSON_RPC_INVALID_PARAMS, "INVALID_PARAMS",
          "'sessionId' parameter should be a string");
    }
    return call.sessionId;
  }
}
