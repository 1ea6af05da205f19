package io.edamame.core.impl.rest;

import io.edamame.core.api.CoreErrorCode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.validation.ConstraintViolation;
import javax.validation.ConstraintViolationException;
import javax.validation.ElementKind;
import javax.validation.Path;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;

/** Bean validation failures of request bodies: 400 with every failing field. */
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    @Override
    public Response toResponse(ConstraintViolationException e) {
        List<Map<String, String>> fields = e.getConstraintViolations().stream()
                .map(v -> Map.of("field", field(v), "message", v.getMessage()))
                .sorted(Comparator.comparing((Map<String, String> m) -> m.get("field")))
                .toList();
        return ErrorBody.response(CoreErrorCode.VALIDATION_FAILED, "Invalid input", fields);
    }

    /** The property path below the method parameter: {@code create.arg0.title} becomes {@code title}. */
    private static String field(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(node.getName());
                if (node.getIndex() != null) {
                    field.append('[').append(node.getIndex()).append(']');
                }
            }
        }
        return field.length() == 0 ? "body" : field.toString();
    }
}
