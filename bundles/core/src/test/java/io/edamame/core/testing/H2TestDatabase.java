package io.edamame.core.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A private in-memory H2 database, in H2's default mode like the platform's embedded database. */
final class H2TestDatabase implements TestDatabase {

    private final JdbcDataSource dataSource = new JdbcDataSource();

    private H2TestDatabase() {
        String name = "edamame_" + UUID.randomUUID().toString().replace("-", "");
        dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        dataSource.setPassword("");
    }

    static TestDatabase open() {
        return new H2TestDatabase();
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("shutdown");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not shut down H2 database " + dataSource.getURL(), e);
        }
    }
}
