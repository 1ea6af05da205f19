package io.edamame.testing.kurento;

/**
 * The error codes Kurento Media Server answers with (kms-core's {@code KurentoException.hpp}). The fake sends them
 * as the JSON-RPC error {@code code}, with the constant's name as {@code data.type}, as KMS does; kurento-client
 * surfaces them as {@code KurentoServerException.getCode()}.
 */
public enum KurentoError {
  MARSHALL_ERROR(40001),
  UNEXPECTED_ERROR(40003),
  CONNECT_ERROR(40004),
  UNSUPPORTED_MEDIA_TYPE(40005),
  NOT_IMPLEMENTED(40006),
  /** A {@code connect} naming a session this server does not know: the client then opens a new session. */
  INVALID_SESSION(40007),
  MALFORMED_TRANSACTION(40008),
  NOT_ENOUGH_RESOURCES(40009),
  MEDIA_OBJECT_TYPE_NOT_FOUND(40100),
  MEDIA_OBJECT_NOT_FOUND(40101),
  MEDIA_OBJECT_CONSTRUCTOR_NOT_FOUND(40104),
  MEDIA_OBJECT_METHOD_NOT_FOUND(40105),
  MEDIA_OBJECT_EVENT_NOT_SUPPORTED(40106),
  MEDIA_OBJECT_ILLEGAL_PARAM_ERROR(40107),
  MEDIA_OBJECT_NOT_AVAILABLE(40108),
  MEDIA_OBJECT_NOT_FOUND_TRANSACTION_NO_COMMIT(40109),
  MEDIA_OBJECT_TAG_KEY_NOT_FOUND(40110),
  MEDIA_OBJECT_OPERATION_NOT_SUPPORTED(40111),
  SDP_CREATE_ERROR(40200),
  SDP_PARSE_ERROR(40201),
  SDP_END_POINT_NO_LOCAL_SDP_ERROR(40202),
  SDP_END_POINT_NO_REMOTE_SDP_ERROR(40203),
  SDP_END_POINT_GENERATE_OFFER_ERROR(40204),
  SDP_END_POINT_PROCESS_OFFER_ERROR(40205),
  SDP_END_POINT_PROCESS_ANSWER_ERROR(40206),
  SDP_CONFIGURATION_ERROR(40207),
  SDP_END_POINT_ALREADY_NEGOTIATED(40208),
  SDP_END_POINT_NOT_OFFER_GENERATED(40209),
  SDP_END_POINT_ANSWER_ALREADY_PROCCESED(40210),
  SDP_END_POINT_CANNOT_CREATE_SESSON(40211),
  HTTP_END_POINT_REGISTRATION_ERROR(40300),
  ICE_GATHER_CANDIDATES_ERROR(40400),
  ICE_ADD_CANDIDATE_ERROR(40401),
  SERVER_MANAGER_ERROR_KMD_NOT_FOUND(40500),
  URI_PATH_FILE_NOT_FOUND(40600),
  PLAYER_SEEK_FAIL(40700);

  private final int code;

  KurentoError(int code) {
    this.code = code;
  }

  /** The numeric code on the wire. */
  public int code() {
    return code;
  }

  /** The constant whose code this is, or {@code null} for codes KMS does not define. */
  public static KurentoError ofCode(int code) {
    for (KurentoError error : values()) {
      if (error.code == code) {
        return error;
      }
    }
    return null;
  }
}
