package io.edamame.testing.kurento.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One request being handled: where it came from, the session it runs in, and the events it raised, which go out
 * after its response as a real server's asynchronous events would.
 */
final class Call {

  final KmsInstance instance;
  final WebSocketConnection connection;
  private final List<Runnable> afterResponse;
  /** The session the request names, or the one its connection carries (KMS injects that one). May be null. */
  String sessionId;
  /** Set by a planned fault: the request gets no response at all. */
  boolean noResponse;

  Call(KmsInstance instance, WebSocketConnection connection) {
    this(instance, connection, new ArrayList<>());
  }

  private Call(KmsInstance instance, WebSocketConnection connection, List<Runnable> afterResponse) {
    this.instance = instance;
    this.connection = connection;
    this.afterResponse = afterResponse;
  }

  /** A request inside a transaction: its own session handling, the transaction's event queue. */
  Call nested() {
    return new Call(instance, connection, afterResponse);
  }

  /** KMS's getOrCreateSessionId: requests without a session get a fresh one, named in their response. */
  String sessionIdOrNew() {
    if (sessionId == null) {
      sessionId = UUID.randomUUID().toString();
    }
    return sessionId;
  }

  void afterResponse(Runnable action) {
    afterResponse.add(action);
  }

  void runAfterResponse() {
    for (Runnable action : afterResponse) {
      action.run();
    }
    afterResponse.clear();
  }
}
