package io.edamame.core.testing;

import java.util.function.Supplier;

/** The databases the repository tests run against: each test class has one subclass per kind. */
public enum DatabaseKind {

    H2(H2TestDatabase::open),
    POSTGRES(PostgresTestDatabase::open);

    private final Supplier<TestDatabase> opener;

    DatabaseKind(Supplier<TestDatabase> opener) {
        this.opener = opener;
    }

    /** A new empty database; skips (or, under {@code CI=true}, fails) the caller if it cannot be had. */
    public TestDatabase open() {
        return opener.get();
    }
}
