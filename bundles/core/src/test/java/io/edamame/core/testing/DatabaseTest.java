package io.edamame.core.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * Base of the tests that run against a real database: each concrete test class gets its own empty
 * database of its {@link DatabaseKind} (an H2 in-memory database, a PostgreSQL schema) with the core's
 * services on it. Tests share the database of their class, so each works in tenants of its own.
 *
 * <p>When the database cannot be had, every test of the class is skipped with the reason (Surefire
 * does not report a skip of the whole class), or the class fails under {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTest {

    private final DatabaseKind kind;
    private TestDatabase database;
    private TestAbortedException unavailable;
    protected CoreServices core;

    protected DatabaseTest(DatabaseKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    protected final void openDatabase() {
        try {
            database = kind.open();
        } catch (TestAbortedException e) {
            unavailable = e;
            return;
        }
        core = new CoreServices(database.dataSource());
    }

    @BeforeEach
    protected final void requireDatabase() {
        if (unavailable != null) {
            throw new TestAbortedException(unavailable.getMessage(), unavailable);
        }
        core.events.clear();
    }

    @AfterAll
    protected final void closeDatabase() {
        try {
            if (core != null) {
                core.close();
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }
}
