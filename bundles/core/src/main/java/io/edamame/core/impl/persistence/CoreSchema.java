package io.edamame.core.impl.persistence;

import io.edamame.core.api.DatabaseMigrations;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Migrates the core's schema as soon as the datasource is there, on a thread of its own: Liquibase
 * then runs while Aries JPA builds Hibernate's factory, instead of after it, which shortens every
 * start by about a second. {@link CoreDatabase} waits for the migration before any service can use it.
 */
@Component(service = CoreSchema.class, immediate = true)
public class CoreSchema {

    public static final String CHANGELOG = "db/changelog/core.xml";

    private final CompletableFuture<Void> migration;

    @Activate
    public CoreSchema(@Reference DatabaseMigrations migrations, BundleContext context) {
        migration = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                migrations.migrate(context.getBundle(), CHANGELOG);
                migration.complete(null);
            } catch (RuntimeException | Error e) {
                migration.completeExceptionally(e);
            }
        }, "edamame-core-schema");
        thread.setDaemon(true);
        thread.start();
    }

    /** Returns once the schema is migrated; throws what the migration threw if it failed. */
    public void awaitMigrated() {
        try {
            migration.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        // A migration cannot be interrupted halfway through a changeset; let it finish before the
        // datasource it uses may go away.
        migration.handle((done, failure) -> null).join();
    }
}
