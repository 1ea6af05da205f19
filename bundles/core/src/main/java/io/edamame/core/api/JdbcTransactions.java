package io.edamame.core.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Plain JDBC on the platform datasource, for plugin bundles that own tables and write them without JPA. The
 * same SQL runs on H2 and PostgreSQL; the few statements that differ ask {@link #isPostgres}.
 */
public final class JdbcTransactions {

    /** Work on one connection, inside its transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private JdbcTransactions() {
    }

    /**
     * Runs {@code work} in a transaction of its own: committed when it returns, rolled back when it throws. The
     * connection goes back to the pool with its auto-commit as it was.
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** Whether the datasource is PostgreSQL (otherwise it is H2). */
    public static boolean isPostgres(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        }
    }
}
