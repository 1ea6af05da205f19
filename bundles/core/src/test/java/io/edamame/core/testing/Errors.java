package io.edamame.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.function.Executable;

/** Assertions on {@link EdamameException}s. */
public final class Errors {

    private Errors() {
    }

    /** Runs {@code call}, which must throw an {@link EdamameException} with {@code code}. */
    public static EdamameException assertError(ErrorCode code, Executable call) {
        EdamameException e = assertThrows(EdamameException.class, call);
        assertEquals(code, e.code(), () -> "code of \"" + e.getMessage() + "\"");
        return e;
    }

    /** Runs {@code call}, which must fail with {@code code} naming exactly {@code fields} in its details. */
    public static EdamameException assertFieldErrors(ErrorCode code, Set<String> fields, Executable call) {
        EdamameException e = assertError(code, call);
        assertEquals(fields, failedFields(e), () -> "failed fields of \"" + e.getMessage() + "\": " + e.details());
        return e;
    }

    /** The {@code field}s of the {@code [{"field","message"}]} details of a validation error. */
    public static Set<String> failedFields(EdamameException e) {
        List<?> details = assertInstanceOf(List.class, e.details(), "details of " + e.code());
        return details.stream()
                .map(d -> assertInstanceOf(Map.class, d).get("field"))
                .map(String::valueOf)
                .collect(Collectors.toSet());
    }
}
