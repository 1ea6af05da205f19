package io.edamame.core.impl.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edamame.core.api.ReplayAccess;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.RoomDrafts;
import io.edamame.core.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.junit.jupiter.api.Test;

/**
 * The core's changelog applied to a database that holds data of an older release, as an upgrade does;
 * run by {@link CoreSchemaUpgradeH2Test} and {@link CoreSchemaUpgradePostgresTest}. Not a
 * {@code DatabaseTest}: that one starts from the migrated schema.
 */
abstract class CoreSchemaUpgradeTestBase {

    /** Changesets are append-only, so the schema of API 1.1 is always the changelog's first four. */
    private static final int CHANGESETS_OF_1_1 = 4;
    /** Far above what the sequences hand out, so that rows made later by Hibernate cannot collide. */
    private static final long TENANT = 1_000_001;
    private static final long HOST = 1_000_002;
    private static final long ROOM = 1_000_003;

    private final DatabaseKind kind;

    CoreSchemaUpgradeTestBase(DatabaseKind kind) {
        this.kind = kind;
    }

    @Test
    void roomsOfAnOlderReleaseGetTheirReplayAccessAsLive() throws Exception {
        try (TestDatabase database = kind.open()) {
            DataSource dataSource = database.dataSource();
            migrate(dataSource, CHANGESETS_OF_1_1);
            execute(dataSource,
                    "insert into tenant (id, slug, name, status, created_at, updated_at)"
                            + " values (" + TENANT + ", 'old', 'Old', 'ACTIVE', current_timestamp, current_timestamp)",
                    "insert into app_user (id, tenant_id, username, role, created_at, updated_at)"
                            + " values (" + HOST + ", " + TENANT + ", 'host', 'TENANT_ADMIN', current_timestamp,"
                            + " current_timestamp)",
                    "insert into room (id, tenant_id, title, type, status, access, scheduled_start, host_user_id,"
                            + " created_at, updated_at, version) values (" + ROOM + ", " + TENANT + ", 'Old room',"
                            + " 'AUDIO_SLIDES', 'ENDED', 'PAID', current_timestamp, " + HOST + ", current_timestamp,"
                            + " current_timestamp, 0)");

            try (CoreServices core = new CoreServices(dataSource)) {
                Room old = core.rooms.get(TENANT, ROOM);
                assertEquals(RoomAccess.PAID, old.access());
                assertEquals(ReplayAccess.AS_LIVE, old.replayAccess());

                Room created = core.rooms.create(TENANT,
                        RoomDrafts.hostedBy(HOST).replayAccess(ReplayAccess.FREE).build());
                assertEquals(ReplayAccess.FREE, core.rooms.get(TENANT, created.id()).replayAccess());
            }
            assertThrows(SQLException.class,
                    () -> execute(dataSource, "update room set replay_access = null where id = " + ROOM));
        }
    }

    /** Applies the first {@code count} changesets of the core's changelog. */
    private static void migrate(DataSource dataSource, int count) throws Exception {
        Map<String, Object> quiet = Map.of(
                Scope.Attr.ui.name(), new LoggerUIService(),
                "liquibase.command.showSummaryOutput", "LOG",
                "liquibase.analytics.enabled", false);
        try (Connection connection = dataSource.getConnection()) {
            Scope.child(quiet, () -> {
                Database database = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                new Liquibase(CoreSchema.CHANGELOG, new ClassLoaderResourceAccessor(
                        CoreSchemaUpgradeTestBase.class.getClassLoader()), database)
                        .update(count, new Contexts(), new LabelExpression());
            });
        }
    }

    private static void execute(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
