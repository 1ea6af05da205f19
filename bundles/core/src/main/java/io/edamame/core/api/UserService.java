package io.edamame.core.api;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Users of a tenant. Every call is scoped to one tenant: another tenant's user is not found. */
@ProviderType
public interface UserService {

    /** A user who signs in with a password. */
    record NewPasswordUser(String username, String password, String displayName, TenantRole role) {
    }

    /** Profile data an identity provider knows about a user (any field may be null). */
    record Profile(String displayName, String avatarUrl) {
        public static final Profile NONE = new Profile(null, null);
    }

    User create(long tenantId, NewPasswordUser user);

    Optional<User> find(long tenantId, long userId);

    /** @throws EdamameException {@code USER_NOT_FOUND} */
    default User get(long tenantId, long userId) {
        return find(tenantId, userId).orElseThrow(() -> new EdamameException(CoreErrorCode.USER_NOT_FOUND,
                "No user " + userId));
    }

    Page<User> list(long tenantId, PageRequest page);

    /**
     * Checks a password login of an active tenant.
     *
     * @throws EdamameException {@code INVALID_CREDENTIALS} for an unknown tenant, user or a wrong password
     *                          (one answer for all three), {@code TENANT_SUSPENDED}
     */
    User authenticate(String tenantSlug, String username, String password);

    /**
     * The user holding {@code identity} in the tenant, created with {@code profile} if none does yet.
     * Safe against concurrent first logins of the same identity.
     */
    User findOrCreate(long tenantId, ExternalIdentity identity, Profile profile);

    Optional<User> findByIdentity(long tenantId, ExternalIdentity identity);

    /**
     * Adds an identity to a user (binding a phone number, a unionid...).
     *
     * @throws EdamameException {@code IDENTITY_TAKEN} if another user of the tenant holds it
     */
    void link(long tenantId, long userId, ExternalIdentity identity);

    List<ExternalIdentity> identities(long tenantId, long userId);

    User updateProfile(long tenantId, long userId, Profile profile);
}
