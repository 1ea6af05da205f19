package io.edamame.core.api;

import java.util.Objects;

/**
 * The one exception type of the platform: a stable {@link ErrorCode}, a human-readable message and
 * optional structured details. The REST layer answers it as {@code {"code","message","details"}}.
 */
public class EdamameException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Object details;

    public EdamameException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public EdamameException(ErrorCode code, String message, Object details) {
        this(code, message, details, null);
    }

    public EdamameException(ErrorCode code, String message, Object details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = details;
    }

    public ErrorCode code() {
        return code;
    }

    /** Structured details for the client (a list of field errors, the offending id...), or null. */
    public Object details() {
        return details;
    }
}
