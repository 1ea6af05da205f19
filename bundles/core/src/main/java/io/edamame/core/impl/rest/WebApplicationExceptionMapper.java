package io.edamame.core.impl.rest;

import io.edamame.core.api.CoreErrorCode;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;

/** JAX-RS's own errors (no such path, wrong method or media type) in the API's error format. */
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        CoreErrorCode code = switch (status) {
            case 400 -> CoreErrorCode.MALFORMED_REQUEST;
            case 401 -> CoreErrorCode.UNAUTHENTICATED;
            case 403 -> CoreErrorCode.FORBIDDEN;
            case 404 -> CoreErrorCode.NOT_FOUND;
            case 405 -> CoreErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> CoreErrorCode.NOT_ACCEPTABLE;
            case 413 -> CoreErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> CoreErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? CoreErrorCode.INTERNAL_ERROR : CoreErrorCode.MALFORMED_REQUEST;
        };
        String message = switch (code) {
            case NOT_FOUND -> "No such resource";
            case METHOD_NOT_ALLOWED -> "Method not allowed here";
            case UNSUPPORTED_MEDIA_TYPE -> "Send application/json";
            case NOT_ACCEPTABLE -> "This resource answers application/json";
            default -> e.getMessage();
        };
        Response.ResponseBuilder builder = Response.fromResponse(
                ErrorBody.response(status, code.name(), message, null));
        // Keep the Allow header of 405 answers.
        e.getResponse().getHeaders().forEach((name, values) -> {
            if ("Allow".equalsIgnoreCase(name)) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }
}
