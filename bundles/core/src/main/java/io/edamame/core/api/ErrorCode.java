package io.edamame.core.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A stable, machine-readable error code with the HTTP status it maps to. Each bundle declares its
 * own codes as an enum implementing this interface; the name is what clients see in {@code code}.
 */
@ConsumerType
public interface ErrorCode {

    /** The stable code, e.g. {@code ROOM_NOT_FOUND}. */
    String name();

    /** The HTTP status this error is answered with. */
    int httpStatus();
}
