package io.edamame.core.impl.rest;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class EdamameExceptionMapper implements ExceptionMapper<EdamameException> {

    private static final Logger LOG = LoggerFactory.getLogger(EdamameExceptionMapper.class);

    @Override
    public Response toResponse(EdamameException e) {
        if (e.code().httpStatus() >= 500) {
            LOG.error("REST: {} {}", e.code().name(), e.getMessage(), e);
        }
        Response response = ErrorBody.response(e.code(), e.getMessage(), e.details());
        if (e.code() == CoreErrorCode.UNAUTHENTICATED) {
            return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"edamame\"").build();
        }
        return response;
    }
}
