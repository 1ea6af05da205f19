package io.edamame.core.api;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * Versioned schema migrations of the platform database. Each bundle owns its tables and a Liquibase
 * changelog inside its jar, and migrates before it uses them, typically in its component's activate
 * method. Safe to call from several nodes at once (Liquibase holds a database lock).
 */
@ProviderType
public interface DatabaseMigrations {

    /** Applies the changesets of {@code changelog} (a path inside {@code bundle}) not yet applied. */
    void migrate(Bundle bundle, String changelog);
}
