package io.edamame.core.impl.rest;

import java.security.Principal;
import java.util.Set;
import javax.ws.rs.core.SecurityContext;

/** Who is calling: a {@link io.edamame.core.api.Caller}, an {@link Operator}, or nobody. */
record ApiSecurityContext(Principal principal, Set<String> roles, boolean secure, String scheme)
        implements SecurityContext {

    /** A platform operator, authenticated against the Karaf JAAS realm. */
    record Operator(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public boolean isUserInRole(String role) {
        return roles.contains(role);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return scheme;
    }
}
