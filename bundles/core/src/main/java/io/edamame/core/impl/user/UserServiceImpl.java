package io.edamame.core.impl.user;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.Page;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService;
import io.edamame.core.impl.auth.PasswordHasher;
import io.edamame.core.impl.persistence.CoreDatabase;
import io.edamame.core.impl.persistence.Rules;
import io.edamame.core.impl.persistence.Transactions;
import io.edamame.core.impl.persistence.UserEntity;
import io.edamame.core.impl.persistence.UserIdentityEntity;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.persistence.EntityManager;
import javax.persistence.PersistenceException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

@Component(service = UserService.class)
public class UserServiceImpl implements UserService {

    private final CoreDatabase db;
    private final TenantService tenants;
    private final PasswordHasher hasher;
    private final Clock clock;

    @Activate
    public UserServiceImpl(@Reference CoreDatabase db, @Reference TenantService tenants,
                           @Reference PasswordHasher hasher) {
        this(db, tenants, hasher, Clock.systemUTC());
    }

    public UserServiceImpl(CoreDatabase db, TenantService tenants, PasswordHasher hasher, Clock clock) {
        this.db = db;
        this.tenants = tenants;
        this.hasher = hasher;
        this.clock = clock;
    }

    @Override
    public User create(long tenantId, NewPasswordUser user) {
        Rules.check()
                .username("username", user.username())
                .password("password", user.password())
                .text("displayName", user.displayName(), false, Rules.DISPLAY_NAME_MAX)
                .require("role", user.role())
                .orThrow();
        requireTenant(tenantId);
        String hash = hasher.hash(user.password());
        try {
            return db.write(em -> {
                if (!em.createQuery("select u.id from UserEntity u where u.tenantId = :t and u.username = :n")
                        .setParameter("t", tenantId).setParameter("n", user.username()).getResultList().isEmpty()) {
                    throw usernameTaken(user.username());
                }
                String displayName = user.displayName() == null ? user.username() : user.displayName();
                UserEntity entity = new UserEntity(tenantId, user.username(), hash, displayName, null, user.role(),
                        clock.instant());
                em.persist(entity);
                em.flush();
                return entity.toUser();
            });
        } catch (PersistenceException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw usernameTaken(user.username());
            }
            throw e;
        }
    }

    private static EdamameException usernameTaken(String username) {
        return new EdamameException(CoreErrorCode.USERNAME_TAKEN, "Username '" + username + "' is taken");
    }

    private void requireTenant(long tenantId) {
        if (tenants.find(tenantId).isEmpty()) {
            throw new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No tenant " + tenantId);
        }
    }

    @Override
    public Optional<User> find(long tenantId, long userId) {
        return db.read(em -> Optional.ofNullable(em.find(UserEntity.class, userId))
                .filter(u -> u.getTenantId() == tenantId)
                .map(UserEntity::toUser));
    }

    @Override
    public Page<User> list(long tenantId, PageRequest page) {
        return db.read(em -> {
            List<User> items = em.createQuery("select u from UserEntity u where u.tenantId = :t order by u.id",
                            UserEntity.class)
                    .setParameter("t", tenantId)
                    .setFirstResult(page.offset()).setMaxResults(page.size())
                    .getResultList().stream().map(UserEntity::toUser).toList();
            long total = em.createQuery("select count(u) from UserEntity u where u.tenantId = :t", Long.class)
                    .setParameter("t", tenantId).getSingleResult();
            return new Page<>(items, page.page(), page.size(), total);
        });
    }

    @Override
    public User authenticate(String tenantSlug, String username, String password) {
        Optional<Tenant> tenant = tenants.find(tenantSlug);
        Optional<UserEntity> user = tenant.flatMap(t -> db.read(em -> em
                .createQuery("select u from UserEntity u where u.tenantId = :t and u.username = :n", UserEntity.class)
                .setParameter("t", t.id()).setParameter("n", username)
                .getResultStream().findFirst()));
        // Verify even when the user is unknown, so that the answer takes as long either way.
        boolean valid = hasher.verify(password, user.map(UserEntity::getPasswordHash).orElse(null));
        if (!valid || user.isEmpty()) {
            throw new EdamameException(CoreErrorCode.INVALID_CREDENTIALS, "Unknown tenant, username or password");
        }
        if (!tenant.get().isActive()) {
            throw new EdamameException(CoreErrorCode.TENANT_SUSPENDED, "Tenant '" + tenantSlug + "' is suspended");
        }
        return user.get().toUser();
    }

    @Override
    public User findOrCreate(long tenantId, ExternalIdentity identity, Profile profile) {
        Profile given = profile == null ? Profile.NONE : profile;
        checkProfile(given);
        requireTenant(tenantId);
        Optional<User> existing = findByIdentity(tenantId, identity);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return db.write(em -> {
                Instant now = clock.instant();
                UserEntity user = new UserEntity(tenantId, null, null, given.displayName(), given.avatarUrl(),
                        TenantRole.MEMBER, now);
                em.persist(user);
                em.flush();
                em.persist(new UserIdentityEntity(tenantId, user.getId(), identity.provider(), identity.subject(), now));
                em.flush();
                return user.toUser();
            });
        } catch (PersistenceException e) {
            // Another request created the same identity first: it wins, and this one answers its user.
            if (Transactions.isUniqueViolation(e)) {
                return findByIdentity(tenantId, identity).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    @Override
    public Optional<User> findByIdentity(long tenantId, ExternalIdentity identity) {
        return db.read(em -> em.createQuery("select u from UserEntity u, UserIdentityEntity i "
                                + "where i.tenantId = :t and i.provider = :p and i.subject = :s and u.id = i.userId",
                        UserEntity.class)
                .setParameter("t", tenantId).setParameter("p", identity.provider()).setParameter("s", identity.subject())
                .getResultStream().findFirst().map(UserEntity::toUser));
    }

    @Override
    public void link(long tenantId, long userId, ExternalIdentity identity) {
        try {
            db.writeVoid(em -> {
                requireUser(em, tenantId, userId);
                List<Long> holders = em.createQuery("select i.userId from UserIdentityEntity i "
                                + "where i.tenantId = :t and i.provider = :p and i.subject = :s", Long.class)
                        .setParameter("t", tenantId).setParameter("p", identity.provider())
                        .setParameter("s", identity.subject()).getResultList();
                if (holders.contains(userId)) {
                    return;
                }
                if (!holders.isEmpty()) {
                    throw identityTaken(identity);
                }
                em.persist(new UserIdentityEntity(tenantId, userId, identity.provider(), identity.subject(),
                        clock.instant()));
            });
        } catch (PersistenceException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw identityTaken(identity);
            }
            throw e;
        }
    }

    private static EdamameException identityTaken(ExternalIdentity identity) {
        return new EdamameException(CoreErrorCode.IDENTITY_TAKEN,
                "Another user holds this " + identity.provider() + " identity");
    }

    private static UserEntity requireUser(EntityManager em, long tenantId, long userId) {
        UserEntity user = em.find(UserEntity.class, userId);
        if (user == null || user.getTenantId() != tenantId) {
            throw new EdamameException(CoreErrorCode.USER_NOT_FOUND, "No user " + userId);
        }
        return user;
    }

    @Override
    public List<ExternalIdentity> identities(long tenantId, long userId) {
        return db.read(em -> {
            requireUser(em, tenantId, userId);
            return em.createQuery("select i from UserIdentityEntity i where i.tenantId = :t and i.userId = :u "
                            + "order by i.id", UserIdentityEntity.class)
                    .setParameter("t", tenantId).setParameter("u", userId).getResultList().stream()
                    .map(i -> new ExternalIdentity(i.getProvider(), i.getSubject())).toList();
        });
    }

    @Override
    public User updateProfile(long tenantId, long userId, Profile profile) {
        checkProfile(profile);
        return db.write(em -> {
            UserEntity user = requireUser(em, tenantId, userId);
            user.setProfile(profile.displayName(), profile.avatarUrl(), clock.instant());
            return user.toUser();
        });
    }

    private static void checkProfile(Profile profile) {
        Rules.check()
                .text("displayName", profile.displayName(), false, Rules.DISPLAY_NAME_MAX)
                .text("avatarUrl", profile.avatarUrl(), false, Rules.URL_MAX)
                .orThrow();
    }
}
