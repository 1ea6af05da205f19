package io.edamame.core.testing;

import javax.sql.DataSource;

/** An empty database (or schema) owned by one test class, dropped on {@link #close()}. */
public interface TestDatabase extends AutoCloseable {

    DataSource dataSource();

    @Override
    void close();
}
