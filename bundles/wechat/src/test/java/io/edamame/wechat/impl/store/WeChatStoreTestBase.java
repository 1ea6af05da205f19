package io.edamame.wechat.impl.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.wechat.impl.store.WeChatStore.Channel;
import io.edamame.wechat.impl.store.WeChatStore.OAuthState;
import io.edamame.wechat.impl.store.WeChatStore.Subscription;
import io.edamame.wechat.impl.store.WeChatStore.SubscriptionRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin's tables on a real database, each kind of database running every test: what is good once is taken
 * once, also by callers racing for it.
 */
abstract class WeChatStoreTestBase extends DatabaseTest {

    private static final AtomicLong IDS = new AtomicLong(1000);
    static final long T0 = 1_700_000_000_000L;

    WeChatStore store;
    ExecutorService threads;

    WeChatStoreTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeAll
    void migrate() {
        if (core != null) {
            CoreServices.migrate(core.dataSource, WeChatStore.CHANGELOG, WeChatStore.class.getClassLoader());
            store = new WeChatStore(core.dataSource);
        }
        threads = Executors.newFixedThreadPool(8);
    }

    @AfterAll
    void stopThreads() {
        threads.shutdownNow();
    }

    static long id() {
        return IDS.incrementAndGet();
    }

    static String app() {
        return "wx" + String.format("%016x", id());
    }

    /** Runs {@code callers} at once (released together) and returns their results. */
    <T> List<T> race(List<Callable<T>> callers) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> caller : callers) {
            futures.add(threads.submit(() -> {
                start.await();
                return caller.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    // --- credentials and their leases ---------------------------------------------------------------------

    @Test
    void aCredentialIsSharedAndExpiredOnlyWhileStillTheOneStored() {
        String app = app();
        assertEquals(Optional.empty(), store.credential(app, "access_token"));
        store.saveCredential(app, "access_token", "AT-1", T0 + 7_000_000);
        assertEquals(Optional.of(new WeChatStore.Credential("AT-1", T0 + 7_000_000)),
                store.credential(app, "access_token"));
        assertEquals(Optional.empty(), store.credential(app, "jsapi_ticket"), "kinds are apart");

        store.saveCredential(app, "access_token", "AT-2", T0 + 8_000_000);
        assertFalse(store.expireCredential(app, "access_token", "AT-1"), "a node holding the old one");
        assertEquals(T0 + 8_000_000, store.credential(app, "access_token").orElseThrow().expiresAtMs());
        assertTrue(store.expireCredential(app, "access_token", "AT-2"));
        assertEquals(new WeChatStore.Credential("AT-2", 0), store.credential(app, "access_token").orElseThrow());
    }

    @Test
    void aLeaseHasOneOwnerUntilReleasedOrExpired() {
        String app = app();
        assertTrue(store.tryLease(app, "access_token", "node-a", T0, 15_000));
        assertFalse(store.tryLease(app, "access_token", "node-b", T0 + 1_000, 15_000));
        assertTrue(store.tryLease(app, "access_token", "node-a", T0 + 2_000, 15_000), "the owner may renew it");
        assertTrue(store.tryLease(app, "jsapi_ticket", "node-b", T0, 15_000), "another credential's lease");

        store.releaseLease(app, "access_token", "node-b");
        assertFalse(store.tryLease(app, "access_token", "node-b", T0 + 3_000, 15_000), "only the owner releases");
        store.releaseLease(app, "access_token", "node-a");
        assertTrue(store.tryLease(app, "access_token", "node-b", T0 + 3_000, 15_000));

        assertFalse(store.tryLease(app, "access_token", "node-c", T0 + 3_000 + 15_000, 15_000));
        assertTrue(store.tryLease(app, "access_token", "node-c", T0 + 3_000 + 15_001, 15_000),
                "the lease of a node that died while fetching runs out");
        assertEquals(Optional.of(new WeChatStore.Credential(null, 0)), store.credential(app, "access_token"),
                "a lease alone has no credential yet");
    }

    @Test
    void racingNodesGetOneLease() throws Exception {
        for (int round = 0; round < 5; round++) {
            String app = app();
            List<Callable<Boolean>> nodes = new ArrayList<>();
            for (int node = 0; node < 8; node++) {
                String owner = "node-" + node;
                nodes.add(() -> store.tryLease(app, "access_token", owner, T0, 15_000));
            }
            assertEquals(1, race(nodes).stream().filter(Boolean::booleanValue).count(), "round " + round);
        }
    }

    // --- nonces and OAuth states --------------------------------------------------------------------------

    @Test
    void aNonceIsAcceptedOncePerScopeUntilForgotten() {
        String scope = "portal:" + app();
        assertTrue(store.acceptNonce(scope, "1700000000:n1", T0, T0 - 600_000));
        assertFalse(store.acceptNonce(scope, "1700000000:n1", T0 + 1, T0 - 600_000));
        assertTrue(store.acceptNonce(scope, "1700000001:n1", T0 + 1, T0 - 600_000), "same nonce, other second");
        assertTrue(store.acceptNonce("portal:" + app(), "1700000000:n1", T0 + 1, T0 - 600_000), "other app");
        assertTrue(store.acceptNonce(scope, "1700000000:n1", T0 + 700_000, T0 + 100_000),
                "forgotten once older than the window (and then refused by its timestamp anyway)");
    }

    @Test
    void racingRequestsWithOneNonceHaveOneAccepted() throws Exception {
        String scope = "portal:" + app();
        List<Callable<Boolean>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(() -> store.acceptNonce(scope, "1700000000:race", T0, T0 - 600_000));
        }
        assertEquals(1, race(requests).stream().filter(Boolean::booleanValue).count());
    }

    @Test
    void anOAuthStateIsTakenOnceAndNotAfterItExpired() {
        OAuthState state = new OAuthState("state-" + id(), 7, 42, "snsapi_base", "https://live.example.com/rooms/42", T0);
        store.saveOAuthState(state);
        assertEquals(Optional.of(state), store.takeOAuthState(state.state(), T0 - 600_000));
        assertEquals(Optional.empty(), store.takeOAuthState(state.state(), T0 - 600_000), "used");

        OAuthState old = new OAuthState("state-" + id(), 7, 42, "snsapi_userinfo", "https://x.example/r/42", T0);
        store.saveOAuthState(old);
        assertEquals(Optional.empty(), store.takeOAuthState(old.state(), T0 + 1), "expired");
        assertEquals(Optional.empty(), store.takeOAuthState(old.state(), T0 - 600_000), "and gone");

        OAuthState forgotten = new OAuthState("state-" + id(), 7, 42, "snsapi_base", "https://x.example/r/42", T0);
        store.saveOAuthState(forgotten);
        store.takeOAuthState("another-state", T0 + 1);
        assertEquals(Optional.empty(), store.takeOAuthState(forgotten.state(), T0 - 600_000),
                "expired states are deleted by any callback");
    }

    @Test
    void racingCallbacksWithOneStateHaveOneLogin() throws Exception {
        OAuthState state = new OAuthState("state-" + id(), 7, 42, "snsapi_base", "https://x.example/r/42", T0);
        store.saveOAuthState(state);
        List<Callable<Optional<OAuthState>>> callbacks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callbacks.add(() -> store.takeOAuthState(state.state(), T0 - 600_000));
        }
        assertEquals(1, race(callbacks).stream().filter(Optional::isPresent).count());
    }

    // --- subscriptions ------------------------------------------------------------------------------------

    @Test
    void aSubscriptionIsPendingOnceAndMayBeAskedAgainAfterItWasSent() {
        long tenant = id();
        long room = id();
        assertTrue(store.subscribe(tenant, room, 5, Channel.MINIAPP, "wxa", "o-5", T0));
        assertFalse(store.subscribe(tenant, room, 5, Channel.MINIAPP, "wxa", "o-5", T0 + 1), "already pending");
        assertTrue(store.subscribe(tenant, room, 5, Channel.MP, "wxb", "o-5b", T0), "another channel");

        List<Subscription> claimed = store.claimPending(tenant, room, 10, T0);
        assertEquals(2, claimed.size());
        assertEquals(new Subscription(claimed.get(0).id(), tenant, room, 5, Channel.MINIAPP, "wxa", "o-5"),
                claimed.get(0));
        assertFalse(store.subscribe(tenant, room, 5, Channel.MINIAPP, "wxa", "o-5", T0 + 2), "being sent");
        assertFalse(store.unsubscribe(tenant, room, 5, Channel.MINIAPP), "being sent: too late to withdraw");

        store.finish(claimed.get(0).id(), null, T0 + 10);
        store.finish(claimed.get(1).id(), "x".repeat(900), T0 + 11);
        store.finish(claimed.get(0).id(), "late", T0 + 12);
        List<SubscriptionRow> rows = store.subscriptions(tenant, room, 10);
        assertEquals(List.of(new SubscriptionRow(claimed.get(0).id(), 5, Channel.MINIAPP, "SENT", null, T0, T0 + 10),
                new SubscriptionRow(claimed.get(1).id(), 5, Channel.MP, "FAILED", "x".repeat(500), T0, T0 + 11)), rows,
                "a finished one is finished once; errors are cut to the column");

        assertTrue(store.subscribe(tenant, room, 5, Channel.MINIAPP, "wxa", "o-5", T0 + 20), "a new subscribe message");
        assertEquals(new SubscriptionRow(claimed.get(0).id(), 5, Channel.MINIAPP, "PENDING", null, T0 + 20, null),
                store.subscriptions(tenant, room, 10).get(0));
        assertTrue(store.unsubscribe(tenant, room, 5, Channel.MINIAPP));
        assertFalse(store.unsubscribe(tenant, room, 5, Channel.MINIAPP));
        assertEquals(List.of(), store.claimPending(tenant, room, 10, T0));
    }

    @Test
    void racingSendersClaimEverySubscriptionExactlyOnce() throws Exception {
        long tenant = id();
        long room = id();
        for (long user = 1; user <= 60; user++) {
            store.subscribe(tenant, room, user, Channel.MINIAPP, "wxa", "o-" + user, T0);
        }
        store.subscribe(tenant, id(), 1, Channel.MINIAPP, "wxa", "o-1", T0);
        List<Callable<List<Long>>> senders = new ArrayList<>();
        for (int sender = 0; sender < 4; sender++) {
            senders.add(() -> {
                List<Long> mine = new ArrayList<>();
                List<Subscription> batch;
                while (!(batch = store.claimPending(tenant, room, 7, T0)).isEmpty()) {
                    batch.forEach(s -> mine.add(s.userId()));
                }
                return mine;
            });
        }
        List<Long> all = new ArrayList<>();
        race(senders).forEach(all::addAll);
        assertEquals(60, all.size(), "no subscription claimed twice: " + all);
        assertEquals(60, new HashSet<>(all).size());
        assertTrue(store.subscriptions(tenant, room, 100).stream().allMatch(r -> r.status().equals("SENDING")));
    }

    @Test
    void claimsOfANodeThatStoppedAreReleasedAsFailed() {
        long tenant = id();
        long room = id();
        store.subscribe(tenant, room, 1, Channel.MP, "wxa", "o-1", T0);
        store.subscribe(tenant, room, 2, Channel.MP, "wxa", "o-2", T0);
        store.claimPending(tenant, room, 1, T0 + 60_000);
        store.claimPending(tenant, room, 1, T0 + 3_600_000);
        store.subscribe(tenant, room, 3, Channel.MP, "wxa", "o-3", T0);

        // Across tenants: other tests' claims may be released too, so the rows tell, not the count.
        store.releaseAbandonedClaims(T0 + 3_000_000);

        List<SubscriptionRow> rows = store.subscriptions(tenant, room, 10);
        assertEquals("FAILED", rows.get(0).status());
        assertTrue(rows.get(0).error().contains("interrupted"));
        assertEquals("SENDING", rows.get(1).status(), "claimed recently, however long ago it was asked for");
        assertEquals("PENDING", rows.get(2).status());
    }

    // --- room codes, followers ----------------------------------------------------------------------------

    @Test
    void aRoomCodeIsKeptOnceAndForgottenWithTheRoom() {
        long tenant = id();
        long room = id();
        assertEquals(Optional.empty(), store.roomCode(tenant, room, "k"));
        store.saveRoomCode(tenant, room, "k", new byte[] {1, 2, 3}, T0);
        store.saveRoomCode(tenant, room, "k", new byte[] {9}, T0 + 1);
        assertArrayEquals(new byte[] {1, 2, 3}, store.roomCode(tenant, room, "k").orElseThrow(),
                "the first one made is kept");
        assertEquals(Optional.empty(), store.roomCode(tenant, room, "other-width"));
        store.subscribe(tenant, room, 1, Channel.MINIAPP, "wxa", "o-1", T0);

        store.deleteRoom(tenant, room);
        assertEquals(Optional.empty(), store.roomCode(tenant, room, "k"));
        assertEquals(List.of(), store.subscriptions(tenant, room, 10));
    }

    @Test
    void followsAndUnfollowsAreRecordedPerTenantAndApp() {
        long tenant = id();
        assertEquals(Optional.empty(), store.following(tenant, "wxa", "o-1"));
        store.recordFollow(tenant, "wxa", "o-1", true, "room:5", T0);
        assertEquals(Optional.of(true), store.following(tenant, "wxa", "o-1"));
        store.recordFollow(tenant, "wxa", "o-1", false, null, T0 + 1);
        assertEquals(Optional.of(false), store.following(tenant, "wxa", "o-1"));
        store.recordFollow(tenant, "wxa", "o-2", false, null, T0 + 1);
        assertEquals(Optional.of(false), store.following(tenant, "wxa", "o-2"), "an unfollow seen first");
        assertEquals(Optional.empty(), store.following(tenant, "wxb", "o-1"));
        assertEquals(Optional.empty(), store.following(tenant + 1, "wxa", "o-1"));
    }
}
