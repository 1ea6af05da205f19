package io.edamame.core.api;

import java.util.Objects;

/**
 * The answer to an {@link AccessRequest}: granted, or denied with a stable code (the HTTP status,
 * WebSocket close code or JSON-RPC error of the caller follows from it) and a message for the user.
 */
public record AccessDecision(boolean granted, ErrorCode denial, String message) {

    private static final AccessDecision GRANTED = new AccessDecision(true, null, null);

    public AccessDecision {
        if (granted != (denial == null)) {
            throw new IllegalArgumentException("a denial needs a code, and a grant has none");
        }
    }

    public static AccessDecision grant() {
        return GRANTED;
    }

    public static AccessDecision deny(ErrorCode code, String message) {
        return new AccessDecision(false, Objects.requireNonNull(code, "code"), message);
    }

    /** Throws the denial as an {@link EdamameException}, for callers that answer with errors. */
    public void orThrow() {
        if (!granted) {
            throw new EdamameException(denial, message);
        }
    }
}
