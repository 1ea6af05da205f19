package io.edamame.core.testing;

import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService.NewPasswordUser;
import io.edamame.core.impl.auth.PasswordHasher;
import io.edamame.core.impl.persistence.CoreDatabase;
import io.edamame.core.impl.persistence.CoreEvents;
import io.edamame.core.impl.persistence.CoreSchema;
import io.edamame.core.impl.persistence.LiquibaseMigrations;
import io.edamame.core.impl.plugin.PluginRegistryImpl;
import io.edamame.core.impl.room.RoomServiceImpl;
import io.edamame.core.impl.secrets.SecretCipher;
import io.edamame.core.impl.tenant.TenantServiceImpl;
import io.edamame.core.impl.user.UserServiceImpl;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * The core's services wired by hand on a database, as Declarative Services wires them in Karaf: the
 * schema migrated by Liquibase, the {@code edamame-core} persistence unit on the given datasource, a
 * fixed clock, a fixed key for secret settings and an EventAdmin that records what is posted.
 */
public final class CoreServices implements AutoCloseable {

    /** What the clock of every service says. */
    public static final Instant NOW = Instant.parse("2024-05-01T08:00:00Z");
    /** Fast Argon2 parameters: tests hash many passwords. */
    public static final PasswordHasher HASHER = new PasswordHasher(1024, 1, 1);
    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "admin-password";
    public static final String MEMBER_PASSWORD = "member-password";
    /** The key that encrypts secret settings ({@code secrets.key}): Base64 of 32 bytes. */
    public static final String SECRETS_KEY = Base64.getEncoder()
            .encodeToString("core-tests-secret-settings-key!!".getBytes(StandardCharsets.US_ASCII));

    /** Liquibase and Hibernate log through java.util.logging; held here so the levels stick. */
    private static final List<Logger> QUIET_LOGGERS = Stream.of("liquibase", "org.hibernate")
            .map(Logger::getLogger)
            .peek(logger -> logger.setLevel(Level.WARNING))
            .toList();

    public final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    public final RecordingEventAdmin events = new RecordingEventAdmin();
    public final DataSource dataSource;
    public final CoreDatabase db;
    public final TenantServiceImpl tenants;
    public final UserServiceImpl users;
    public final RoomServiceImpl rooms;
    public final SecretCipher secrets = new SecretCipher(SECRETS_KEY);
    public final PluginRegistryImpl plugins;

    private final CoreEvents coreEvents = new CoreEvents(events);
    private final EntityManagerFactory emf;

    public CoreServices(DataSource dataSource) {
        this.dataSource = dataSource;
        migrate(dataSource);
        emf = Persistence.createEntityManagerFactory(CoreDatabase.UNIT_NAME,
                Map.of("javax.persistence.nonJtaDataSource", dataSource));
        db = new CoreDatabase(emf);
        tenants = newTenantService();
        users = new UserServiceImpl(db, tenants, HASHER, clock);
        rooms = new RoomServiceImpl(db, HASHER, coreEvents, clock);
        plugins = newPluginRegistry();
    }

    /** Applies the core's changelog, with Liquibase's console report sent to its (quiet) log instead. */
    private static void migrate(DataSource dataSource) {
        migrate(dataSource, CoreSchema.CHANGELOG, CoreServices.class.getClassLoader());
    }

    /** Applies a plugin's changelog, found by {@code loader}, as the platform does; for plugins' tests. */
    public static void migrate(DataSource dataSource, String changelog, ClassLoader loader) {
        try {
            Map<String, Object> quiet = Map.of(
                    Scope.Attr.ui.name(), new LoggerUIService(),
                    "liquibase.command.showSummaryOutput", "LOG");
            Scope.child(quiet, () -> LiquibaseMigrations.migrate(dataSource,
                    new ClassLoaderResourceAccessor(loader), changelog));
        } catch (Exception e) {
            throw new IllegalStateException("Migration of the test database failed", e);
        }
    }

    /** Another tenant service on the same database, with an empty cache: it answers what is stored. */
    public TenantServiceImpl newTenantService() {
        return new TenantServiceImpl(db, HASHER, coreEvents, clock);
    }

    /** Another plugin registry on the same database, with no plugin installed and an empty cache. */
    public PluginRegistryImpl newPluginRegistry() {
        return newPluginRegistry(secrets);
    }

    /** {@link #newPluginRegistry()} with other secrets keys, as another node or after a rotation would have. */
    public PluginRegistryImpl newPluginRegistry(SecretCipher secrets) {
        return new PluginRegistryImpl(db, tenants, coreEvents, secrets);
    }

    /** A new tenant with a unique slug and its admin {@value #ADMIN_USERNAME}. */
    public CreatedTenant newTenant() {
        String slug = uniqueSlug();
        return tenants.create(slug, "Tenant " + slug, ADMIN_USERNAME, ADMIN_PASSWORD);
    }

    /** A new member of the tenant, signing in with {@value #MEMBER_PASSWORD}. */
    public User newMember(long tenantId, String username) {
        return users.create(tenantId, new NewPasswordUser(username, MEMBER_PASSWORD, null, TenantRole.MEMBER));
    }

    public static String uniqueSlug() {
        return "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Override
    public void close() {
        emf.close();
    }
}
