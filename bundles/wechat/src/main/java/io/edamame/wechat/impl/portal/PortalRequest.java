package io.edamame.wechat.impl.portal;

import java.util.Map;

/**
 * A request to a tenant's message endpoint, as the servlet read it: the query parameters and the body (null for
 * a GET). Separate from the servlet API so that the checks can be tested on their own.
 */
public record PortalRequest(Map<String, String> query, String body) {

    public String param(String name) {
        return query.get(name);
    }
}
