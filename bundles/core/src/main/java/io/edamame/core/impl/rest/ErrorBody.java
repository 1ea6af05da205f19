package io.edamame.core.impl.rest;

import io.edamame.core.api.ErrorCode;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/** The body of every error answer: {@code {"code": "...", "message": "...", "details": ...}}. */
public record ErrorBody(String code, String message, Object details) {

    public static Response response(ErrorCode code, String message, Object details) {
        return response(code.httpStatus(), code.name(), message, details);
    }

    public static Response response(int status, String code, String message, Object details) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(code, message, details)).build();
    }
}
