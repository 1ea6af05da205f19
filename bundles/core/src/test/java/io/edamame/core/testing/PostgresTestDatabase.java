package io.edamame.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh schema {@code edamame_test_<random>} in the PostgreSQL database {@code test} at
 * 127.0.0.1:5432 (trust authentication, user {@code postgres}, else {@code root}), dropped on close.
 *
 * <p>When PostgreSQL cannot be reached the calling tests are skipped, unless the environment variable
 * {@code CI} is {@code true}: then they fail. The system properties {@code edamame.test.postgres.host}
 * and {@code edamame.test.postgres.port} point the tests at another server.
 */
final class PostgresTestDatabase implements TestDatabase {

    private static final String HOST = System.getProperty("edamame.test.postgres.host", "127.0.0.1");
    private static final int PORT = Integer.getInteger("edamame.test.postgres.port", 5432);
    private static final String DATABASE = "test";
    private static final List<String> USERS = List.of("postgres", "root");
    private static final int TIMEOUT_SECONDS = 5;

    /** The user that could connect, or why none could; probed once per JVM. */
    private static Probe probe;

    private record Probe(String user, String failure) {
    }

    private final PGSimpleDataSource admin;
    private final PGSimpleDataSource dataSource;
    private final String schema;

    private PostgresTestDatabase(String user) {
        this.schema = "edamame_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.admin = dataSource(user);
        execute(admin, "create schema " + schema);
        this.dataSource = dataSource(user);
        this.dataSource.setCurrentSchema(schema);
    }

    static TestDatabase open() {
        Probe reachable = probe();
        if (reachable.user() == null) {
            String message = "PostgreSQL not reachable at " + HOST + ":" + PORT + " (" + reachable.failure() + ")";
            if ("true".equals(System.getenv("CI"))) {
                fail(message + "; CI=true, so the PostgreSQL tests must run");
            }
            Assumptions.assumeTrue(false, message + "; set CI=true to make this a failure");
        }
        return new PostgresTestDatabase(reachable.user());
    }

    private static synchronized Probe probe() {
        if (probe == null) {
            List<String> failures = new ArrayList<>();
            for (String user : USERS) {
                try (Connection ignored = dataSource(user).getConnection()) {
                    probe = new Probe(user, null);
                    return probe;
                } catch (SQLException e) {
                    failures.add("user " + user + ": " + e.getMessage());
                }
            }
            probe = new Probe(null, String.join("; ", failures));
        }
        return probe;
    }

    private static PGSimpleDataSource dataSource(String user) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {HOST});
        dataSource.setPortNumbers(new int[] {PORT});
        dataSource.setDatabaseName(DATABASE);
        dataSource.setUser(user);
        dataSource.setConnectTimeout(TIMEOUT_SECONDS);
        dataSource.setLoginTimeout(TIMEOUT_SECONDS);
        return dataSource;
    }

    private static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        execute(admin, "drop schema " + schema + " cascade");
    }
}
