package io.edamame.slides.impl.store;

import io.edamame.core.api.DatabaseMigrations;
import io.edamame.core.api.JdbcTransactions;
import io.edamame.core.api.EdamameException;
import io.edamame.slides.api.PageTurn;
import io.edamame.slides.api.SlideDeck;
import io.edamame.slides.api.SlideErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The slides tables (changelog {@value #CHANGELOG}): decks, what each room shows now, and the timeline of
 * each live. Plain JDBC on the platform datasource, the same SQL on H2 and PostgreSQL.
 *
 * <p>Every method runs in one transaction of its own and throws {@link StoreException} when the database
 * fails. A room's turns and new decks lock its {@code slide_room} row first, so they are applied one after
 * the other in every node: the current deck read by a turn is still current when the turn commits, and a
 * replaced deck can be deleted without a turn referencing it behind our back.
 */
@Component(service = SlideStore.class)
public class SlideStore {

    public static final String CHANGELOG = "db/changelog/slides.xml";

    /** What a room shows now, and whether the page shown at the start of its live is in the timeline. */
    public record RoomRow(Long deckId, Integer page, Long changedAtMs, Long offsetMs, boolean timelineStarted) {
        static final RoomRow NONE = new RoomRow(null, null, null, null, false);
    }

    /** A turn as stored, with the deck's page count and whether it changed what the room shows. */
    public record Turned(PageTurn turn, int pageCount, boolean changed) {
    }

    /** A new deck made current: the page turn it makes and the replaced deck if it was deleted. */
    public record Committed(PageTurn turn, Optional<Long> deletedDeckId) {
    }

    private static final String DECK_COLUMNS =
            "id, tenant_id, room_id, file_name, page_count, size_bytes, sha256, render_width, uploaded_by, uploaded_at_ms";

    private final DataSource dataSource;
    private final String nextDeckIdSql;

    @Activate
    public SlideStore(@Reference(target = "(osgi.jndi.service.name=edamame)") DataSource dataSource,
            @Reference DatabaseMigrations migrations, BundleContext context) {
        this(dataSource);
        migrations.migrate(context.getBundle(), CHANGELOG);
    }

    /** Over a datasource whose schema is already migrated; for tests. */
    public SlideStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.nextDeckIdSql = isPostgres(dataSource)
                ? "SELECT nextval('slide_deck_seq')" : "SELECT NEXT VALUE FOR slide_deck_seq";
    }

    private static boolean isPostgres(DataSource dataSource) {
        try {
            return JdbcTransactions.isPostgres(dataSource);
        } catch (SQLException e) {
            throw new StoreException("reading the database product", e);
        }
    }

    /** An id no deck has had or will have; taken before the deck's files are published under it. */
    public long nextDeckId() {
        return inTransaction(connection -> {
            try (PreparedStatement next = connection.prepareStatement(nextDeckIdSql); ResultSet rs = next.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The deck {@code deckId} if it belongs to the room. */
    public Optional<SlideDeck> deck(long tenantId, long roomId, long deckId) {
        return inTransaction(connection -> selectDeck(connection, tenantId, roomId, deckId));
    }

    /** The room's current deck. */
    public Optional<SlideDeck> currentDeck(long tenantId, long roomId) {
        return inTransaction(connection -> {
            RoomRow row = selectRoom(connection, tenantId, roomId, false);
            return row.deckId() == null ? Optional.empty() : selectDeck(connection, tenantId, roomId, row.deckId());
        });
    }

    /** What the room shows now; {@link RoomRow#NONE}-like (no deck) for a room that never had a deck. */
    public RoomRow room(long tenantId, long roomId) {
        return inTransaction(connection -> selectRoom(connection, tenantId, roomId, false));
    }

    /**
     * Shows {@code page} of the room's current deck. With {@code offsetMs} (the room is live) the turn joins
     * the timeline, after the page shown at the start of the live if that is not there yet.
     *
     * @param startedAtMs when the live started; used with {@code offsetMs} only
     * @throws EdamameException {@code NO_DECK}, {@code PAGE_OUT_OF_RANGE}; nothing is written then
     */
    public Turned turn(long tenantId, long roomId, int page, long nowMs, Long offsetMs, Long startedAtMs) {
        return inTransaction(connection -> {
            RoomRow row = selectRoom(connection, tenantId, roomId, true);
            if (row.deckId() == null) {
                throw new EdamameException(SlideErrorCode.NO_DECK, "Room " + roomId + " has no slides yet");
            }
            SlideDeck deck = selectDeck(connection, tenantId, roomId, row.deckId()).orElseThrow(
                    () -> new IllegalStateException("room " + roomId + " shows deck " + row.deckId() + " that is gone"));
            if (!deck.hasPage(page)) {
                throw new EdamameException(SlideErrorCode.PAGE_OUT_OF_RANGE,
                        "Page " + page + " is not a page of the deck (1 to " + deck.pageCount() + ")",
                        List.of(Map.of("field", "page", "message", "must be 1 to " + deck.pageCount())));
            }
            if (row.page() != null && row.page() == page) {
                return new Turned(current(tenantId, roomId, row), deck.pageCount(), false);
            }
            Long offset = monotonic(offsetMs, row);
            if (offset != null) {
                startTimeline(connection, tenantId, roomId, row, startedAtMs);
                insertTurn(connection, tenantId, roomId, deck.id(), page, offset, nowMs);
            }
            updateRoom(connection, tenantId, roomId, deck.id(), page, nowMs, offset);
            return new Turned(new PageTurn(tenantId, roomId, deck.id(), page, offset, Instant.ofEpochMilli(nowMs)),
                    deck.pageCount(), true);
        });
    }

    /**
     * Stores {@code deck} and makes it the room's current deck at page 1; with {@code offsetMs} (the room is
     * live) that joins the timeline. The deck it replaces is deleted unless the timeline shows it.
     */
    public Committed commitDeck(SlideDeck deck, Long offsetMs, Long startedAtMs) {
        long tenantId = deck.tenantId();
        long roomId = deck.roomId();
        long nowMs = deck.uploadedAt().toEpochMilli();
        return inTransaction(connection -> {
            RoomRow row = lockOrCreateRoom(connection, tenantId, roomId);
            insertDeck(connection, deck);
            Long offset = monotonic(offsetMs, row);
            if (offset != null) {
                startTimeline(connection, tenantId, roomId, row, startedAtMs);
                insertTurn(connection, tenantId, roomId, deck.id(), 1, offset, nowMs);
            }
            updateRoom(connection, tenantId, roomId, deck.id(), 1, nowMs, offset);
            Optional<Long> deleted = Optional.empty();
            if (row.deckId() != null && deleteIfUnreferenced(connection, row.deckId())) {
                deleted = Optional.of(row.deckId());
            }
            return new Committed(new PageTurn(tenantId, roomId, deck.id(), 1, offset, deck.uploadedAt()), deleted);
        });
    }

    /** The room's timeline as stored, in order. */
    public List<PageTurn> timeline(long tenantId, long roomId) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT deck_id, page, offset_ms, at_ms FROM slide_page_turn "
                            + "WHERE tenant_id = ? AND room_id = ? ORDER BY offset_ms, id")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                List<PageTurn> turns = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        turns.add(new PageTurn(tenantId, roomId, rs.getLong(1), rs.getInt(2), rs.getLong(3),
                                Instant.ofEpochMilli(rs.getLong(4))));
                    }
                }
                return turns;
            }
        });
    }

    /** The decks of the room that its timeline shows, by id. */
    public List<SlideDeck> timelineDecks(long tenantId, long roomId) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + DECK_COLUMNS + " FROM slide_deck d "
                    + "WHERE tenant_id = ? AND room_id = ? AND EXISTS "
                    + "(SELECT 1 FROM slide_page_turn t WHERE t.deck_id = d.id) ORDER BY id")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                List<SlideDeck> decks = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        decks.add(deckOf(rs));
                    }
                }
                return decks;
            }
        });
    }

    /** Removes every row of the room (it was deleted); returns the ids of its decks. */
    public List<Long> deleteRoom(long tenantId, long roomId) {
        return inTransaction(connection -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id FROM slide_deck WHERE tenant_id = ? AND room_id = ?")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            for (String table : List.of("slide_page_turn", "slide_room", "slide_deck")) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE tenant_id = ? AND room_id = ?")) {
                    delete.setLong(1, tenantId);
                    delete.setLong(2, roomId);
                    delete.executeUpdate();
                }
            }
            return ids;
        });
    }

    private static PageTurn current(long tenantId, long roomId, RoomRow row) {
        return new PageTurn(tenantId, roomId, row.deckId(), row.page(), row.offsetMs(),
                Instant.ofEpochMilli(row.changedAtMs()));
    }

    /** Offsets of one room never go back, even when the clocks of two nodes disagree. */
    private static Long monotonic(Long offsetMs, RoomRow row) {
        if (offsetMs == null) {
            return null;
        }
        return row.offsetMs() == null ? Math.max(0, offsetMs) : Math.max(offsetMs, row.offsetMs());
    }

    /**
     * Puts the page the room showed when its live started into the timeline at offset 0, once: that page
     * was set before the live, when turns are not recorded.
     */
    private static void startTimeline(Connection connection, long tenantId, long roomId, RoomRow row,
            Long startedAtMs) throws SQLException {
        if (row.timelineStarted()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE slide_room SET timeline_started = TRUE WHERE tenant_id = ? AND room_id = ?")) {
            update.setLong(1, tenantId);
            update.setLong(2, roomId);
            update.executeUpdate();
        }
        if (row.deckId() != null && row.page() != null) {
            insertTurn(connection, tenantId, roomId, row.deckId(), row.page(), 0,
                    startedAtMs != null ? startedAtMs : row.changedAtMs());
        }
    }

    private static void insertTurn(Connection connection, long tenantId, long roomId, long deckId, int page,
            long offsetMs, long atMs) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO slide_page_turn "
                + "(tenant_id, room_id, deck_id, page, offset_ms, at_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, tenantId);
            insert.setLong(2, roomId);
            insert.setLong(3, deckId);
            insert.setInt(4, page);
            insert.setLong(5, offsetMs);
            insert.setLong(6, atMs);
            insert.executeUpdate();
        }
    }

    private static void updateRoom(Connection connection, long tenantId, long roomId, long deckId, int page,
            long nowMs, Long offsetMs) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE slide_room "
                + "SET deck_id = ?, page = ?, changed_at_ms = ?, offset_ms = ? WHERE tenant_id = ? AND room_id = ?")) {
            update.setLong(1, deckId);
            update.setInt(2, page);
            update.setLong(3, nowMs);
            if (offsetMs == null) {
                update.setNull(4, Types.BIGINT);
            } else {
                update.setLong(4, offsetMs);
            }
            update.setLong(5, tenantId);
            update.setLong(6, roomId);
            update.executeUpdate();
        }
    }

    private static void insertDeck(Connection connection, SlideDeck deck) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO slide_deck (" + DECK_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, deck.id());
            insert.setLong(2, deck.tenantId());
            insert.setLong(3, deck.roomId());
            insert.setString(4, deck.fileName());
            insert.setInt(5, deck.pageCount());
            insert.setLong(6, deck.sizeBytes());
            insert.setString(7, deck.sha256());
            insert.setInt(8, deck.renderWidth());
            insert.setLong(9, deck.uploadedBy());
            insert.setLong(10, deck.uploadedAt().toEpochMilli());
            insert.executeUpdate();
        }
    }

    /** Deletes a replaced deck's row unless a turn of the timeline shows it; whether it was deleted. */
    private static boolean deleteIfUnreferenced(Connection connection, long deckId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM slide_deck WHERE id = ? "
                + "AND NOT EXISTS (SELECT 1 FROM slide_page_turn WHERE deck_id = ?)")) {
            delete.setLong(1, deckId);
            delete.setLong(2, deckId);
            return delete.executeUpdate() > 0;
        }
    }

    private static Optional<SlideDeck> selectDeck(Connection connection, long tenantId, long roomId, long deckId)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + DECK_COLUMNS + " FROM slide_deck WHERE id = ? AND tenant_id = ? AND room_id = ?")) {
            select.setLong(1, deckId);
            select.setLong(2, tenantId);
            select.setLong(3, roomId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(deckOf(rs)) : Optional.empty();
            }
        }
    }

    private static SlideDeck deckOf(ResultSet rs) throws SQLException {
        return new SlideDeck(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getInt(5),
                rs.getLong(6), rs.getString(7), rs.getInt(8), rs.getLong(9), Instant.ofEpochMilli(rs.getLong(10)));
    }

    private static RoomRow selectRoom(Connection connection, long tenantId, long roomId, boolean lock)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT deck_id, page, changed_at_ms, offset_ms, timeline_started FROM slide_room "
                        + "WHERE tenant_id = ? AND room_id = ?" + (lock ? " FOR UPDATE" : ""))) {
            select.setLong(1, tenantId);
            select.setLong(2, roomId);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return RoomRow.NONE;
                }
                return new RoomRow(nullableLong(rs, 1), nullableInt(rs, 2), nullableLong(rs, 3), nullableLong(rs, 4),
                        rs.getBoolean(5));
            }
        }
    }

    /**
     * Locks the room's row, creating it first if the room has none. Two nodes may create it at once: the
     * loser's insert fails on the primary key, is undone to a savepoint (so that PostgreSQL keeps the
     * transaction usable), and it then locks the winner's row.
     */
    private static RoomRow lockOrCreateRoom(Connection connection, long tenantId, long roomId) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(
                "SELECT 1 FROM slide_room WHERE tenant_id = ? AND room_id = ?")) {
            exists.setLong(1, tenantId);
            exists.setLong(2, roomId);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return selectRoom(connection, tenantId, roomId, true);
                }
            }
        }
        Savepoint beforeInsert = connection.setSavepoint();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO slide_room (tenant_id, room_id, timeline_started) VALUES (?, ?, FALSE)")) {
            insert.setLong(1, tenantId);
            insert.setLong(2, roomId);
            insert.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
            connection.rollback(beforeInsert);
        }
        return selectRoom(connection, tenantId, roomId, true);
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private <T> T inTransaction(JdbcTransactions.Work<T> work) {
        try {
            return JdbcTransactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new StoreException("slides store", e);
        }
    }
}
