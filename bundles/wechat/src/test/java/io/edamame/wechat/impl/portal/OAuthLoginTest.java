package io.edamame.wechat.impl.portal;

import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.Room;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.User;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.WeChatUser;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatIdentities;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import io.edamame.wechat.impl.rest.MiniAppResource;
import io.edamame.wechat.testing.TestConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** H5 login through the tenant's service account: the state against forgery, the user found or made. */
class OAuthLoginTest extends WeChatTestBase {

    OAuthLoginTest() {
        super(DatabaseKind.H2);
    }

    /** A login under way: where the browser was sent, the state in that URL, the cookie set. */
    record Started(Room room, OAuthLogin.Redirect redirect, String state) {
    }

    Started start(Tenant t, String scope) {
        Room room = world.room(t);
        OAuthLogin.Redirect redirect = world.oauth.authorize(t.tenant(), Long.toString(room.id()), scope);
        return new Started(room, redirect, WeChatWorld.query(redirect.location()).get("state"));
    }

    String code(Tenant t, WeChatUser user, String scope) {
        String code = "oc" + WeChatWorld.hex(8);
        world.wechat.addOAuthCode(t.mpAppId(), code, user, scope);
        return code;
    }

    OAuthLogin.Redirect callback(Tenant t, Started started, String code) {
        return world.oauth.callback(t.tenant(), code, started.state(), started.redirect().stateCookie());
    }

    String roomPage(Room room) {
        return "https://live.example.com/rooms/" + room.id();
    }

    // --- starting ------------------------------------------------------------------------------------------

    @Test
    void aLoginSendsTheBrowserToWeChatWithAStateBoundToIt() {
        Tenant t = world.tenant();
        Started started = start(t, null);

        URI location = URI.create(started.redirect().location());
        assertEquals(world.wechat.uri().getHost(), location.getHost());
        assertEquals(world.wechat.uri().getPort(), location.getPort());
        assertEquals("/connect/oauth2/authorize", location.getPath());
        assertEquals("wechat_redirect", location.getFragment());
        Map<String, String> query = WeChatWorld.query(started.redirect().location());
        assertEquals(t.mpAppId(), query.get("appid"));
        assertEquals("https://live.example.com/wechat/" + t.slug() + "/oauth/callback", query.get("redirect_uri"));
        assertEquals("code", query.get("response_type"));
        assertEquals(OAuthLogin.SCOPE_BASE, query.get("scope"), "the silent scope unless asked");
        assertEquals(43, started.state().length());
        assertEquals(started.state(), started.redirect().stateCookie());
        assertFalse(started.state().equals(start(t, null).state()), "a new state each time");
        assertEquals(List.of(), world.wechat.requests(), "WeChat is not called to start");
    }

    @Test
    void aLoginIsForARoomOfTheTenantWithAnH5PageAndAKnownScope() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("scope"),
                () -> world.oauth.authorize(t.tenant(), Long.toString(room.id()), "snsapi_login"));
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("roomId"),
                () -> world.oauth.authorize(t.tenant(), null, null));
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("roomId"),
                () -> world.oauth.authorize(t.tenant(), "1 OR 1=1", null));
        assertError(CoreErrorCode.ROOM_NOT_FOUND,
                () -> world.oauth.authorize(t.tenant(), Long.toString(world.room(world.tenant()).id()), null));
        Tenant noPage = world.tenant(settings -> settings.remove(WeChatSettings.H5_ROOM_URL));
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED,
                () -> world.oauth.authorize(noPage.tenant(), Long.toString(world.room(noPage).id()), null));
        Tenant noAccount = world.tenant(settings -> settings.remove(WeChatSettings.MP_APP_ID));
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED,
                () -> world.oauth.authorize(noAccount.tenant(), Long.toString(world.room(noAccount).id()), null));
    }

    // --- signing in ---------------------------------------------------------------------------------------

    @Test
    void theCallbackSignsTheUserInAndLandsOnTheRoomPageWithTheToken() {
        Tenant t = world.tenant();
        WeChatUser ann = WeChatWorld.user("ann");
        Started started = start(t, OAuthLogin.SCOPE_BASE);

        OAuthLogin.Redirect landing = callback(t, started, code(t, ann, OAuthLogin.SCOPE_BASE));

        assertTrue(landing.location().startsWith(roomPage(started.room()) + "#token="), landing.location());
        assertNull(landing.stateCookie(), "the state cookie is cleared");
        Map<String, String> fragment = WeChatWorld.fragment(landing.location());
        long userId = Long.parseLong(fragment.get("userId"));
        assertEquals("true", fragment.get("newUser"));
        assertEquals(new Caller(t.id(), t.slug(), userId, TenantRole.MEMBER), world.tokens.verify(fragment.get("token")));
        assertTrue(fragment.containsKey("expiresAt"));
        assertEquals(Set.of(WeChatIdentities.openid(t.mpAppId(), ann.openid()), WeChatIdentities.unionid(ann.unionid())),
                Set.copyOf(world.core.users.identities(t.id(), userId)));
        assertEquals(List.of(), world.wechat.requests("/sns/userinfo"), "snsapi_base reads no profile");
        assertNull(world.core.users.get(t.id(), userId).displayName());
    }

    @Test
    void withSnsapiUserinfoTheProfileIsReadAndKeptUpToDate() {
        Tenant t = world.tenant();
        WeChatUser ann = WeChatWorld.user("ann");
        Map<String, String> first = world.h5Login(t, ann, OAuthLogin.SCOPE_USERINFO);
        long userId = Long.parseLong(first.get("userId"));
        User user = world.core.users.get(t.id(), userId);
        assertEquals("ann", user.displayName());
        assertEquals("https://img.example.com/ann.png", user.avatarUrl());

        WeChatUser renamed = new WeChatUser(ann.openid(), ann.unionid(), "Ann Li", "https://img.example.com/ann-2.png");
        Map<String, String> second = world.h5Login(t, renamed, OAuthLogin.SCOPE_USERINFO);

        assertEquals(Long.toString(userId), second.get("userId"));
        assertEquals("false", second.get("newUser"));
        assertEquals("Ann Li", world.core.users.get(t.id(), userId).displayName());
        assertEquals("https://img.example.com/ann-2.png", world.core.users.get(t.id(), userId).avatarUrl());

        world.h5Login(t, new WeChatUser(ann.openid(), ann.unionid(), "Someone", "https://x.example/y.png"),
                OAuthLogin.SCOPE_BASE);
        assertEquals("Ann Li", world.core.users.get(t.id(), userId).displayName(), "a silent login changes nothing");
    }

    @Test
    void aUserWhoGrantedLessThanAskedIsSignedInWithoutAProfile() {
        Tenant t = world.tenant();
        Started started = start(t, OAuthLogin.SCOPE_USERINFO);
        OAuthLogin.Redirect landing = callback(t, started, code(t, WeChatWorld.user("bob"), OAuthLogin.SCOPE_BASE));
        assertTrue(WeChatWorld.fragment(landing.location()).containsKey("token"));
        assertEquals(List.of(), world.wechat.requests("/sns/userinfo"));
    }

    @Test
    void theSameUnionidAsAMiniProgramLoginIsTheSameUser() {
        Tenant t = world.tenant();
        WeChatUser inMiniApp = WeChatWorld.user("cat");
        MiniAppResource.LoginResponse mini = world.miniApp.login(t.slug(),
                new MiniAppResource.LoginRequest(world.loginCode(t, inMiniApp)));
        WeChatUser onH5 = new WeChatUser("o-h5-" + WeChatWorld.hex(4), inMiniApp.unionid(), "cat", "");

        Map<String, String> h5 = world.h5Login(t, onH5, OAuthLogin.SCOPE_BASE);

        assertEquals(Long.toString(mini.user().id()), h5.get("userId"));
        assertEquals("false", h5.get("newUser"));
        assertTrue(world.core.users.identities(t.id(), mini.user().id())
                .contains(WeChatIdentities.openid(t.mpAppId(), onH5.openid())));
    }

    // --- refused states -----------------------------------------------------------------------------------

    @Test
    void aCallbackWithoutTheBrowsersCookieIsRefusedAndChangesNothing() {
        Tenant t = world.tenant();
        Started started = start(t, null);
        String code = code(t, WeChatWorld.user("dan"), OAuthLogin.SCOPE_BASE);

        assertError(WeChatErrorCode.INVALID_OAUTH_STATE, () -> world.oauth.callback(t.tenant(), code, started.state(), null));
        assertError(WeChatErrorCode.INVALID_OAUTH_STATE,
                () -> world.oauth.callback(t.tenant(), code, started.state(), start(t, null).state()));
        assertError(WeChatErrorCode.INVALID_OAUTH_STATE, () -> world.oauth.callback(t.tenant(), code, null, null));
        assertError(WeChatErrorCode.INVALID_OAUTH_STATE,
                () -> world.oauth.callback(t.tenant(), code, "short", "short"));
        assertEquals(List.of(), world.wechat.requests());

        OAuthLogin.Redirect landing = callback(t, started, code);
        assertTrue(WeChatWorld.fragment(landing.location()).containsKey("token"), "the login still works from its browser");
    }

    @Test
    void aStateIsGoodOnce() {
        Tenant t = world.tenant();
        Started started = start(t, null);
        callback(t, started, code(t, WeChatWorld.user("eve"), OAuthLogin.SCOPE_BASE));
        String another = code(t, WeChatWorld.user("eve"), OAuthLogin.SCOPE_BASE);

        assertError(WeChatErrorCode.INVALID_OAUTH_STATE, () -> callback(t, started, another));
    }

    @Test
    void aStateExpires() {
        Tenant t = world.tenant();
        Started started = start(t, null);
        world.clock.advance(Duration.ofSeconds(world.config.oauth_state_ttl_seconds() + 1));

        assertError(WeChatErrorCode.INVALID_OAUTH_STATE,
                () -> callback(t, started, code(t, WeChatWorld.user("fay"), OAuthLogin.SCOPE_BASE)));
    }

    @Test
    void aStateOfAnotherTenantIsRefused() {
        Tenant a = world.tenant();
        Tenant b = world.tenant();
        Started inA = start(a, null);
        String code = code(b, WeChatWorld.user("gus"), OAuthLogin.SCOPE_BASE);

        assertError(WeChatErrorCode.INVALID_OAUTH_STATE,
                () -> world.oauth.callback(b.tenant(), code, inA.state(), inA.redirect().stateCookie()));
        assertEquals(List.of(), world.wechat.requests());
    }

    // --- failures after a good state ----------------------------------------------------------------------

    @Test
    void aUserWhoDeclinedIsBackOnTheRoomPageSignedOut() {
        Tenant t = world.tenant();
        Started started = start(t, OAuthLogin.SCOPE_USERINFO);

        OAuthLogin.Redirect landing = callback(t, started, null);

        assertEquals(roomPage(started.room()) + "#error=access_denied", landing.location());
        assertNull(landing.stateCookie());
        assertError(WeChatErrorCode.INVALID_OAUTH_STATE,
                () -> callback(t, started, code(t, WeChatWorld.user("hal"), OAuthLogin.SCOPE_BASE)));
    }

    @Test
    void aCodeWeChatRefusesEndsOnTheRoomPageWithTheError() {
        Tenant t = world.tenant();
        Started unknown = start(t, null);
        assertEquals(roomPage(unknown.room()) + "#error=INVALID_WECHAT_CODE",
                callback(t, unknown, "never-issued").location());
        Started malformed = start(t, null);
        world.wechat.clearRecords();
        assertEquals(roomPage(malformed.room()) + "#error=INVALID_WECHAT_CODE",
                callback(t, malformed, "a&appid=wx0000000000000000").location());
        assertEquals(List.of(), world.wechat.requests(), "a code that is not WeChat's is not sent");
    }

    @Test
    void anUnreachableWeChatEndsOnTheRoomPageAsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OAuthLogin offline = new OAuthLogin(world.apps(TestConfig.at(URI.create("http://127.0.0.1:" + closedPort))),
                world.store, world.weChatUsers, world.tokens, world.core.rooms, world.clock);
        Tenant t = world.tenant();
        Room room = world.room(t);
        OAuthLogin.Redirect redirect = offline.authorize(t.tenant(), Long.toString(room.id()), null);
        String state = WeChatWorld.query(redirect.location()).get("state");

        OAuthLogin.Redirect landing = offline.callback(t.tenant(), "oc123", state, redirect.stateCookie());

        assertEquals(roomPage(room) + "#error=WECHAT_UNAVAILABLE", landing.location());
    }
}
