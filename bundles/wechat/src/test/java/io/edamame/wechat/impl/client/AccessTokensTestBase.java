package io.edamame.wechat.impl.client;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.EdamameException;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.RecordedRequest;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import io.edamame.wechat.testing.TestConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Access tokens (and the JS-SDK ticket) of the tenants' apps against the fake WeChat: fetched once per app in the
 * cluster, refreshed once when WeChat refuses them, not asked for again and again when fetching fails, and the
 * calls' failures mapped to the plugin's error codes with one retry where WeChat asks to slow down.
 */
abstract class AccessTokensTestBase extends WeChatTestBase {

    static final String STABLE_TOKEN = "/cgi-bin/stable_token";
    static final String MSG_SEC_CHECK = "/wxa/msg_sec_check";

    AccessTokensTestBase(DatabaseKind kind) {
        super(kind);
    }

    /** A call of the tenant's mini-program through {@code apps} (msg_sec_check, which checks the app's token). */
    boolean call(WeChatApps apps, Tenant t) {
        return apps.calls().call("msg_sec_check", () -> apps.miniApp(t.id()).getSecurityService().checkMessage("hi"));
    }

    boolean call(Tenant t) {
        return call(world.apps, t);
    }

    List<Integer> answers(String path) {
        return world.wechat.requests(path).stream().map(RecordedRequest::errcode).toList();
    }

    static <T> List<T> atOnce(int threads, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // --- fetched once -------------------------------------------------------------------------------------

    @Test
    void aTokenIsFetchedOnceForManyCalls() {
        Tenant t = world.tenant();
        for (int i = 0; i < 5; i++) {
            call(t);
        }
        assertEquals(1, world.wechat.tokenFetchCount(t.miniAppId()));
        assertEquals(List.of(0, 0, 0, 0, 0), answers(MSG_SEC_CHECK));
        assertEquals(0, world.wechat.tokenFetchCount(t.mpAppId()), "the other app's token is not fetched");
    }

    @Test
    void anotherNodeUsesTheTokenTheFirstFetched() {
        Tenant t = world.tenant();
        call(t);
        WeChatApps otherNode = world.node(world.clock);
        call(otherNode, t);
        call(otherNode, t);
        assertEquals(1, world.wechat.tokenFetchCount(t.miniAppId()));
        String token = world.store.credential(t.miniAppId(), WeChatApps.ACCESS_TOKEN).orElseThrow().value();
        assertTrue(world.wechat.requests(MSG_SEC_CHECK).stream()
                .allMatch(r -> token.equals(r.query().get("access_token"))), "every node calls with the one token");
    }

    @Test
    void nodesAskingAtOnceFetchOneToken() throws Exception {
        Tenant t = world.tenant();
        List<WeChatApps> nodes = List.of(world.node(Clock.systemUTC()), world.node(Clock.systemUTC()),
                world.node(Clock.systemUTC()));
        for (String code : new String[] {"mini", "mp"}) {
            world.wechat.clearRecords();
            List<Integer> threadNumbers = new ArrayList<>();
            List<String> tokens = atOnce(12, () -> {
                int me;
                synchronized (threadNumbers) {
                    me = threadNumbers.size();
                    threadNumbers.add(me);
                }
                WeChatApps node = nodes.get(me % nodes.size());
                return code.equals("mini") ? node.miniApp(t.id()).getAccessToken()
                        : node.serviceAccount(t.id()).getAccessToken();
            });
            String appId = code.equals("mini") ? t.miniAppId() : t.mpAppId();
            assertEquals(1, world.wechat.tokenFetchCount(appId), code + ": one fetch in the cluster");
            assertEquals(1, tokens.stream().distinct().count(), code + ": one token everywhere");
        }
    }

    @Test
    void threadsOfOneNodeAskingAtOnceFetchOneToken() throws Exception {
        Tenant t = world.tenant();
        WeChatApps node = world.node(Clock.systemUTC());
        atOnce(8, () -> node.serviceAccount(t.id()).getAccessToken());
        atOnce(8, () -> node.miniApp(t.id()).getAccessToken());
        assertEquals(1, world.wechat.tokenFetchCount(t.mpAppId()));
        assertEquals(1, world.wechat.tokenFetchCount(t.miniAppId()));
    }

    // --- refused tokens -----------------------------------------------------------------------------------

    @Test
    void aRefusedTokenIsRefreshedOnceAndTheCallGoesThrough() {
        Tenant t = world.tenant();
        call(t);
        world.wechat.invalidateAccessTokens();
        world.wechat.clearRecords();

        call(t);

        assertEquals(1, world.wechat.tokenFetchCount(t.miniAppId()), "one refresh");
        assertEquals(List.of(40001, 0), answers(MSG_SEC_CHECK), "one retry with the new token");
        String stored = world.store.credential(t.miniAppId(), WeChatApps.ACCESS_TOKEN).orElseThrow().value();
        assertEquals(stored, world.wechat.requests(MSG_SEC_CHECK).get(1).query().get("access_token"));
    }

    @Test
    void aNodeWithAnOldTokenTakesTheNewOneOtherNodesFetched() {
        Tenant t = world.tenant();
        WeChatApps otherNode = world.node(world.clock);
        call(t);
        call(otherNode, t);
        world.wechat.invalidateAccessTokens();
        call(t);
        world.wechat.clearRecords();

        call(otherNode, t);

        assertEquals(0, world.wechat.tokenFetchCount(t.miniAppId()), "the new token was read, not fetched");
        assertEquals(List.of(40001, 0), answers(MSG_SEC_CHECK));
        call(t);
        assertEquals(0, world.wechat.tokenFetchCount(t.miniAppId()), "nor was the new one thrown away");
    }

    @Test
    void aTokenRefusedTwiceInARowFailsTheCall() {
        Tenant t = world.tenant();
        call(t);
        world.wechat.clearRecords();
        world.wechat.failNext(MSG_SEC_CHECK, 2, 40001);
        EdamameException e = assertError(WeChatErrorCode.WECHAT_REJECTED, () -> call(t));
        assertEquals(40001, WeChatCalls.errcode(e));
        assertEquals(List.of(40001, 40001), answers(MSG_SEC_CHECK), "no storm of retries");
    }

    // --- failed fetches -----------------------------------------------------------------------------------

    @Test
    void aWrongSecretIsRejectedAndNotAskedAgainDuringTheBackOff() {
        Tenant t = world.tenant(settings -> settings.put(WeChatSettings.MINIAPP_SECRET, "not-the-secret"));

        EdamameException first = assertError(WeChatErrorCode.WECHAT_REJECTED, () -> call(t));
        assertEquals(40125, WeChatCalls.errcode(first));
        EdamameException second = assertError(WeChatErrorCode.WECHAT_REJECTED, () -> call(t));
        assertEquals(40125, WeChatCalls.errcode(second), "the same answer, without asking WeChat");
        assertEquals(List.of(40125), answers(STABLE_TOKEN));
        assertEquals(List.of(), answers(MSG_SEC_CHECK));

        world.clock.advance(Duration.ofSeconds(world.config.token_failure_backoff_seconds() + 1));
        assertError(WeChatErrorCode.WECHAT_REJECTED, () -> call(t));
        assertEquals(List.of(40125, 40125), answers(STABLE_TOKEN), "asked again once the back-off is over");
    }

    @Test
    void aCorrectedSecretIsTriedAtOnce() {
        Tenant t = world.tenant(settings -> settings.put(WeChatSettings.MINIAPP_SECRET, "not-the-secret"));
        assertError(WeChatErrorCode.WECHAT_REJECTED, () -> call(t));

        Map<String, Object> fixed = world.settings(t);
        world.configure(t, fixed);

        call(t);
        assertEquals(List.of(40125, 0), answers(STABLE_TOKEN), "the new settings are not held back");
    }

    @Test
    void anUnreachableWeChatIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        WeChatApps offline = world.apps(TestConfig.at(URI.create("http://127.0.0.1:" + closedPort)));
        Tenant t = world.tenant();
        assertError(WeChatErrorCode.WECHAT_UNAVAILABLE, () -> call(offline, t));
        assertError(WeChatErrorCode.WECHAT_UNAVAILABLE, () -> call(offline, t));
        assertEquals(List.of(), world.wechat.requests());
    }

    // --- busy and rate-limited ----------------------------------------------------------------------------

    @Test
    void aRateLimitedCallIsTriedOnceMore() {
        Tenant t = world.tenant();
        world.wechat.failNext(MSG_SEC_CHECK, 1, 45011);
        call(t);
        assertEquals(List.of(45011, 0), answers(MSG_SEC_CHECK));
    }

    @Test
    void aCallRateLimitedTwiceIsUnavailableWithoutAThirdTry() {
        Tenant t = world.tenant();
        world.wechat.failNext(MSG_SEC_CHECK, 2, 45011);
        EdamameException e = assertError(WeChatErrorCode.WECHAT_UNAVAILABLE, () -> call(t));
        assertEquals(45011, WeChatCalls.errcode(e));
        assertEquals(List.of(45011, 45011), answers(MSG_SEC_CHECK));
    }

    @Test
    void aBusyWeChatIsTriedOnceMoreNotFiveTimes() {
        Tenant t = world.tenant();
        world.wechat.failNext(MSG_SEC_CHECK, 1, -1);
        call(t);
        world.wechat.failNext(MSG_SEC_CHECK, 2, -1);
        assertError(WeChatErrorCode.WECHAT_UNAVAILABLE, () -> call(t));
        assertEquals(List.of(-1, 0, -1, -1), answers(MSG_SEC_CHECK));
    }

    // --- per-tenant services ------------------------------------------------------------------------------

    @Test
    void aServiceIsKeptWhileTheSettingsStayAndRebuiltWhenTheyChange() {
        Tenant t = world.tenant();
        MiniAppClient before = world.apps.miniApp(t.id());
        assertSame(before, world.apps.miniApp(t.id()));

        String newSecret = "rotated-" + WeChatWorld.hex(4);
        String newAppId = WeChatWorld.newAppId();
        world.wechat.registerApp(newAppId, newSecret);
        Map<String, Object> settings = world.settings(t);
        settings.put(WeChatSettings.MINIAPP_APP_ID, newAppId);
        settings.put(WeChatSettings.MINIAPP_SECRET, newSecret);
        world.configure(t, settings);

        MiniAppClient after = world.apps.miniApp(t.id());
        assertNotSame(before, after);
        assertEquals(newAppId, after.getWxMaConfig().getAppid());
        assertEquals(newSecret, after.getWxMaConfig().getSecret());
        call(t);
        assertEquals(1, world.wechat.tokenFetchCount(newAppId));
        assertEquals(0, world.wechat.tokenFetchCount(t.miniAppId()));
        assertEquals(t.mpAppId(), world.apps.serviceAccount(t.id()).getWxMpConfigStorage().getAppId());
    }

    @Test
    void tenantsEachUseTheirOwnApp() {
        Tenant a = world.tenant();
        Tenant b = world.tenant();
        call(a);
        call(b);
        call(a);
        assertEquals(1, world.wechat.tokenFetchCount(a.miniAppId()));
        assertEquals(1, world.wechat.tokenFetchCount(b.miniAppId()));
        assertEquals(List.of(a.miniAppId(), b.miniAppId(), a.miniAppId()),
                world.wechat.requests(MSG_SEC_CHECK).stream().map(RecordedRequest::appid).toList());
    }

    @Test
    void anAppNotSetUpIsNotConfigured() {
        Tenant t = world.tenant(settings -> {
            settings.remove(WeChatSettings.MINIAPP_APP_ID);
            settings.remove(WeChatSettings.MINIAPP_SECRET);
        });
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED, () -> world.apps.miniApp(t.id()));
        Tenant noAccount = world.tenant(settings -> settings.remove(WeChatSettings.MP_APP_ID));
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED, () -> world.apps.serviceAccount(noAccount.id()));
        assertEquals(List.of(), world.wechat.requests());
    }
}
