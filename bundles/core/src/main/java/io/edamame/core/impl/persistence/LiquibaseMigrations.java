package io.edamame.core.impl.persistence;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.DatabaseMigrations;
import io.edamame.core.api.EdamameException;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.OSGiResourceAccessor;
import liquibase.resource.ResourceAccessor;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each bundle's Liquibase changelog against the platform datasource (the Pax JDBC datasource
 * named {@code edamame}; H2 by default, PostgreSQL in production).
 */
@Component(service = DatabaseMigrations.class)
public class LiquibaseMigrations implements DatabaseMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(LiquibaseMigrations.class);

    /** Liquibase reports usage to its vendor unless told not to; this platform never phones home. */
    private static final Map<String, Object> SCOPE = Map.of(
            "liquibase.analytics.enabled", false,
            "liquibase.showBanner", false);

    private final DataSource dataSource;

    @Activate
    public LiquibaseMigrations(@Reference(target = "(osgi.jndi.service.name=edamame)") DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void migrate(Bundle bundle, String changelog) {
        LOG.info("SCHEMA {}: migrating {}", bundle.getSymbolicName(), changelog);
        // Liquibase looks up its own extensions through the context class loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Liquibase.class.getClassLoader());
        try {
            migrate(dataSource, new OSGiResourceAccessor(bundle), changelog);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Applies the pending changesets of {@code changelog}. One migration at a time in this JVM: plugins
     * activate in parallel at boot, and concurrent Liquibase runs on one database fought over its change
     * log lock until one of them gave up after five minutes (seen in 2 of 9 fresh starts). Liquibase's
     * lock still orders the nodes of a cluster.
     */
    public static void migrate(DataSource dataSource, ResourceAccessor resources, String changelog) {
        synchronized (LiquibaseMigrations.class) {
            migrateAlone(dataSource, resources, changelog);
        }
    }

    private static void migrateAlone(DataSource dataSource, ResourceAccessor resources, String changelog) {
        try (Connection connection = dataSource.getConnection()) {
            Scope.child(SCOPE, () -> {
                Database database = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                new Liquibase(changelog, resources, database).update(new Contexts(), new LabelExpression());
            });
        } catch (Exception e) {
            throw new EdamameException(CoreErrorCode.INTERNAL_ERROR,
                    "Schema migration " + changelog + " failed: " + e.getMessage(), null, e);
        }
    }
}
