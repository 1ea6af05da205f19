package io.edamame.wechat.impl.store;

import io.edamame.core.api.DatabaseMigrations;
import io.edamame.core.api.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The WeChat plugin's tables (changelog {@value #CHANGELOG}), shared by every node: credentials and their fetch
 * leases, room codes, "room is starting" subscriptions, followers, and the nonces and OAuth states that are good
 * once. Plain JDBC on the platform datasource, the same SQL on H2 and PostgreSQL; every method is one
 * transaction and throws {@link StoreException} when the database fails.
 */
@Component(service = WeChatStore.class)
public class WeChatStore {

    public static final String CHANGELOG = "db/changelog/wechat.xml";

    /** SQLSTATE of a unique constraint violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** A credential as stored; {@code value} null before the first fetch. */
    public record Credential(String value, long expiresAtMs) {
    }

    /** Channels of "room is starting" subscriptions. */
    public enum Channel {
        /** A mini-program subscribe message. */
        MINIAPP,
        /** A service account template message. */
        MP
    }

    /** A subscription claimed for sending. */
    public record Subscription(long id, long tenantId, long roomId, long userId, Channel channel, String appId,
                               String openid) {
    }

    /** A subscription as the tenant admin sees it. */
    public record SubscriptionRow(long id, long userId, Channel channel, String status, String error,
                                  long createdAtMs, Long sentAtMs) {
    }

    /** An OAuth login under way. */
    public record OAuthState(String state, long tenantId, long roomId, String scope, String returnUrl,
                             long createdAtMs) {
    }

    private final DataSource dataSource;

    @Activate
    public WeChatStore(@Reference(target = "(osgi.jndi.service.name=edamame)") DataSource dataSource,
                       @Reference DatabaseMigrations migrations, BundleContext context) {
        this(dataSource);
        migrations.migrate(context.getBundle(), CHANGELOG);
    }

    /** Over a datasource whose schema is already migrated; for tests. */
    public WeChatStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    // ---- credentials

    public Optional<Credential> credential(String appId, String kind) {
        return inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT credential, expires_at_ms FROM wechat_credential WHERE app_id = ? AND kind = ?")) {
                select.setString(1, appId);
                select.setString(2, kind);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(new Credential(rs.getString(1), rs.getLong(2))) : Optional.empty();
                }
            }
        });
    }

    /** Saves a freshly fetched credential for every node. */
    public void saveCredential(String appId, String kind, String value, long expiresAtMs) {
        inTransaction(c -> {
            ensureCredentialRow(c, appId, kind);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE wechat_credential SET credential = ?, expires_at_ms = ? WHERE app_id = ? AND kind = ?")) {
                update.setString(1, value);
                update.setLong(2, expiresAtMs);
                update.setString(3, appId);
                update.setString(4, kind);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Marks {@code value} expired, unless another node has already replaced it: the node that saw WeChat refuse
     * an old token must not throw away the new one.
     */
    public boolean expireCredential(String appId, String kind, String value) {
        return inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE wechat_credential SET expires_at_ms = 0 "
                    + "WHERE app_id = ? AND kind = ? AND credential = ?")) {
                update.setString(1, appId);
                update.setString(2, kind);
                update.setString(3, value);
                return update.executeUpdate() > 0;
            }
        });
    }

    /** Takes the fetch lease of a credential if no other owner holds an unexpired one. */
    public boolean tryLease(String appId, String kind, String owner, long nowMs, long leaseMs) {
        return inTransaction(c -> {
            ensureCredentialRow(c, appId, kind);
            try (PreparedStatement update = c.prepareStatement("UPDATE wechat_credential SET lease_owner = ?, "
                    + "lease_until_ms = ? WHERE app_id = ? AND kind = ? AND (lease_owner IS NULL OR lease_owner = ? "
                    + "OR lease_until_ms < ?)")) {
                update.setString(1, owner);
                update.setLong(2, nowMs + leaseMs);
                update.setString(3, appId);
                update.setString(4, kind);
                update.setString(5, owner);
                update.setLong(6, nowMs);
                return update.executeUpdate() > 0;
            }
        });
    }

    public void releaseLease(String appId, String kind, String owner) {
        inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE wechat_credential SET lease_owner = NULL, "
                    + "lease_until_ms = 0 WHERE app_id = ? AND kind = ? AND lease_owner = ?")) {
                update.setString(1, appId);
                update.setString(2, kind);
                update.setString(3, owner);
                update.executeUpdate();
            }
            return null;
        });
    }

    private static void ensureCredentialRow(Connection c, String appId, String kind) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT 1 FROM wechat_credential WHERE app_id = ? AND kind = ?")) {
            select.setString(1, appId);
            select.setString(2, kind);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        insertUnlessDuplicate(c, "INSERT INTO wechat_credential (app_id, kind, expires_at_ms, lease_until_ms) "
                + "VALUES (?, ?, 0, 0)", insert -> {
                    insert.setString(1, appId);
                    insert.setString(2, kind);
                });
    }

    // ---- room codes

    public Optional<byte[]> roomCode(long tenantId, long roomId, String cacheKey) {
        return inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT image FROM wechat_room_code "
                    + "WHERE tenant_id = ? AND room_id = ? AND cache_key = ?")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                select.setString(3, cacheKey);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /** Keeps a room's code; a code another node saved meanwhile is kept instead (they are equivalent). */
    public void saveRoomCode(long tenantId, long roomId, String cacheKey, byte[] image, long nowMs) {
        inTransaction(c -> {
            insertUnlessDuplicate(c, "INSERT INTO wechat_room_code "
                    + "(tenant_id, room_id, cache_key, image, created_at_ms) VALUES (?, ?, ?, ?, ?)", insert -> {
                        insert.setLong(1, tenantId);
                        insert.setLong(2, roomId);
                        insert.setString(3, cacheKey);
                        insert.setBytes(4, image);
                        insert.setLong(5, nowMs);
                    });
            return null;
        });
    }

    /** Forgets a deleted room's codes and subscriptions. */
    public void deleteRoom(long tenantId, long roomId) {
        inTransaction(c -> {
            for (String table : List.of("wechat_room_code", "wechat_room_subscription")) {
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM " + table + " WHERE tenant_id = ? AND room_id = ?")) {
                    delete.setLong(1, tenantId);
                    delete.setLong(2, roomId);
                    delete.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---- subscriptions

    /**
     * Records that a user wants to be told when the room starts; asking again while one is pending changes
     * nothing, and asking after one was sent or failed asks anew (a subscribe message is good for one send).
     *
     * @return whether a new pending subscription was made
     */
    public boolean subscribe(long tenantId, long roomId, long userId, Channel channel, String appId, String openid,
                             long nowMs) {
        return inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE wechat_room_subscription SET status = 'PENDING', "
                    + "app_id = ?, openid = ?, error = NULL, created_at_ms = ?, sent_at_ms = NULL "
                    + "WHERE tenant_id = ? AND room_id = ? AND user_id = ? AND channel = ? AND status <> 'PENDING' "
                    + "AND status <> 'SENDING'")) {
                update.setString(1, appId);
                update.setString(2, openid);
                update.setLong(3, nowMs);
                update.setLong(4, tenantId);
                update.setLong(5, roomId);
                update.setLong(6, userId);
                update.setString(7, channel.name());
                if (update.executeUpdate() > 0) {
                    return true;
                }
            }
            return insertUnlessDuplicate(c, "INSERT INTO wechat_room_subscription (tenant_id, room_id, user_id, "
                    + "channel, app_id, openid, status, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?)", insert -> {
                        insert.setLong(1, tenantId);
                        insert.setLong(2, roomId);
                        insert.setLong(3, userId);
                        insert.setString(4, channel.name());
                        insert.setString(5, appId);
                        insert.setString(6, openid);
                        insert.setLong(7, nowMs);
                    });
        });
    }

    /** Withdraws a pending subscription. @return whether there was one */
    public boolean unsubscribe(long tenantId, long roomId, long userId, Channel channel) {
        return inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM wechat_room_subscription WHERE tenant_id = ? "
                    + "AND room_id = ? AND user_id = ? AND channel = ? AND status = 'PENDING'")) {
                delete.setLong(1, tenantId);
                delete.setLong(2, roomId);
                delete.setLong(3, userId);
                delete.setString(4, channel.name());
                return delete.executeUpdate() > 0;
            }
        });
    }

    /**
     * Claims up to {@code limit} pending subscriptions of a room for sending. A row is claimed by exactly one
     * caller in the cluster (the update from PENDING to SENDING decides), so each is sent once.
     */
    public List<Subscription> claimPending(long tenantId, long roomId, int limit, long nowMs) {
        return inTransaction(c -> {
            List<Subscription> candidates = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id, user_id, channel, app_id, openid "
                    + "FROM wechat_room_subscription WHERE tenant_id = ? AND room_id = ? AND status = 'PENDING' "
                    + "ORDER BY id")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                select.setMaxRows(limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(new Subscription(rs.getLong(1), tenantId, roomId, rs.getLong(2),
                                Channel.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            List<Subscription> claimed = new ArrayList<>();
            try (PreparedStatement claim = c.prepareStatement("UPDATE wechat_room_subscription SET status = 'SENDING', "
                    + "claimed_at_ms = ? WHERE id = ? AND status = 'PENDING'")) {
                for (Subscription candidate : candidates) {
                    claim.setLong(1, nowMs);
                    claim.setLong(2, candidate.id());
                    if (claim.executeUpdate() > 0) {
                        claimed.add(candidate);
                    }
                }
            }
            return claimed;
        });
    }

    /** Records the outcome of sending a claimed subscription; {@code error} null when it was sent. */
    public void finish(long subscriptionId, String error, long nowMs) {
        inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE wechat_room_subscription SET status = ?, "
                    + "error = ?, sent_at_ms = ? WHERE id = ? AND status = 'SENDING'")) {
                update.setString(1, error == null ? "SENT" : "FAILED");
                update.setString(2, error == null ? null : truncate(error, 500));
                update.setLong(3, nowMs);
                update.setLong(4, subscriptionId);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Marks FAILED the reminders a node claimed and never finished (it stopped while sending), so that they do
     * not stay SENDING for ever; the user may ask again. Only rows claimed before {@code claimedBeforeMs}: when
     * they were asked for says nothing of whether a node is sending them now.
     */
    public int releaseAbandonedClaims(long claimedBeforeMs) {
        return inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE wechat_room_subscription SET status = 'FAILED', "
                    + "error = 'interrupted: the node sending it stopped' WHERE status = 'SENDING' "
                    + "AND (claimed_at_ms IS NULL OR claimed_at_ms < ?)")) {
                update.setLong(1, claimedBeforeMs);
                return update.executeUpdate();
            }
        });
    }

    public List<SubscriptionRow> subscriptions(long tenantId, long roomId, int limit) {
        return inTransaction(c -> {
            List<SubscriptionRow> rows = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id, user_id, channel, status, error, "
                    + "created_at_ms, sent_at_ms FROM wechat_room_subscription WHERE tenant_id = ? AND room_id = ? "
                    + "ORDER BY id")) {
                select.setLong(1, tenantId);
                select.setLong(2, roomId);
                select.setMaxRows(limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long sentAt = rs.getLong(7);
                        // wasNull() speaks of the last column read: ask it right after sent_at_ms.
                        Long sent = rs.wasNull() ? null : sentAt;
                        rows.add(new SubscriptionRow(rs.getLong(1), rs.getLong(2), Channel.valueOf(rs.getString(3)),
                                rs.getString(4), rs.getString(5), rs.getLong(6), sent));
                    }
                }
            }
            return rows;
        });
    }

    // ---- followers

    /** Records a follow or an unfollow of the service account. */
    public void recordFollow(long tenantId, String appId, String openid, boolean following, String scene, long nowMs) {
        inTransaction(c -> {
            String set = following ? "following = TRUE, scene = ?, followed_at_ms = ?"
                    : "following = FALSE, unfollowed_at_ms = ?";
            try (PreparedStatement update = c.prepareStatement("UPDATE wechat_follower SET " + set
                    + " WHERE tenant_id = ? AND app_id = ? AND openid = ?")) {
                int i = 1;
                if (following) {
                    update.setString(i++, scene);
                }
                update.setLong(i++, nowMs);
                update.setLong(i++, tenantId);
                update.setString(i++, appId);
                update.setString(i, openid);
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO wechat_follower (tenant_id, app_id, openid, "
                    + "following, scene, followed_at_ms, unfollowed_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, tenantId);
                insert.setString(2, appId);
                insert.setString(3, openid);
                insert.setBoolean(4, following);
                insert.setString(5, following ? scene : null);
                insert.setObject(6, following ? nowMs : null, java.sql.Types.BIGINT);
                insert.setObject(7, following ? null : nowMs, java.sql.Types.BIGINT);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** Whether the openid follows the service account, as far as the message endpoint has seen. */
    public Optional<Boolean> following(long tenantId, String appId, String openid) {
        return inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT following FROM wechat_follower "
                    + "WHERE tenant_id = ? AND app_id = ? AND openid = ?")) {
                select.setLong(1, tenantId);
                select.setString(2, appId);
                select.setString(3, openid);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
                }
            }
        });
    }

    // ---- nonces and OAuth states

    /**
     * Accepts a nonce once per scope in the whole cluster, and forgets nonces seen before
     * {@code forgetBeforeMs} (they are refused by their timestamp anyway).
     *
     * @return false if the nonce was already seen
     */
    public boolean acceptNonce(String scope, String nonce, long nowMs, long forgetBeforeMs) {
        return inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM wechat_nonce WHERE seen_at_ms < ?")) {
                delete.setLong(1, forgetBeforeMs);
                delete.executeUpdate();
            }
            return insertUnlessDuplicate(c, "INSERT INTO wechat_nonce (scope, nonce, seen_at_ms) VALUES (?, ?, ?)",
                    insert -> {
                        insert.setString(1, scope);
                        insert.setString(2, nonce);
                        insert.setLong(3, nowMs);
                    });
        });
    }

    public void saveOAuthState(OAuthState state) {
        inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO wechat_oauth_state (state, tenant_id, "
                    + "room_id, scope, return_url, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, state.state());
                insert.setLong(2, state.tenantId());
                insert.setLong(3, state.roomId());
                insert.setString(4, state.scope());
                insert.setString(5, state.returnUrl());
                insert.setLong(6, state.createdAtMs());
                insert.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Takes an OAuth state out: it is good once, whatever happens next. Also forgets states created before
     * {@code forgetBeforeMs}.
     */
    public Optional<OAuthState> takeOAuthState(String state, long forgetBeforeMs) {
        return inTransaction(c -> {
            Optional<OAuthState> found = Optional.empty();
            try (PreparedStatement select = c.prepareStatement("SELECT tenant_id, room_id, scope, return_url, "
                    + "created_at_ms FROM wechat_oauth_state WHERE state = ?")) {
                select.setString(1, state);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        found = Optional.of(new OAuthState(state, rs.getLong(1), rs.getLong(2), rs.getString(3),
                                rs.getString(4), rs.getLong(5)));
                    }
                }
            }
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM wechat_oauth_state WHERE state = ? OR created_at_ms < ?")) {
                delete.setString(1, state);
                delete.setLong(2, forgetBeforeMs);
                // Two callbacks with the same state: only the one that deleted it may use it.
                if (delete.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return found.filter(s -> s.createdAtMs() >= forgetBeforeMs);
        });
    }

    // ---- plumbing

    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    /**
     * Inserts a row unless a unique constraint refuses it. Behind a savepoint: PostgreSQL aborts the whole
     * transaction on a failed statement, and the rest of the transaction must go on.
     *
     * @return whether the row was inserted
     */
    private static boolean insertUnlessDuplicate(Connection c, String sql, Parameters parameters) throws SQLException {
        Savepoint savepoint = c.setSavepoint();
        try (PreparedStatement insert = c.prepareStatement(sql)) {
            parameters.set(insert);
            insert.executeUpdate();
            c.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(savepoint);
            return false;
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private <T> T inTransaction(JdbcTransactions.Work<T> work) {
        try {
            return JdbcTransactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new StoreException("wechat store", e);
        }
    }
}
