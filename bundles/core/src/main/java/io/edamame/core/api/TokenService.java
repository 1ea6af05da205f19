package io.edamame.core.api;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Signed, expiring bearer tokens. WebSocket endpoints of plugins use it to authenticate a connection
 * with the same tokens as the REST API.
 */
@ProviderType
public interface TokenService {

    record AccessToken(String token, Instant expiresAt) {
    }

    AccessToken issue(Tenant tenant, User user);

    /**
     * @throws EdamameException {@code UNAUTHENTICATED} for a malformed, forged or expired token, or
     *                          one of a tenant that no longer exists; {@code TENANT_SUSPENDED}
     */
    Caller verify(String token);
}
