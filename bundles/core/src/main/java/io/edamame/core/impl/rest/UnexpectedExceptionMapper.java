package io.edamame.core.impl.rest;

import io.edamame.core.api.CoreErrorCode;
import java.util.Map;
import java.util.UUID;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Anything else is a bug or an outage: logged with an id the client can quote, never shown. */
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.error("REST: unexpected failure, incident {}", incident, e);
        return ErrorBody.response(CoreErrorCode.INTERNAL_ERROR, "Internal error", Map.of("incident", incident));
    }
}
