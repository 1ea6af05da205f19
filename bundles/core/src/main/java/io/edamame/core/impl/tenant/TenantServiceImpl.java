package io.edamame.core.impl.tenant;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Page;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TenantStatus;
import io.edamame.core.impl.auth.PasswordHasher;
import io.edamame.core.impl.persistence.CoreDatabase;
import io.edamame.core.impl.persistence.CoreEvents;
import io.edamame.core.impl.persistence.Rules;
import io.edamame.core.impl.persistence.TenantEntity;
import io.edamame.core.impl.persistence.Transactions;
import io.edamame.core.impl.persistence.TtlCache;
import io.edamame.core.impl.persistence.UserEntity;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.persistence.PersistenceException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Component(service = TenantService.class)
public class TenantServiceImpl implements TenantService {

    private static final Logger LOG = LoggerFactory.getLogger(TenantServiceImpl.class);

    /** How long a tenant's status changed on another node may take to be seen here. */
    private static final long CACHE_TTL_MILLIS = 5_000;

    private final CoreDatabase db;
    private final PasswordHasher hasher;
    private final CoreEvents events;
    private final Clock clock;
    private final TtlCache<String, Optional<Tenant>> bySlug = new TtlCache<>(CACHE_TTL_MILLIS);
    private final TtlCache<Long, Optional<Tenant>> byId = new TtlCache<>(CACHE_TTL_MILLIS);

    @Activate
    public TenantServiceImpl(@Reference CoreDatabase db, @Reference PasswordHasher hasher,
                             @Reference CoreEvents events) {
        this(db, hasher, events, Clock.systemUTC());
    }

    public TenantServiceImpl(CoreDatabase db, PasswordHasher hasher, CoreEvents events, Clock clock) {
        this.db = db;
        this.hasher = hasher;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public CreatedTenant create(String slug, String name, String adminUsername, String adminPassword) {
        Rules.check()
                .slug("slug", slug)
                .text("name", name, true, Rules.TENANT_NAME_MAX)
                .username("adminUsername", adminUsername)
                .password("adminPassword", adminPassword)
                .orThrow();
        String passwordHash = hasher.hash(adminPassword);
        CreatedTenant created;
        try {
            created = db.write(em -> {
                if (!em.createQuery("select t.id from TenantEntity t where t.slug = :slug")
                        .setParameter("slug", slug).getResultList().isEmpty()) {
                    throw slugTaken(slug);
                }
                Instant now = clock.instant();
                TenantEntity tenant = new TenantEntity(slug, name.strip(), now);
                em.persist(tenant);
                em.flush();
                UserEntity admin = new UserEntity(tenant.getId(), adminUsername, passwordHash, adminUsername, null,
                        TenantRole.TENANT_ADMIN, now);
                em.persist(admin);
                em.flush();
                return new CreatedTenant(tenant.toTenant(), admin.toUser());
            });
        } catch (PersistenceException e) {
            if (Transactions.isUniqueViolation(e)) {
                throw slugTaken(slug);
            }
            throw e;
        }
        remember(created.tenant());
        LOG.info("TENANT {}: created with admin {}", slug, adminUsername);
        events.post(EdamameEvents.TENANT_CREATED, EdamameEvents.TENANT_ID, created.tenant().id(),
                EdamameEvents.TENANT_SLUG, slug);
        return created;
    }

    private static EdamameException slugTaken(String slug) {
        return new EdamameException(CoreErrorCode.TENANT_SLUG_TAKEN, "Tenant '" + slug + "' already exists");
    }

    @Override
    public Page<Tenant> list(PageRequest page) {
        return db.read(em -> {
            List<Tenant> items = em.createQuery("select t from TenantEntity t order by t.id", TenantEntity.class)
                    .setFirstResult(page.offset()).setMaxResults(page.size())
                    .getResultList().stream().map(TenantEntity::toTenant).toList();
            long total = em.createQuery("select count(t) from TenantEntity t", Long.class).getSingleResult();
            return new Page<>(items, page.page(), page.size(), total);
        });
    }

    @Override
    public long count() {
        return db.read(em -> em.createQuery("select count(t) from TenantEntity t", Long.class).getSingleResult());
    }

    @Override
    public Optional<Tenant> find(String slug) {
        if (slug == null) {
            return Optional.empty();
        }
        return bySlug.get(slug, s -> db.read(em -> em
                .createQuery("select t from TenantEntity t where t.slug = :slug", TenantEntity.class)
                .setParameter("slug", s).getResultStream().findFirst().map(TenantEntity::toTenant)));
    }

    @Override
    public Optional<Tenant> find(long tenantId) {
        return byId.get(tenantId, id -> db.read(em -> Optional.ofNullable(em.find(TenantEntity.class, id))
                .map(TenantEntity::toTenant)));
    }

    @Override
    public Tenant setStatus(String slug, TenantStatus status) {
        Tenant tenant = db.write(em -> {
            TenantEntity entity = em.createQuery("select t from TenantEntity t where t.slug = :slug", TenantEntity.class)
                    .setParameter("slug", slug).getResultStream().findFirst()
                    .orElseThrow(() -> new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No tenant '" + slug + "'"));
            entity.setStatus(status, clock.instant());
            return entity.toTenant();
        });
        remember(tenant);
        LOG.info("TENANT {}: status {}", slug, status);
        events.post(EdamameEvents.TENANT_STATUS_CHANGED, EdamameEvents.TENANT_ID, tenant.id(),
                EdamameEvents.TENANT_SLUG, slug, EdamameEvents.TENANT_STATUS, status.name());
        return tenant;
    }

    private void remember(Tenant tenant) {
        bySlug.put(tenant.slug(), Optional.of(tenant));
        byId.put(tenant.id(), Optional.of(tenant));
    }
}
