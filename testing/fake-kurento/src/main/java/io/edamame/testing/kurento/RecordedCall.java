package io.edamame.testing.kurento;

import java.util.Map;

/**
 * One JSON-RPC request as the fake received and answered it.
 *
 * @param sequence increasing number, in the order requests were answered
 * @param sessionId the client session the request was made in ({@code null} before the client has one)
 * @param method the JSON-RPC method: {@code create}, {@code invoke}, {@code release}, {@code subscribe}, ...
 * @param objectId the object the call was about; for {@code create}, the object created
 * @param operation for {@code invoke} the operation ({@code processOffer}, {@code addIceCandidate}, ...); for
 *     {@code create} the type created; otherwise the method again
 * @param params the operation's parameters ({@code operationParams}, {@code constructorParams} or the request's
 *     params), as plain Java maps, lists, strings, numbers and booleans
 * @param errorCode the error answered, or {@code null} for a result
 */
public record RecordedCall(long sequence, String sessionId, String method, String objectId, String operation,
    Map<String, Object> params, Integer errorCode) {

  public boolean failed() {
    return errorCode != null;
  }
}
