package io.edamame.media.impl.store;

import io.edamame.core.api.DatabaseMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The plugin's tables, in plain JDBC on the platform's datasource (the same SQL on H2 and PostgreSQL):
 * recording segments. The schema is the changelog {@value #CHANGELOG}, migrated on activation.
 */
@Component(service = MediaStore.class)
public class MediaStore {

    public static final String CHANGELOG = "db/changelog/media-kurento.xml";

    private static final String COLUMNS = "id, tenant_id, room_id, segment, uri, media_profile, status, started_at, "
            + "ended_at, duration_ms, size_bytes, error";

    private final DataSource dataSource;

    @Activate
    public MediaStore(@Reference(target = "(osgi.jndi.service.name=edamame)") DataSource dataSource,
                      @Reference DatabaseMigrations migrations, BundleContext context) {
        this(dataSource);
        migrations.migrate(context.getBundle(), CHANGELOG);
    }

    /** For tests, on a datasource already migrated. */
    public MediaStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The next segment number of a room: one more than the last. */
    public int nextSegment(long tenantId, long roomId) {
        return query("SELECT COALESCE(MAX(segment), 0) + 1 FROM media_recording WHERE tenant_id = ? AND room_id = ?",
                statement -> {
                    statement.setLong(1, tenantId);
                    statement.setLong(2, roomId);
                }, rows -> rows.next() ? rows.getInt(1) : 1);
    }

    /** Records that a segment starts; its uri is set once the id is known ({@link #setUri}). */
    public long begin(long tenantId, long roomId, int segment, String mediaProfile, Instant startedAt, String nodeId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO media_recording (tenant_id, room_id, segment, uri, media_profile, status, started_at, "
                             + "node_id) VALUES (?, ?, ?, '', ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setLong(1, tenantId);
            insert.setLong(2, roomId);
            insert.setInt(3, segment);
            insert.setString(4, mediaProfile);
            insert.setString(5, RecordingStatus.RECORDING.name());
            insert.setTimestamp(6, Timestamp.from(startedAt));
            insert.setString(7, nodeId);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new MediaStoreException("no id for the new recording", null);
                }
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new MediaStoreException("recording of room " + roomId + " not stored", e);
        }
    }

    public void setUri(long id, String uri) {
        update("UPDATE media_recording SET uri = ? WHERE id = ?", statement -> {
            statement.setString(1, uri);
            statement.setLong(2, id);
        });
    }

    /**
     * Closes a segment that is still {@code RECORDING}, as read by the caller; one closed meanwhile is
     * left as it is.
     */
    public void finish(Recording recording, RecordingStatus status, Instant endedAt, Long sizeBytes, String error) {
        long durationMs = Math.max(0, endedAt.toEpochMilli() - recording.startedAt().toEpochMilli());
        update("UPDATE media_recording SET status = ?, ended_at = ?, duration_ms = ?, size_bytes = ?, error = ? "
                + "WHERE id = ? AND status = 'RECORDING'", statement -> {
            statement.setString(1, status.name());
            statement.setTimestamp(2, Timestamp.from(endedAt));
            statement.setLong(3, durationMs);
            setLong(statement, 4, sizeBytes);
            statement.setString(5, error == null ? null : error.substring(0, Math.min(error.length(), 500)));
            statement.setLong(6, recording.id());
        });
    }

    public Optional<Recording> find(long id) {
        return query("SELECT " + COLUMNS + " FROM media_recording WHERE id = ?",
                statement -> statement.setLong(1, id), rows -> rows.next() ? Optional.of(row(rows)) : Optional.empty());
    }

    /** The segments of a room, oldest first. */
    public List<Recording> forRoom(long tenantId, long roomId) {
        return query("SELECT " + COLUMNS + " FROM media_recording WHERE tenant_id = ? AND room_id = ? ORDER BY segment",
                statement -> {
                    statement.setLong(1, tenantId);
                    statement.setLong(2, roomId);
                }, rows -> {
                    List<Recording> found = new ArrayList<>();
                    while (rows.next()) {
                        found.add(row(rows));
                    }
                    return found;
                });
    }

    /**
     * The segments {@code nodeId} left {@code RECORDING}: after a restart of that node nobody records
     * them any more, and they are closed as interrupted.
     */
    public List<Recording> recordingOn(String nodeId) {
        return query("SELECT " + COLUMNS + " FROM media_recording WHERE status = 'RECORDING' AND node_id = ?",
                statement -> statement.setString(1, nodeId), rows -> {
                    List<Recording> found = new ArrayList<>();
                    while (rows.next()) {
                        found.add(row(rows));
                    }
                    return found;
                });
    }

    private static Recording row(ResultSet rows) throws SQLException {
        Timestamp ended = rows.getTimestamp("ended_at");
        return new Recording(rows.getLong("id"), rows.getLong("tenant_id"), rows.getLong("room_id"),
                rows.getInt("segment"), rows.getString("uri"), rows.getString("media_profile"),
                RecordingStatus.valueOf(rows.getString("status")), rows.getTimestamp("started_at").toInstant(),
                ended == null ? null : ended.toInstant(), nullableLong(rows, "duration_ms"),
                nullableLong(rows, "size_bytes"), rows.getString("error"));
    }

    private static Long nullableLong(ResultSet rows, String column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                return reader.read(rows);
            }
        } catch (SQLException e) {
            throw new MediaStoreException(sql, e);
        }
    }

    private void update(String sql, Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new MediaStoreException(sql, e);
        }
    }
}
