package io.edamame.testing.kurento.impl;

import io.edamame.testing.kurento.KurentoError;

/**
 * An error answered to a request, in KMS's shape: JSON-RPC {@code code} and {@code message}, {@code data.type}.
 * Kurento errors carry their constant's name as the type; JSON-RPC protocol errors carry the JSON-RPC one.
 */
final class KmsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  static final int JSON_RPC_PARSE_ERROR = -32700;
  static final int JSON_RPC_INVALID_REQUEST = -32600;
  static final int JSON_RPC_METHOD_NOT_FOUND = -32601;
  static final int JSON_RPC_INVALID_PARAMS = -32602;

  private final int code;
  private final String type;

  private KmsException(int code, String type, String message) {
    super(message, null, false, false);
    this.code = code;
    this.type = type;
  }

  static KmsException of(KurentoError error, String message) {
    return new KmsException(error.code(), error.name(), message);
  }

  /** A code given by a test (fault injection): typed when KMS defines it. */
  static KmsException ofCode(int code, String message) {
    KurentoError known = KurentoError.ofCode(code);
    return new KmsException(code, known != null ? known.name() : "UNDEFINED", message);
  }

  static KmsException protocol(int code, String type, String message) {
    return new KmsException(code, type, message);
  }

  static KmsException objectNotFound(String objectId) {
    return of(KurentoError.MEDIA_OBJECT_NOT_FOUND, "Object '" + objectId + "' not found");
  }

  static KmsException missingParam(String name) {
    return of(KurentoError.MARSHALL_ERROR, "'" + name + "' parameter is required");
  }

  int code() {
    return code;
  }

  String type() {
    return type;
  }
}
