package io.edamame.wechat.testing;

import io.edamame.core.api.Caller;
import java.security.Principal;
import javax.ws.rs.core.SecurityContext;

/** The security context the core's filter gives a resource once a bearer token has been checked. */
public final class Security {

    private Security() {
    }

    public static SecurityContext as(Caller caller) {
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return caller;
            }

            @Override
            public boolean isUserInRole(String role) {
                return caller.role().name().equals(role);
            }

            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }
}
