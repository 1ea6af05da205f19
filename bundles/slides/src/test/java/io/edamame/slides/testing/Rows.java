package io.edamame.slides.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** Counts a room's rows in the slides tables, to check that nothing was left behind. */
public final class Rows {

    public static final List<String> TABLES = List.of("slide_deck", "slide_room", "slide_page_turn");

    private Rows() {
    }

    public static long count(DataSource dataSource, String table, long tenantId, long roomId) {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not a slides table: " + table);
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT COUNT(*) FROM " + table + " WHERE tenant_id = ? AND room_id = ?")) {
            select.setLong(1, tenantId);
            select.setLong(2, roomId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of the room in every slides table. */
    public static long all(DataSource dataSource, long tenantId, long roomId) {
        return TABLES.stream().mapToLong(table -> count(dataSource, table, tenantId, roomId)).sum();
    }
}
