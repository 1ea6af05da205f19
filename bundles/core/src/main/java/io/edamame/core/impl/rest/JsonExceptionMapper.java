package io.edamame.core.impl.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.edamame.core.api.CoreErrorCode;
import java.util.Map;
import java.util.stream.Collectors;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;

/** Bodies that are not the JSON a resource expects: malformed, wrongly typed, or with unknown fields. */
public class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {

    @Override
    public Response toResponse(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ErrorBody.response(CoreErrorCode.UNKNOWN_FIELD, "Unknown field '" + unknown.getPropertyName() + "'",
                    Map.of("field", path(unknown)));
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return ErrorBody.response(CoreErrorCode.MALFORMED_REQUEST, "Field '" + path(mapping) + "' has the wrong type",
                    Map.of("field", path(mapping)));
        }
        return ErrorBody.response(CoreErrorCode.MALFORMED_REQUEST, "Body is not valid JSON", null);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
