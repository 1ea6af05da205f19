package io.edamame.core.api;

/** Error codes of the core. Names are part of the public API: never rename one. */
public enum CoreErrorCode implements ErrorCode {
    MALFORMED_REQUEST(400),
    VALIDATION_FAILED(400),
    UNKNOWN_FIELD(400),
    INVALID_SETTINGS(400),
    UNAUTHENTICATED(401),
    INVALID_CREDENTIALS(401),
    PAYMENT_REQUIRED(402),
    FORBIDDEN(403),
    TENANT_SUSPENDED(403),
    PLUGIN_DISABLED(403),
    ROOM_PASSWORD_REQUIRED(403),
    ROOM_PASSWORD_WRONG(403),
    NOT_FOUND(404),
    TENANT_NOT_FOUND(404),
    USER_NOT_FOUND(404),
    ROOM_NOT_FOUND(404),
    PLUGIN_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),
    CONFLICT(409),
    TENANT_SLUG_TAKEN(409),
    USERNAME_TAKEN(409),
    IDENTITY_TAKEN(409),
    ILLEGAL_ROOM_TRANSITION(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    INTERNAL_ERROR(500),
    SERVICE_UNAVAILABLE(503);

    private final int httpStatus;

    CoreErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
