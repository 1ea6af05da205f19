package io.edamame.core.impl.rest.resource;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PageRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.ws.rs.core.SecurityContext;

/**
 * Query parameters parsed by hand: JAX-RS answers 404 when it cannot convert one, where a client
 * deserves 400 and the name of the parameter.
 */
final class Params {

    private Params() {
    }

    static PageRequest page(String page, String size) {
        return new PageRequest(integer("page", page, 0), integer("size", size, PageRequest.DEFAULT_SIZE));
    }

    static int integer(String name, String value, int fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(name, "must be an integer");
        }
    }

    static Long optionalLong(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name, "must be an integer");
        }
    }

    static <E extends Enum<E>> E optionalEnum(String name, String value, Class<E> type) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "must be one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    static EdamameException invalid(String name, String message) {
        return new EdamameException(CoreErrorCode.VALIDATION_FAILED, "Invalid parameter '" + name + "'",
                List.of(Map.of("field", name, "message", message)));
    }

    /** The authenticated tenant user; the security filter guarantees one on non-public methods. */
    static Caller caller(SecurityContext security) {
        return (Caller) security.getUserPrincipal();
    }
}
