package io.edamame.core.impl.rest;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.StreamedBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;

/**
 * Refuses request bodies over the limit with 413 before anything parses them. Bodies of this API
 * are small JSON documents, so the body is read up to the limit and handed on from memory. Methods
 * marked {@link StreamedBody} (uploads) read their body themselves, under a limit of their own.
 *
 * <p>It runs after matching, so that it knows the method, but before authentication and before the
 * body is read for the method.
 */
@Priority(Priorities.AUTHENTICATION - 100)
public class BodyLimitFilter implements ContainerRequestFilter {

    private final int maxBytes;

    @Context
    private ResourceInfo resourceInfo;

    public BodyLimitFilter(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
        if (method != null && method.isAnnotationPresent(StreamedBody.class)) {
            return;
        }
        if (request.getLength() > maxBytes) {
            throw tooLarge();
        }
        // Without a length or a transfer coding an HTTP/1.1 request has no body (RFC 9112, 6.3); asking
        // hasEntity() would make CXF probe the stream.
        boolean noBody = request.getLength() < 0 && request.getHeaderString("Transfer-Encoding") == null;
        if (noBody || !request.hasEntity()) {
            return;
        }
        InputStream in = request.getEntityStream();
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            throw tooLarge();
        }
        request.setEntityStream(new ByteArrayInputStream(body));
    }

    private EdamameException tooLarge() {
        return new EdamameException(CoreErrorCode.PAYLOAD_TOO_LARGE, "Request body is larger than " + maxBytes + " bytes");
    }
}
