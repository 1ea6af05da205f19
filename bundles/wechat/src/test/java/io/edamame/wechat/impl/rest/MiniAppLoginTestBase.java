package io.edamame.wechat.impl.rest;

import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.TenantRole;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.WeChatUser;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatIdentities;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import io.edamame.wechat.impl.client.WeChatCalls;
import io.edamame.wechat.impl.portal.OAuthLogin;
import io.edamame.wechat.impl.rest.MiniAppResource.LoginRequest;
import io.edamame.wechat.impl.rest.MiniAppResource.LoginResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One-tap login of the mini-program ({@code POST .../wechat/miniapp/login}) against the fake WeChat and the core's
 * user and token services: one Edamame user per person and tenant, whichever app they come from.
 */
abstract class MiniAppLoginTestBase extends WeChatTestBase {

    MiniAppLoginTestBase(DatabaseKind kind) {
        super(kind);
    }

    LoginResponse login(Tenant t, WeChatUser user) {
        return world.miniApp.login(t.slug(), new LoginRequest(world.loginCode(t, user)));
    }

    List<ExternalIdentity> identities(Tenant t, long userId) {
        return world.core.users.identities(t.id(), userId);
    }

    @Test
    void aNewUserIsMadeWithTheOpenidAndUnionidAndGetsAWorkingToken() {
        Tenant t = world.tenant();
        WeChatUser ann = WeChatWorld.user("ann");

        LoginResponse response = login(t, ann);

        assertTrue(response.newUser());
        assertEquals("Bearer", response.tokenType());
        assertEquals(t.id(), response.user().tenantId());
        assertEquals(TenantRole.MEMBER, response.user().role());
        assertEquals(Set.of(WeChatIdentities.openid(t.miniAppId(), ann.openid()), WeChatIdentities.unionid(ann.unionid())),
                Set.copyOf(identities(t, response.user().id())));
        Caller caller = world.tokens.verify(response.token());
        assertEquals(new Caller(t.id(), t.slug(), response.user().id(), TenantRole.MEMBER), caller);
        assertTrue(response.expiresAt().isAfter(world.core.clock.instant()));
    }

    @Test
    void theSameCodeTwiceIsAnInvalidCode() {
        Tenant t = world.tenant();
        String code = world.loginCode(t, WeChatWorld.user("ann"));
        world.miniApp.login(t.slug(), new LoginRequest(code));

        EdamameException e = assertError(WeChatErrorCode.INVALID_WECHAT_CODE,
                () -> world.miniApp.login(t.slug(), new LoginRequest(code)));
        assertEquals(40029, WeChatCalls.errcode(e));
        assertError(WeChatErrorCode.INVALID_WECHAT_CODE,
                () -> world.miniApp.login(t.slug(), new LoginRequest("never-issued")));
    }

    @Test
    void theSamePersonAgainIsTheSameUser() {
        Tenant t = world.tenant();
        WeChatUser ann = WeChatWorld.user("ann");
        LoginResponse first = login(t, ann);

        LoginResponse second = login(t, ann);

        assertFalse(second.newUser());
        assertEquals(first.user().id(), second.user().id());
        assertEquals(2, identities(t, first.user().id()).size(), "nothing linked twice");
        assertEquals(second.user().id(), world.tokens.verify(second.token()).userId());
    }

    @Test
    void aMiniProgramLoginAfterAnH5LoginWithTheSameUnionidIsTheSameUser() {
        Tenant t = world.tenant();
        WeChatUser onH5 = WeChatWorld.user("ann");
        WeChatUser inMiniApp = new WeChatUser("o-mini-" + WeChatWorld.hex(4), onH5.unionid(), null, null);
        Map<String, String> h5 = world.h5Login(t, onH5, OAuthLogin.SCOPE_BASE);

        LoginResponse mini = login(t, inMiniApp);

        assertFalse(mini.newUser());
        assertEquals(Long.parseLong(h5.get("userId")), mini.user().id());
        assertEquals(Set.of(WeChatIdentities.openid(t.mpAppId(), onH5.openid()),
                        WeChatIdentities.openid(t.miniAppId(), inMiniApp.openid()), WeChatIdentities.unionid(onH5.unionid())),
                Set.copyOf(identities(t, mini.user().id())));
    }

    @Test
    void aUnionidGivenLaterJoinsTheUserOfTheOpenid() {
        Tenant t = world.tenant();
        String openid = "o-bob-" + WeChatWorld.hex(4);
        LoginResponse before = login(t, WeChatUser.of(openid));
        assertEquals(List.of(WeChatIdentities.openid(t.miniAppId(), openid)), identities(t, before.user().id()));
        String unionid = "u-bob-" + WeChatWorld.hex(4);

        LoginResponse after = login(t, new WeChatUser(openid, unionid, null, null));

        assertEquals(before.user().id(), after.user().id());
        assertFalse(after.newUser());
        assertTrue(identities(t, after.user().id()).contains(WeChatIdentities.unionid(unionid)));
    }

    @Test
    void whenOpenidAndUnionidPointAtTwoUsersTheUnionidWins() {
        Tenant t = world.tenant();
        String openid = "o-cat-" + WeChatWorld.hex(4);
        long byOpenid = login(t, WeChatUser.of(openid)).user().id();
        WeChatUser onH5 = WeChatWorld.user("cat");
        long byUnionid = Long.parseLong(world.h5Login(t, onH5, OAuthLogin.SCOPE_BASE).get("userId"));
        assertNotEquals(byOpenid, byUnionid);

        LoginResponse both = login(t, new WeChatUser(openid, onH5.unionid(), null, null));

        assertEquals(byUnionid, both.user().id());
        assertEquals(byOpenid, world.core.users.findByIdentity(t.id(), WeChatIdentities.openid(t.miniAppId(), openid))
                .orElseThrow().id(), "identities are not moved between users");
    }

    @Test
    void tenantsNeverShareUsers() {
        Tenant a = world.tenant();
        Tenant b = world.tenant();
        WeChatUser ann = WeChatWorld.user("ann");

        LoginResponse inA = login(a, ann);
        LoginResponse inB = login(b, ann);

        assertTrue(inA.newUser());
        assertTrue(inB.newUser(), "the same unionid in another tenant is another user");
        assertNotEquals(inA.user().id(), inB.user().id());
        assertEquals(b.id(), inB.user().tenantId());
        assertEquals(a.id(), world.tokens.verify(inA.token()).tenantId());
        assertEquals(b.id(), world.tokens.verify(inB.token()).tenantId());
        assertEquals(List.of(a.miniAppId(), b.miniAppId()), world.wechat.requests("/sns/jscode2session").stream()
                .map(r -> r.query().get("appid")).toList(), "each tenant's own app asked");
    }

    @Test
    void aTenantWithoutAMiniProgramIsNotConfigured() {
        Tenant t = world.tenant(settings -> {
            settings.remove(WeChatSettings.MINIAPP_APP_ID);
            settings.remove(WeChatSettings.MINIAPP_SECRET);
        });
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED,
                () -> world.miniApp.login(t.slug(), new LoginRequest("code-1")));
        assertError(CoreErrorCode.TENANT_NOT_FOUND,
                () -> world.miniApp.login("no-such-tenant", new LoginRequest("code-1")));
        assertEquals(List.of(), world.wechat.requests());
    }

    @Test
    void aCodeThatIsNotWeChatsIsRefusedBeforeWeChatIsAsked() {
        Tenant t = world.tenant();
        for (String code : new String[] {"a&appid=wx0000000000000000", "a#b", "code with spaces", "", "x".repeat(129),
                "ab%26secret=x", "é"}) {
            assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("code"),
                    () -> world.miniApp.login(t.slug(), new LoginRequest(code)));
        }
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("code"),
                () -> world.miniApp.login(t.slug(), new LoginRequest(null)));
        assertEquals(List.of(), world.wechat.requests());
    }

    @Test
    void concurrentFirstLoginsOfOnePersonMakeOneUser() throws Exception {
        Tenant t = world.tenant();
        WeChatUser withUnionid = WeChatWorld.user("dan");
        WeChatUser openidOnly = WeChatUser.of("o-eve-" + WeChatWorld.hex(4));
        for (WeChatUser user : List.of(withUnionid, openidOnly)) {
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                codes.add(world.loginCode(t, user));
            }
            List<LoginResponse> logins = atOnce(codes.stream().map(code -> (Callable<LoginResponse>)
                    () -> world.miniApp.login(t.slug(), new LoginRequest(code))).toList());
            Set<Long> users = Set.copyOf(logins.stream().map(login -> login.user().id()).toList());
            assertEquals(1, users.size(), user + " became " + users);
            long userId = users.iterator().next();
            assertEquals(user.unionid() == null ? 1 : 2, identities(t, userId).size());
            for (LoginResponse login : logins) {
                assertEquals(userId, world.tokens.verify(login.token()).userId());
            }
        }
    }

    static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
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
}
