package io.edamame.danmaku.impl.store;

import io.edamame.core.api.DatabaseMigrations;
import io.edamame.core.api.JdbcTransactions;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The danmaku plugin's tables (changelog {@value #CHANGELOG}): history, each room's moderation state,
 * sanctions and each tenant's sensitive words. Plain JDBC on the platform datasource rather than JPA:
 * history is written in batches of hundreds of rows and read as flat windows, which is what JDBC
 * batches and one indexed range query do best. The same SQL runs on H2 and PostgreSQL.
 *
 * <p>Every method runs in one transaction of its own and throws {@link StoreException} on failure.
 */
@Component(service = DanmakuStore.class)
public class DanmakuStore {

    static final String CHANGELOG = "db/changelog/danmaku.xml";

    /** Ids a node takes from the sequence at once; the sequence steps by this much. */
    public static final int ID_BLOCK = 1000;

    /** A row of history, as the history endpoint returns it. */
    public record StoredDanmaku(long tenantId, long roomId, FanoutItem.Danmaku danmaku) {
    }

    /** Kinds of sanction: a mute stops sending, a ban also stops watching. */
    public enum SanctionKind { MUTE, BAN }

    public record Sanction(long userId, SanctionKind kind, Long untilMs, long byUserId, long createdAtMs) {
        public boolean activeAt(long nowMs) {
            return untilMs == null || untilMs > nowMs;
        }
    }

    /** A room's stored moderation state and counters. */
    public record RoomRecord(int slowModeSeconds, String pinText, Long pinAtMs, long likes, List<Sanction> sanctions) {
        public static final RoomRecord EMPTY = new RoomRecord(0, null, null, 0, List.of());
    }

    private final DataSource dataSource;
    private final String nextIdSql;

    @Activate
    public DanmakuStore(@Reference(target = "(osgi.jndi.service.name=edamame)") DataSource dataSource,
            @Reference DatabaseMigrations migrations, BundleContext context) {
        this(dataSource);
        migrations.migrate(context.getBundle(), CHANGELOG);
    }

    /** Over a datasource whose schema is already migrated; for tests. */
    DanmakuStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.nextIdSql = isPostgres(dataSource) ? "SELECT nextval('danmaku_seq')" : "SELECT NEXT VALUE FOR danmaku_seq";
    }

    private static boolean isPostgres(DataSource dataSource) {
        try {
            return JdbcTransactions.isPostgres(dataSource);
        } catch (SQLException e) {
            throw new StoreException("reading the database product", e);
        }
    }

    /** The first id of a block of {@link #ID_BLOCK} ids that no node has had or will have. */
    public long nextIdBlock() {
        return inTransaction(connection -> {
            try (PreparedStatement next = connection.prepareStatement(nextIdSql); ResultSet rs = next.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Writes a batch: the new danmaku, then the retractions (which may name danmaku of the same batch),
     * then each room's likes. All or nothing.
     */
    public void write(Collection<StoredDanmaku> danmaku, Collection<Retraction> retractions,
            Map<RoomKeyed, Long> likes) {
        inTransaction(connection -> {
            if (!danmaku.isEmpty()) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO danmaku "
                        + "(id, tenant_id, room_id, user_id, user_name, text, color, mode, sent_at_ms, offset_ms, retracted) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)")) {
                    for (StoredDanmaku row : danmaku) {
                        FanoutItem.Danmaku d = row.danmaku();
                        insert.setLong(1, d.id());
                        insert.setLong(2, row.tenantId());
                        insert.setLong(3, row.roomId());
                        insert.setLong(4, d.user().id());
                        insert.setString(5, d.user().name());
                        insert.setString(6, d.text());
                        insert.setString(7, d.color());
                        insert.setString(8, d.mode().wire());
                        insert.setLong(9, d.ts());
                        insert.setLong(10, d.offsetMs());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
            if (!retractions.isEmpty()) {
                try (PreparedStatement retract = connection.prepareStatement(
                        "UPDATE danmaku SET retracted = TRUE WHERE id = ? AND tenant_id = ? AND room_id = ?")) {
                    for (Retraction r : retractions) {
                        retract.setLong(1, r.id());
                        retract.setLong(2, r.tenantId());
                        retract.setLong(3, r.roomId());
                        retract.addBatch();
                    }
                    retract.executeBatch();
                }
            }
            for (Map.Entry<RoomKeyed, Long> entry : likes.entrySet()) {
                long delta = entry.getValue();
                updateRoom(connection, entry.getKey().tenantId(), entry.getKey().roomId(), "likes = likes + ?", delta);
            }
            return null;
        });
    }

    /** A retraction of danmaku {@code id}, written in order after the danmaku it names. */
    public record Retraction(long tenantId, long roomId, long id) {
    }

    /** A room, as a key of per-room sums. */
    public record RoomKeyed(long tenantId, long roomId) {
    }

    /** Whether danmaku {@code id} exists in the room (retracted or not). */
    public boolean exists(long tenantId, long roomId, long id) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM danmaku WHERE id = ? AND tenant_id = ? AND room_id = ?")) {
                select.setLong(1, id);
                select.setLong(2, tenantId);
                select.setLong(3, roomId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /**
     * The room's danmaku with {@code fromMs <= offsetMs < toMs}, not retracted, in the order they were
     * sent, at most {@code limit}.
     */
    public List<StoredDanmaku> history(long tenantId, long roomId, long fromMs, long toMs, int limit) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, user_id, user_name, text, color, mode, sent_at_ms, offset_ms FROM danmaku "
                            + "WHERE tenant_id = ? AND room_id = ? AND offset_ms >= ? AND offset_ms < ? AND retracted = FALSE "
                            + "ORDER BY offset_ms, id")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                select.setLong(3, fromMs);
                select.setLong(4, toMs);
                select.setMaxRows(limit);
                List<StoredDanmaku> rows = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new StoredDanmaku(tenantId, roomId, new FanoutItem.Danmaku(rs.getLong(1),
                                new FanoutItem.Sender(rs.getLong(2), rs.getString(3)), rs.getString(4),
                                rs.getString(5), DanmakuMode.fromWire(rs.getString(6)), rs.getLong(7),
                                rs.getLong(8))));
                    }
                }
                return rows;
            }
        });
    }

    /** The room's moderation state and likes; {@link RoomRecord#EMPTY} for a room never moderated. */
    public RoomRecord room(long tenantId, long roomId) {
        return inTransaction(connection -> {
            int slowMode = 0;
            String pinText = null;
            Long pinAt = null;
            long likes = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT slow_mode_seconds, pin_text, pin_at_ms, likes FROM danmaku_room WHERE tenant_id = ? AND room_id = ?")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        slowMode = rs.getInt(1);
                        pinText = rs.getString(2);
                        long at = rs.getLong(3);
                        pinAt = rs.wasNull() ? null : at;
                        likes = rs.getLong(4);
                    }
                }
            }
            List<Sanction> sanctions = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT user_id, kind, until_ms, by_user_id, created_at_ms FROM danmaku_sanction "
                            + "WHERE tenant_id = ? AND room_id = ? ORDER BY created_at_ms")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long until = rs.getLong(3);
                        Long untilMs = rs.wasNull() ? null : until;
                        sanctions.add(new Sanction(rs.getLong(1), SanctionKind.valueOf(rs.getString(2)), untilMs,
                                rs.getLong(4), rs.getLong(5)));
                    }
                }
            }
            return new RoomRecord(slowMode, pinText, pinAt, likes, List.copyOf(sanctions));
        });
    }

    public void setSlowMode(long tenantId, long roomId, int seconds) {
        inTransaction(connection -> {
            updateRoom(connection, tenantId, roomId, "slow_mode_seconds = ?", seconds);
            return null;
        });
    }

    /** Pins {@code text}, or unpins with null. */
    public void setPin(long tenantId, long roomId, String text, long atMs) {
        inTransaction(connection -> {
            updateRoom(connection, tenantId, roomId, "pin_text = ?, pin_at_ms = ?", text, atMs);
            return null;
        });
    }

    /** Replaces the user's sanction of that kind in the room. */
    public void putSanction(long tenantId, long roomId, Sanction sanction) {
        inTransaction(connection -> {
            deleteSanction(connection, tenantId, roomId, sanction.userId(), sanction.kind());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO danmaku_sanction "
                    + "(tenant_id, room_id, user_id, kind, until_ms, by_user_id, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, tenantId);
                insert.setLong(2, roomId);
                insert.setLong(3, sanction.userId());
                insert.setString(4, sanction.kind().name());
                if (sanction.untilMs() == null) {
                    insert.setNull(5, Types.BIGINT);
                } else {
                    insert.setLong(5, sanction.untilMs());
                }
                insert.setLong(6, sanction.byUserId());
                insert.setLong(7, sanction.createdAtMs());
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** @return whether there was such a sanction */
    public boolean removeSanction(long tenantId, long roomId, long userId, SanctionKind kind) {
        return inTransaction(connection -> deleteSanction(connection, tenantId, roomId, userId, kind) > 0);
    }

    private static int deleteSanction(Connection connection, long tenantId, long roomId, long userId, SanctionKind kind)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM danmaku_sanction WHERE tenant_id = ? AND room_id = ? AND user_id = ? AND kind = ?")) {
            delete.setLong(1, tenantId);
            delete.setLong(2, roomId);
            delete.setLong(3, userId);
            delete.setString(4, kind.name());
            return delete.executeUpdate();
        }
    }

    /** The tenant's sensitive words, sorted. */
    public List<String> words(long tenantId) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT word FROM danmaku_sensitive_word WHERE tenant_id = ? ORDER BY word")) {
                select.setLong(1, tenantId);
                List<String> words = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        words.add(rs.getString(1));
                    }
                }
                return words;
            }
        });
    }

    /** The version of the tenant's list: 0 until the list is first saved. */
    public long wordsVersion(long tenantId) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version FROM danmaku_word_list WHERE tenant_id = ?")) {
                select.setLong(1, tenantId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** Replaces the tenant's list; returns its new version. */
    public long replaceWords(long tenantId, Collection<String> words) {
        return inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM danmaku_sensitive_word WHERE tenant_id = ?")) {
                delete.setLong(1, tenantId);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO danmaku_sensitive_word (tenant_id, word) VALUES (?, ?)")) {
                for (String word : words) {
                    insert.setLong(1, tenantId);
                    insert.setString(2, word);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            long version;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE danmaku_word_list SET version = version + 1 WHERE tenant_id = ?")) {
                update.setLong(1, tenantId);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO danmaku_word_list (tenant_id, version) VALUES (?, 1)")) {
                        insert.setLong(1, tenantId);
                        insert.executeUpdate();
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version FROM danmaku_word_list WHERE tenant_id = ?")) {
                select.setLong(1, tenantId);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            return version;
        });
    }

    /**
     * Sets columns of the room's row, creating the row first if the room has none. Two nodes may
     * create it at once: the loser's insert fails on the primary key, is undone to a savepoint (so
     * that PostgreSQL keeps the transaction usable) and the update runs on the winner's row.
     */
    private static void updateRoom(Connection connection, long tenantId, long roomId, String assignments,
            Object... values) throws SQLException {
        if (update(connection, tenantId, roomId, assignments, values) > 0) {
            return;
        }
        Savepoint beforeInsert = connection.setSavepoint();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO danmaku_room (tenant_id, room_id, slow_mode_seconds, likes) VALUES (?, ?, 0, 0)")) {
            insert.setLong(1, tenantId);
            insert.setLong(2, roomId);
            insert.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
            connection.rollback(beforeInsert);
        }
        update(connection, tenantId, roomId, assignments, values);
    }

    private static int update(Connection connection, long tenantId, long roomId, String assignments, Object... values)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE danmaku_room SET " + assignments + " WHERE tenant_id = ? AND room_id = ?")) {
            int index = 1;
            for (Object value : values) {
                if (value == null) {
                    update.setNull(index++, Types.VARCHAR);
                } else {
                    update.setObject(index++, value);
                }
            }
            update.setLong(index++, tenantId);
            update.setLong(index, roomId);
            return update.executeUpdate();
        }
    }

    private <T> T inTransaction(JdbcTransactions.Work<T> work) {
        try {
            return JdbcTransactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new StoreException("danmaku store", e);
        }
    }
}
