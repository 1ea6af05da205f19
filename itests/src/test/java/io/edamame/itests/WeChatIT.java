package io.edamame.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;

import com.fasterxml.jackson.databind.JsonNode;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.UserService;
import io.edamame.testing.wechat.ContentCheck;
import io.edamame.testing.wechat.FakeWeChatServer;
import io.edamame.testing.wechat.RecordedRequest;
import io.edamame.testing.wechat.SentMessage;
import io.edamame.testing.wechat.WeChatPushes;
import io.edamame.testing.wechat.WeChatUser;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.karaf.features.Feature;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The WeChat plugin ({@code wechat}) in the booted distribution, end to end: its REST API, its servlet under
 * {@code /wechat/<tenant>/} (the service account's message endpoint and the H5 login), the danmaku filter and the
 * reminders sent when a room goes live, with the WxJava embedded in the bundle talking to a
 * {@link FakeWeChatServer} that this probe runs on loopback, inside the container, and with WeChat's pushes built
 * by {@link WeChatPushes}. So what the unit tests cannot show is shown here: that WxJava, its XStream, Gson and HTTP
 * client work inside OSGi (embedding can leave a class missing only at run time), and that the plugin is wired to
 * the core (tokens, users, rooms, plugin switches, events) and to the danmaku bundle.
 *
 * <p>Every test has its own tenants and its own WeChat apps (random app ids), so that what the fake counts per app
 * (token fetches, messages, checks) belongs to one test. Waits are bounded; nothing asserts how long anything took.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WeChatIT extends EdamameTestSupport {

    static final String PID = "io.edamame.wechat";
    static final String PLUGIN = "wechat";
    static final String BUNDLE = "io.edamame.wechat";
    static final Duration WAIT = Duration.ofSeconds(20);
    /** What the test configures as the message endpoint's size limit (portal.max.bytes). */
    static final int PORTAL_MAX_BYTES = 16_384;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Object> DANMAKU_SETTINGS = Map.of("maxLength", 60, "ratePerSecond", 100,
            "burst", 100);

    /** One fake per container, started by the first test and kept for the others. */
    private static FakeWeChatServer wechat;

    @Override
    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(List.of(super.config()));
        // The fake serves HTTP with the JDK's com.sun.net.httpserver, which Karaf's system bundle does not export
        // by default (etc/jre.properties has no jdk.httpserver packages).
        options.add(editConfigurationFileExtend("etc/config.properties", "org.osgi.framework.system.packages.extra",
                "com.sun.net.httpserver"));
        options.add(mavenBundle("io.edamame", "edamame-fake-wechat").versionAsInProject().start());
        return options.toArray(new Option[0]);
    }

    // ------------------------------------------------------------------ the bundle and its embedded WxJava

    @Test
    public void theFeatureIsInstalledAndWxJavaStaysInsideTheBundle() throws Exception {
        Feature feature = features.getFeature("edamame-wechat");
        assertNotNull("the feature edamame-wechat is not in the distribution's repositories", feature);
        assertTrue("edamame-wechat is not installed at boot", features.isInstalled(feature));
        Bundle bundle = bundle(BUNDLE);
        assertEquals(bundle + " is not active", Bundle.ACTIVE, bundle.getState());

        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        Set<String> exported = wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .map(c -> (String) c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)).collect(Collectors.toSet());
        assertEquals("only the plugin's API is exported", Set.of("io.edamame.wechat.api"), exported);
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            String pkg = (String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            for (String embedded : List.of("me.chanjar.", "cn.binarywang.", "com.thoughtworks.xstream",
                    "com.google.gson", "com.google.common", "org.apache.http", "org.dom4j")) {
                assertFalse("the bundle imports " + pkg + " from " + wire.getProvider().getBundle()
                        + " instead of using its embedded copy", pkg.startsWith(embedded));
            }
        }
        // What WxJava needs at run time is in the bundle itself (the other tests show that it works).
        for (String className : List.of("me.chanjar.weixin.mp.api.impl.WxMpServiceImpl",
                "cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl", "com.thoughtworks.xstream.XStream",
                "com.google.gson.Gson", "org.apache.http.impl.client.HttpClients",
                "me.chanjar.weixin.common.util.crypto.WxCryptUtil")) {
            Class<?> loaded = bundle.loadClass(className);
            assertEquals(className + " comes from another bundle", bundle, FrameworkUtil.getBundle(loaded));
        }
        // Nobody else sees WxJava: it is not the bundle's API.
        List<BundleCapability> wxjava = new ArrayList<>();
        for (Bundle other : bundleContext.getBundles()) {
            BundleWiring otherWiring = other.adapt(BundleWiring.class);
            if (otherWiring != null) {
                otherWiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE).stream()
                        .filter(c -> String.valueOf(c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))
                                .startsWith("me.chanjar.")).forEach(wxjava::add);
            }
        }
        assertEquals("a bundle exports WxJava", List.of(), wxjava);
    }

    // ------------------------------------------------------------------ 1: one person, one user

    @Test
    public void miniProgramAndH5LoginsOfThePersonAreOneUser() throws Exception {
        Api api = wechatApi();
        App mini = newApp();
        MpApp mp = newMpApp();
        Tenant tenant = wechatTenant(api, "wx-one", settings("wx-one", mini, mp));
        long roomId = createRoom(api, tenant, "Ann's room").path("id").asLong();
        String unionid = word("union");
        WeChatUser inMiniApp = new WeChatUser(word("o-mini"), unionid, "Mini Ann", "https://img.example.com/mini.png");
        WeChatUser inH5 = new WeChatUser(word("o-h5"), unionid, "H5 Ann", "https://img.example.com/h5.png");

        // The mini-program first: a new user of the tenant, whose token works on the core's API.
        String code = loginCode(mini, inMiniApp);
        Api.Response first = api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", code));
        assertEquals(first.body(), 200, first.status());
        JsonNode body = first.json();
        assertEquals(body.toString(), "Bearer", body.path("tokenType").asText());
        assertTrue(body.toString(), Instant.parse(body.path("expiresAt").asText()).isAfter(Instant.now()));
        assertTrue(body.toString(), body.path("newUser").asBoolean());
        assertEquals(body.toString(), "MEMBER", body.path("user").path("role").asText());
        long userId = body.path("user").path("id").asLong();
        long tenantId = body.path("user").path("tenantId").asLong();
        String miniToken = body.path("token").asText();
        assertEquals(userId, me(api, tenant, miniToken).path("id").asLong());
        // A code is good once, as WeChat's are.
        assertError(api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", code)), 401,
                "INVALID_WECHAT_CODE");
        assertError(api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", "x&appid=wx0")), 400,
                "VALIDATION_FAILED");
        SignedIn again = miniLogin(api, tenant, mini, inMiniApp);
        assertEquals(userId, again.userId());
        assertFalse(again.newUser());

        // Then the H5 page of the same tenant, through the service account's OAuth (another openid, same unionid).
        WeChatWeb.Answer start = WeChatWeb.authorize(tenant.slug(), roomId, "snsapi_userinfo");
        assertEquals(start.toString(), 302, start.status());
        URI authorize = URI.create(start.location());
        assertEquals(start.location(), wechat.uri().getAuthority(), authorize.getAuthority());
        assertEquals(start.location(), "/connect/oauth2/authorize", authorize.getPath());
        Map<String, String> query = WeChatWeb.params(authorize.getRawQuery());
        assertEquals(start.location(), mp.app().appId(), query.get("appid"));
        assertEquals(start.location(), WeChatWeb.uri(tenant.slug(), "oauth/callback").toString(),
                query.get("redirect_uri"));
        assertEquals(start.location(), "code", query.get("response_type"));
        assertEquals(start.location(), "snsapi_userinfo", query.get("scope"));
        String state = query.get("state");
        assertEquals(start.toString(), state, start.cookie(WeChatWeb.STATE_COOKIE).orElse(null));
        String setCookie = start.setCookie(WeChatWeb.STATE_COOKIE).orElseThrow().toLowerCase();
        assertTrue(setCookie, setCookie.contains("httponly"));
        assertTrue(setCookie, setCookie.contains("path=/wechat/" + tenant.slug() + "/oauth"));

        String oauthCode = word("oc");
        wechat.addOAuthCode(mp.app().appId(), oauthCode, inH5, FakeWeChatServer.SCOPE_USERINFO);
        // Another browser (no cookie, or another one) cannot finish this login...
        WeChatWeb.Answer csrf = WeChatWeb.callback(tenant.slug(), oauthCode, state, null);
        assertEquals(csrf.toString(), 403, csrf.status());
        assertEquals(csrf.toString(), "INVALID_OAUTH_STATE", csrf.code());
        WeChatWeb.Answer otherCookie = WeChatWeb.callback(tenant.slug(), oauthCode, state, word("x") + state
                .substring(12));
        assertEquals(otherCookie.toString(), "INVALID_OAUTH_STATE", otherCookie.code());
        assertEquals("no code was exchanged for a forged callback", 0,
                requestsOf(mp.app(), "/sns/oauth2/access_token").size());
        // ...this one does, and lands on the room's H5 page signed in as the same user.
        WeChatWeb.Answer callback = WeChatWeb.callback(tenant.slug(), oauthCode, state, state);
        assertEquals(callback.toString(), 302, callback.status());
        URI landing = URI.create(callback.location());
        assertEquals(callback.location(), "https://h5.example.com/wx-one/rooms/" + roomId,
                landing.getScheme() + "://" + landing.getAuthority() + landing.getPath());
        Map<String, String> fragment = WeChatWeb.params(landing.getRawFragment());
        assertEquals(callback.location(), Long.toString(userId), fragment.get("userId"));
        assertEquals(callback.location(), "false", fragment.get("newUser"));
        assertTrue(callback.toString(), callback.setCookie(WeChatWeb.STATE_COOKIE).orElseThrow()
                .toLowerCase().contains("max-age=0"));
        JsonNode meFromH5 = me(api, tenant, fragment.get("token"));
        assertEquals(userId, meFromH5.path("id").asLong());
        // snsapi_userinfo: the user agreed to share nickname and avatar, which refresh the profile.
        assertEquals(meFromH5.toString(), "H5 Ann", meFromH5.path("displayName").asText());
        assertEquals(meFromH5.toString(), "https://img.example.com/h5.png", meFromH5.path("avatarUrl").asText());
        assertEquals(1, requestsOf(mp.app(), "/sns/userinfo").size());
        // A state is good once.
        WeChatWeb.Answer replay = WeChatWeb.callback(tenant.slug(), oauthCode, state, state);
        assertEquals(replay.toString(), 403, replay.status());
        assertEquals(replay.toString(), "INVALID_OAUTH_STATE", replay.code());

        assertEquals(Set.of(new ExternalIdentity("wechat-openid:" + mini.appId(), inMiniApp.openid()),
                        new ExternalIdentity("wechat-openid:" + mp.app().appId(), inH5.openid()),
                        new ExternalIdentity("wechat-unionid", unionid)),
                Set.copyOf(identities(tenantId, userId)));

        // The mini-program's phone number and profile land on that user too.
        String phoneCode = word("pc");
        wechat.addPhoneCode(mini.appId(), phoneCode, "86", "13800138000");
        Api.Response phone = api.withToken(miniToken).post(miniPath(tenant, "/phone"), Map.of("code", phoneCode));
        assertEquals(phone.body(), 200, phone.status());
        assertEquals(phone.body(), "+8613800138000", phone.json().path("phoneNumber").asText());
        assertTrue(identities(tenantId, userId).contains(new ExternalIdentity(ExternalIdentity.PHONE,
                "+8613800138000")));
        Api.Response profile = api.withToken(miniToken).put(miniPath(tenant, "/profile"),
                Map.of("nickname", "  Ann  ", "avatarUrl", "https://img.example.com/ann.png"));
        assertEquals(profile.body(), 200, profile.status());
        assertEquals(profile.body(), "Ann", me(api, tenant, fragment.get("token")).path("displayName").asText());
        assertError(api.withToken(miniToken).put(miniPath(tenant, "/profile"), Map.of("avatarUrl", "javascript:x")),
                400, "VALIDATION_FAILED");

        // Someone else, silently (snsapi_base) and without a unionid: a new user, and WeChat is asked no profile.
        WeChatUser stranger = WeChatUser.of(word("o-h5"));
        SignedIn other = h5Login(tenant, mp, roomId, stranger, FakeWeChatServer.SCOPE_BASE);
        assertTrue(other.newUser());
        assertNotEquals(userId, other.userId());
        assertEquals(1, requestsOf(mp.app(), "/sns/userinfo").size());
        assertEquals(List.of(new ExternalIdentity("wechat-openid:" + mp.app().appId(), stranger.openid())),
                identities(tenantId, other.userId()));
    }

    @Test
    public void oauthStartsOnlyForTheTenantsRoomsAndScopes() throws Exception {
        Api api = wechatApi();
        MpApp mp = newMpApp();
        Tenant tenant = wechatTenant(api, "wx-oauth", settings("wx-oauth", null, mp));
        Tenant other = wechatTenant(api, "wx-oauth-other", settings("wx-oauth-other", null, newMpApp()));
        long roomId = createRoom(api, tenant, "Room").path("id").asLong();
        long otherRoom = createRoom(api, other, "Other's room").path("id").asLong();

        for (WeChatWeb.Answer refused : List.of(WeChatWeb.authorize(tenant.slug(), otherRoom, "snsapi_base"),
                WeChatWeb.authorize(tenant.slug(), 999_999_999L, "snsapi_base"))) {
            assertEquals(refused.toString(), 404, refused.status());
            assertEquals(refused.toString(), "ROOM_NOT_FOUND", refused.code());
        }
        WeChatWeb.Answer badScope = WeChatWeb.authorize(tenant.slug(), roomId, "snsapi_login");
        assertEquals(badScope.toString(), 400, badScope.status());
        assertEquals(badScope.toString(), "VALIDATION_FAILED", badScope.code());
        WeChatWeb.Answer noTenant = WeChatWeb.authorize("wx-no-such-tenant", roomId, "snsapi_base");
        assertEquals(noTenant.toString(), 404, noTenant.status());
        assertEquals(noTenant.toString(), "TENANT_NOT_FOUND", noTenant.code());

        // A login started at one tenant cannot be finished at another, even with its cookie.
        WeChatWeb.Answer start = WeChatWeb.authorize(tenant.slug(), roomId, "snsapi_base");
        assertEquals(start.toString(), 302, start.status());
        String state = WeChatWeb.params(URI.create(start.location()).getRawQuery()).get("state");
        String code = word("oc");
        wechat.addOAuthCode(mp.app().appId(), code, WeChatUser.of(word("o")), FakeWeChatServer.SCOPE_BASE);
        WeChatWeb.Answer elsewhere = WeChatWeb.callback(other.slug(), code, state, state);
        assertEquals(elsewhere.toString(), 403, elsewhere.status());
        assertEquals(elsewhere.toString(), "INVALID_OAUTH_STATE", elsewhere.code());

        // A code WeChat does not know sends the browser back to the room, signed out, with the reason.
        WeChatWeb.Answer again = WeChatWeb.authorize(tenant.slug(), roomId, "snsapi_base");
        String secondState = WeChatWeb.params(URI.create(again.location()).getRawQuery()).get("state");
        WeChatWeb.Answer unknownCode = WeChatWeb.callback(tenant.slug(), word("forged"), secondState, secondState);
        assertEquals(unknownCode.toString(), 302, unknownCode.status());
        assertEquals(unknownCode.location(), "https://h5.example.com/wx-oauth/rooms/" + roomId
                + "#error=INVALID_WECHAT_CODE", unknownCode.location());
    }

    // ------------------------------------------------------------------ 2: tenants stay apart

    @Test
    public void twoTenantsWithTheirOwnAppsKeepTheSamePersonApart() throws Exception {
        Api api = wechatApi();
        App miniA = newApp();
        App miniB = newApp();
        Tenant a = wechatTenant(api, "wx-apart-a", settings("wx-apart-a", miniA, null));
        Tenant b = wechatTenant(api, "wx-apart-b", settings("wx-apart-b", miniB, null));
        long roomOfB = createRoom(api, b, "B's room").path("id").asLong();
        String unionid = word("union");
        WeChatUser inA = new WeChatUser(word("o-a"), unionid, "", "");
        WeChatUser inB = new WeChatUser(word("o-b"), unionid, "", "");

        JsonNode userA = miniLogin(api, a, miniA, inA).body().path("user");
        SignedIn signedInB = miniLogin(api, b, miniB, inB);
        JsonNode userB = signedInB.body().path("user");
        assertTrue(signedInB.newUser());
        assertNotEquals("one person, two tenants: two users", userA.path("id").asLong(), userB.path("id").asLong());
        assertNotEquals(userA.path("tenantId").asLong(), userB.path("tenantId").asLong());
        assertEquals(Set.of(new ExternalIdentity("wechat-openid:" + miniB.appId(), inB.openid()),
                        new ExternalIdentity("wechat-unionid", unionid)),
                Set.copyOf(identities(userB.path("tenantId").asLong(), userB.path("id").asLong())));

        // A's token means nothing at B: the tenant does not exist for it.
        String tokenOfA = miniLogin(api, a, miniA, inA).token();
        for (Api.Response r : List.of(api.withToken(tokenOfA).get("/tenants/" + b.slug() + "/users/me"),
                api.withToken(tokenOfA).put(miniPath(b, "/profile"), Map.of("nickname", "intruder")),
                api.withToken(tokenOfA).post(miniPath(b, "/rooms/" + roomOfB + "/subscription"), null),
                api.withToken(tokenOfA).post(miniPath(b, "/phone"), Map.of("code", "pc-1")))) {
            assertError(r, 404, "TENANT_NOT_FOUND");
        }

        // A code of A's mini-program is no good at B: B's app asks WeChat, which does not know it for B's app.
        String codeOfA = loginCode(miniA, inA);
        assertError(api.anonymous().post(miniPath(b, "/login"), Map.of("code", codeOfA)), 401, "INVALID_WECHAT_CODE");
        RecordedRequest refused = last(requestsOf(miniB, "/sns/jscode2session"));
        assertEquals(refused.toString(), codeOfA, refused.query().get("js_code"));
        assertEquals(refused.toString(), 40029, refused.errcode());
        // The code was not used up: at A it signs in the same user as before.
        Api.Response atA = api.anonymous().post(miniPath(a, "/login"), Map.of("code", codeOfA));
        assertEquals(atA.body(), 200, atA.status());
        assertEquals(userA.path("id").asLong(), atA.json().path("user").path("id").asLong());
        assertEquals(userA.path("id").asLong(), me(api, a, atA.json().path("token").asText()).path("id").asLong());
    }

    // ------------------------------------------------------------------ 3: switched off, and on again

    @Test
    public void thePluginSwitchedOffAnswersPluginDisabledAndWorksAgainWhenSwitchedOn() throws Exception {
        Api api = wechatApi();
        App mini = newApp();
        MpApp mp = newMpApp();
        Map<String, Object> settings = settings("wx-off", mini, mp);
        Tenant tenant = wechatTenant(api, "wx-off", settings);
        Tenant never = newTenant(api, "wx-never");
        long roomId = createRoom(api, tenant, "Off and on").path("id").asLong();
        Api admin = api.withToken(tenant.adminToken());
        WeChatUser person = new WeChatUser(word("o"), word("union"), "", "");
        String userToken = miniLogin(api, tenant, mini, person).token();
        long userId = me(api, tenant, userToken).path("id").asLong();

        // The settings as the admin reads them: secrets are never returned, only named.
        Api.Response view = admin.get("/tenants/" + tenant.slug() + "/plugins/" + PLUGIN);
        assertEquals(view.body(), 200, view.status());
        assertTrue(view.body(), view.json().path("enabled").asBoolean());
        assertEquals(view.body(), mini.appId(), view.json().path("settings").path("miniappAppId").asText());
        assertEquals(view.body(), mp.app().appId(), view.json().path("settings").path("mpAppId").asText());
        assertEquals(view.body(), List.of("miniappSecret", "mpAesKey", "mpSecret", "mpToken"),
                texts(view.json().path("secretsSet")));
        for (String secret : List.of("miniappSecret", "mpSecret", "mpToken", "mpAesKey")) {
            assertFalse(view.body(), view.json().path("settings").has(secret));
            assertFalse("the secret " + secret + " is in " + view.body(),
                    view.body().contains((String) settings.get(secret)));
        }

        // A tenant that never switched it on.
        assertError(api.anonymous().post(miniPath(never, "/login"), Map.of("code", "js-1")), 403, "PLUGIN_DISABLED");
        assertEquals(403, WeChatWeb.authorize(never.slug(), 1, "snsapi_base").status());

        // Switched off: the settings are kept (secrets too), and every entrance refuses.
        switchWeChat(api, tenant, false, null);
        String code = loginCode(mini, person);
        assertError(api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", code)), 403, "PLUGIN_DISABLED");
        assertError(api.withToken(userToken).put(miniPath(tenant, "/profile"), Map.of("nickname", "x")), 403,
                "PLUGIN_DISABLED");
        assertError(api.anonymous().get(mpPath(tenant, "/jssdk-signature?url=https://h5.example.com/wx-off/rooms/1")),
                403, "PLUGIN_DISABLED");
        assertError(admin.get("/tenants/" + tenant.slug() + "/wechat/rooms/" + roomId + "/reminders"), 403,
                "PLUGIN_DISABLED");
        long now = Instant.now().getEpochSecond();
        WeChatPushes pushes = mp.pushes();
        WeChatPushes.Push verification = pushes.verification("echo-off", now, word("n"));
        WeChatPushes.Push follow = pushes.plaintext(pushes.subscribeEvent(person.openid(), now), now, word("n"));
        for (WeChatWeb.Answer refused : List.of(WeChatWeb.portalGet(tenant.slug(), verification),
                WeChatWeb.portalPost(tenant.slug(), follow),
                WeChatWeb.authorize(tenant.slug(), roomId, "snsapi_base"))) {
            assertEquals(refused.toString(), 403, refused.status());
            assertEquals(refused.toString(), "PLUGIN_DISABLED", refused.code());
        }
        assertEquals("nothing reached WeChat while the plugin was off", List.of(),
                requestsOf(mini, "/sns/jscode2session").stream()
                        .filter(r -> code.equals(r.query().get("js_code"))).toList());
        assertNull("a follow was recorded while the plugin was off", following(tenant, mp, person.openid()));
        Api.Response off = admin.get("/tenants/" + tenant.slug() + "/plugins/" + PLUGIN);
        assertFalse(off.body(), off.json().path("enabled").asBoolean());
        assertEquals(off.body(), 4, off.json().path("secretsSet").size());

        // On again, without a restart, with the settings it had: the same requests now work.
        switchWeChat(api, tenant, true, null);
        Api.Response login = api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", code));
        assertEquals(login.body(), 200, login.status());
        assertEquals(userId, login.json().path("user").path("id").asLong());
        WeChatWeb.Answer echo = WeChatWeb.portalGet(tenant.slug(), verification);
        assertEquals(echo.toString(), 200, echo.status());
        assertEquals("echo-off", echo.body());
        // The push refused while off was not taken as received (its nonce is still new).
        WeChatWeb.Answer followed = WeChatWeb.portalPost(tenant.slug(), follow);
        assertEquals(followed.toString(), 200, followed.status());
        assertEquals(Boolean.TRUE, following(tenant, mp, person.openid()));
    }

    // ------------------------------------------------------------------ 4: access tokens

    @Test
    public void accessTokensAreFetchedOnceAndRefreshedOnceWhenWeChatRefusesThem() throws Exception {
        Api api = wechatApi();
        App mini = newApp();
        MpApp mp = newMpApp();
        Tenant tenant = wechatTenant(api, "wx-token", settings("wx-token", mini, mp));
        Api admin = api.withToken(tenant.adminToken());
        long roomId = createRoom(api, tenant, "Codes").path("id").asLong();
        long otherRoomId = createRoom(api, tenant, "More codes").path("id").asLong();

        // Several calls that need the mini-program's access token: one fetch.
        String token = null;
        for (int i = 0; i < 3; i++) {
            token = miniLogin(api, tenant, mini, new WeChatUser(word("o"), null, "", "")).token();
        }
        bindPhone(api, tenant, mini, token, "13900000001");
        HttpResponse<byte[]> code = roomCode(tenant, token, roomId, null);
        assertEquals(200, code.statusCode());
        assertEquals("image/png", code.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(code.body(), 4));
        RecordedRequest made = last(requestsOf(mini, "/wxa/getwxacodeunlimit"));
        assertEquals(made.toString(), "r=" + roomId, made.body().get("scene"));
        assertEquals(made.toString(), "pages/room/room", made.body().get("page"));
        // Cached: served again without WeChat, and not at all to a browser that has it.
        HttpResponse<byte[]> cached = roomCode(tenant, token, roomId, null);
        assertArrayEquals(code.body(), cached.body());
        String etag = cached.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, roomCode(tenant, token, roomId, etag).statusCode());
        assertEquals(1, requestsOf(mini, "/wxa/getwxacodeunlimit").size());
        assertEquals(200, roomCode(tenant, token, otherRoomId, null).statusCode());
        assertEquals(2, requestsOf(mini, "/wxa/getwxacodeunlimit").size());
        assertEquals(404, roomCode(tenant, token, 999_999_999L, null).statusCode());
        assertEquals("one access token for all these calls", 1, wechat.tokenFetchCount(mini.appId()));

        // WeChat stops accepting the token: one fetch of a new one, then the call goes through.
        long mark = last(wechat.requests()).sequence();
        wechat.invalidateAccessTokens();
        bindPhone(api, tenant, mini, token, "13900000002");
        assertEquals("one refresh after 40001", 2, wechat.tokenFetchCount(mini.appId()));
        // (A refused token names no app any more: these are told apart by time, the tests running one by one.)
        List<RecordedRequest> phones = wechat.requests("/wxa/business/getuserphonenumber").stream()
                .filter(r -> r.sequence() > mark).toList();
        assertEquals(phones.toString(), List.of(40001, 0), phones.stream().map(RecordedRequest::errcode).toList());
        bindPhone(api, tenant, mini, token, "13900000003");
        assertEquals(200, roomCode(tenant, token, createRoom(api, tenant, "Third").path("id").asLong(), null)
                .statusCode());
        miniLogin(api, tenant, mini, WeChatUser.of(word("o")));
        assertEquals("the new token serves every call after it", 2, wechat.tokenFetchCount(mini.appId()));

        // Rate-limited: one retry after a pause, not a storm.
        wechat.failNext("/sns/jscode2session", 1, 45011);
        miniLogin(api, tenant, mini, WeChatUser.of(word("o")));
        wechat.failNext("/sns/jscode2session", 2, 45011);
        WeChatUser patient = WeChatUser.of(word("o"));
        String loginCode = loginCode(mini, patient);
        int before = requestsOf(mini, "/sns/jscode2session").size();
        Api.Response limited = api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", loginCode));
        assertError(limited, 503, "WECHAT_UNAVAILABLE");
        assertEquals(limited.body(), 45011, limited.json().path("details").path("errcode").asInt());
        assertEquals("the call and one retry", before + 2, requestsOf(mini, "/sns/jscode2session").size());
        Api.Response later = api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", loginCode));
        assertEquals(later.body(), 200, later.status());
        assertEquals(2, wechat.tokenFetchCount(mini.appId()));

        // The service account: its token and JS-SDK ticket fetched once for several signatures.
        String page = "https://h5.example.com/wx-token/rooms/" + roomId + "?from=share";
        for (int i = 0; i < 3; i++) {
            Api.Response signed = api.anonymous().get(mpPath(tenant, "/jssdk-signature?url="
                    + java.net.URLEncoder.encode(page + "#comments", java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(signed.body(), 200, signed.status());
            JsonNode s = signed.json();
            assertEquals(s.toString(), mp.app().appId(), s.path("appId").asText());
            assertEquals(s.toString(), page, s.path("url").asText());
            assertEquals(s.toString(), FakeWeChatServer.jsapiSignature(wechat.jsapiTicket(mp.app().appId()),
                    s.path("nonceStr").asText(), s.path("timestamp").asLong(), page), s.path("signature").asText());
        }
        assertEquals(1, wechat.tokenFetchCount(mp.app().appId()));
        assertEquals(1, wechat.ticketFetchCount(mp.app().appId()));
        assertError(api.anonymous().get(mpPath(tenant, "/jssdk-signature?url=https://evil.example.com/rooms/1")),
                400, "URL_NOT_ALLOWED");
        assertEquals(1, wechat.ticketFetchCount(mp.app().appId()));
    }

    @Test
    public void wrongAppSettingsAreReportedAndRefusedSettingsAreNotSaved() throws Exception {
        Api api = wechatApi();
        App mini = newApp();
        Tenant tenant = newTenant(api, "wx-wrong");
        Api admin = api.withToken(tenant.adminToken());
        String plugin = "/tenants/" + tenant.slug() + "/plugins/" + PLUGIN;

        Api.Response invalid = admin.put(plugin, Map.of("enabled", true, "settings", Map.of(
                "miniappAppId", "wx-not-an-app", "mpAppId", mini.appId(), "mpAesKey", "short",
                "h5RoomUrl", "ftp://h5.example.com/rooms")));
        assertError(invalid, 400, "INVALID_SETTINGS");
        Set<String> fields = new java.util.TreeSet<>();
        invalid.json().path("details").forEach(d -> fields.add(d.path("field").asText()));
        assertTrue(invalid.body(), fields.containsAll(List.of("miniappAppId", "miniappSecret", "mpSecret", "mpToken",
                "mpAesKey", "h5RoomUrl")));
        assertFalse(admin.get(plugin).json().path("enabled").asBoolean());

        // A secret WeChat refuses: WECHAT_REJECTED with WeChat's code, and no fetch storm.
        Map<String, Object> wrongSecret = new HashMap<>(settings("wx-wrong", mini, null));
        wrongSecret.put("miniappSecret", "not-the-secret");
        switchWeChat(api, tenant, true, wrongSecret);
        Api.Response refused = api.anonymous().post(miniPath(tenant, "/login"), Map.of("code",
                loginCode(mini, WeChatUser.of(word("o")))));
        assertError(refused, 502, "WECHAT_REJECTED");
        int fetches = tokenRequests(mini).size();
        assertTrue("token fetches: " + fetches, fetches >= 1);
        assertEquals(40125, last(tokenRequests(mini)).errcode());
        for (int i = 0; i < 3; i++) {
            Api.Response again = api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", "js-" + i));
            assertTrue(again.body(), again.status() >= 500);
        }
        assertEquals("a refused secret is not asked again at once", fetches, tokenRequests(mini).size());
    }

    // ------------------------------------------------------------------ 5: the message endpoint

    @Test
    public void theMessageEndpointAnswersSignedAndEncryptedPushesAndRefusesForgeries() throws Exception {
        Api api = wechatApi();
        MpApp mp = newMpApp();
        Map<String, Object> settings = new HashMap<>(settings("wx-portal", null, mp));
        settings.put("mpFollowReply", "Welcome to wx-portal");
        settings.put("mpKeywordReplies", List.of(Map.of("keyword", "schedule", "reply", "Lives every Friday",
                "match", "contains")));
        Tenant tenant = wechatTenant(api, "wx-portal", settings);
        Tenant other = newTenant(api, "wx-portal-other");
        long roomId = createRoom(api, tenant, "Friday <live>").path("id").asLong();
        long roomOfOther = createRoom(api, other, "Not theirs").path("id").asLong();
        String roomPage = "https://h5.example.com/wx-portal/rooms/" + roomId;
        WeChatPushes pushes = mp.pushes();

        // The room's parametric QR code, which carries the scene the pushes below scan.
        Api.Response qr = api.withToken(tenant.adminToken()).get(mpPath(tenant, "/rooms/" + roomId + "/qrcode"));
        assertEquals(qr.body(), 200, qr.status());
        String scene = qr.json().path("scene").asText();
        assertEquals(qr.body(), "room:" + roomId, scene);
        RecordedRequest created = last(requestsOf(mp.app(), "/cgi-bin/qrcode/create"));
        assertEquals(created.toString(), "QR_LIMIT_STR_SCENE", created.body().get("action_name"));
        assertTrue(created.toString(), created.body().toString().contains("scene_str=" + scene));
        String ticket = qr.json().path("ticket").asText();
        assertFalse(qr.body(), ticket.isEmpty());
        String imageUrl = qr.json().path("imageUrl").asText();
        assertTrue(qr.body(), imageUrl.startsWith(wechat.uri() + "/cgi-bin/showqrcode?ticket="));
        assertEquals(200, WeChatWeb.get(URI.create(imageUrl)).status());
        String memberToken = passwordMember(api, tenant);
        assertError(api.withToken(memberToken).get(mpPath(tenant, "/rooms/" + roomId + "/qrcode")), 403, "FORBIDDEN");

        // WeChat's check of the server URL.
        long now = Instant.now().getEpochSecond();
        WeChatWeb.Answer echo = WeChatWeb.portalGet(tenant.slug(), pushes.verification("echo-42", now, word("n")));
        assertEquals(echo.toString(), 200, echo.status());
        assertEquals("echo-42", echo.body());
        assertRefused(WeChatWeb.portalGet(tenant.slug(), pushes.forgedVerification("echo-43", now, word("n"))),
                403, "INVALID_SIGNATURE");
        assertRefused(WeChatWeb.portalGet(tenant.slug(), pushes.verification("echo-44", now - 3600, word("n"))),
                403, "STALE_MESSAGE");

        // A plain follow, in plaintext mode: recorded, and welcomed.
        String ann = word("o-ann");
        WeChatPushes.Push follow = pushes.plaintext(pushes.subscribeEvent(ann, now), now, word("n"));
        WeChatWeb.Answer welcomed = WeChatWeb.portalPost(tenant.slug(), follow);
        assertEquals(welcomed.toString(), 200, welcomed.status());
        Map<String, String> welcome = pushes.decodeReply(welcomed.body());
        assertEquals(welcome.toString(), "text", welcome.get("MsgType"));
        assertEquals(welcome.toString(), "Welcome to wx-portal", welcome.get("Content"));
        assertEquals(welcome.toString(), ann, welcome.get("ToUserName"));
        assertEquals(welcome.toString(), mp.originalId(), welcome.get("FromUserName"));
        assertEquals(Boolean.TRUE, following(tenant, mp, ann));
        // The same push again is a replay.
        assertRefused(WeChatWeb.portalPost(tenant.slug(), follow), 403, "REPLAYED_MESSAGE");

        // Scanning the room's code, in safe mode: the encrypted reply links to the room's H5 page.
        WeChatWeb.Answer scanned = WeChatWeb.portalPost(tenant.slug(),
                pushes.encrypted(pushes.scanEvent(ann, scene, ticket, now), now, word("n")));
        assertEquals(scanned.toString(), 200, scanned.status());
        assertTrue(scanned.body(), scanned.body().contains("<Encrypt>"));
        assertFalse("the reply is encrypted: " + scanned.body(), scanned.body().contains("h5.example.com"));
        Map<String, String> link = pushes.decryptReply(scanned.body());
        assertEquals(link.toString(), ann, link.get("ToUserName"));
        assertEquals(link.toString(), "<a href=\"" + roomPage + "\">Friday live</a>", link.get("Content"));

        // Following by scanning it: recorded with the scene, answered with the link.
        String bob = word("o-bob");
        WeChatWeb.Answer bobScanned = WeChatWeb.portalPost(tenant.slug(),
                pushes.encrypted(pushes.qrSubscribeEvent(bob, scene, ticket, now), now, word("n")));
        assertEquals(bobScanned.toString(), 200, bobScanned.status());
        assertTrue(bobScanned.body(), pushes.decryptReply(bobScanned.body()).get("Content").contains(roomPage));
        assertEquals(List.of(List.of(true, scene)), query("SELECT following, scene FROM wechat_follower "
                + "WHERE tenant_id = ? AND app_id = ? AND openid = ?", tenantId(api, tenant), mp.app().appId(), bob));

        // A keyword, and an unfollow (no reply: "success").
        WeChatWeb.Answer keyword = WeChatWeb.portalPost(tenant.slug(),
                pushes.encrypted(pushes.textMessage(ann, "What's the SCHEDULE?", 1001, now), now, word("n")));
        assertEquals("Lives every Friday", pushes.decryptReply(keyword.body()).get("Content"));
        WeChatWeb.Answer gone = WeChatWeb.portalPost(tenant.slug(),
                pushes.plaintext(pushes.unsubscribeEvent(ann, now), now, word("n")));
        assertEquals(gone.toString(), 200, gone.status());
        assertEquals("success", gone.body());
        assertEquals(Boolean.FALSE, following(tenant, mp, ann));

        // A room of another tenant in the scene: no link to it.
        WeChatWeb.Answer foreign = WeChatWeb.portalPost(tenant.slug(), pushes.encrypted(
                pushes.scanEvent(bob, "room:" + roomOfOther, ticket, now), now, word("n")));
        assertEquals(foreign.toString(), 200, foreign.status());
        assertEquals(Map.of(), pushes.decodeReply(foreign.body()));

        // Forgeries: refused, and nothing recorded, not even their nonces.
        String eve = word("o-eve");
        String nonce = word("n");
        List<WeChatPushes.Push> forgeries = List.of(
                pushes.plaintext(pushes.subscribeEvent(eve, now), now, nonce).forged(),
                pushes.encrypted(pushes.subscribeEvent(eve, now), now, nonce).forged(),
                pushes.encrypted(pushes.subscribeEvent(eve, now), now, nonce).withQuery("msg_signature",
                        "0".repeat(40)),
                // The ciphertext of another message under the signatures of the first.
                pushes.encrypted(pushes.subscribeEvent(bob, now), now, nonce).withBody(
                        pushes.encrypted(pushes.subscribeEvent(eve, now), now, nonce).body()),
                pushes.plaintext(pushes.subscribeEvent(eve, now), now, nonce).withQuery("signature", null),
                new WeChatPushes("otherToken", null, mp.app().appId(), mp.originalId())
                        .plaintext(pushes.subscribeEvent(eve, now), now, nonce));
        for (WeChatPushes.Push forged : forgeries) {
            assertRefused(WeChatWeb.portalPost(tenant.slug(), forged), 403, "INVALID_SIGNATURE");
        }
        assertNull("a forged push was processed", following(tenant, mp, eve));
        assertEquals(List.of(List.of(0L)), query("SELECT COUNT(*) FROM wechat_nonce WHERE nonce = ?",
                now + ":" + nonce));
        WeChatPushes wrongKey = new WeChatPushes(mp.token(), WeChatPushes.newEncodingAesKey(), mp.app().appId(),
                mp.originalId());
        assertRefused(WeChatWeb.portalPost(tenant.slug(), wrongKey.encrypted(pushes.subscribeEvent(eve, now), now,
                word("n"))), 400, "MALFORMED_MESSAGE");
        assertRefused(WeChatWeb.portalPost(tenant.slug(), pushes.plaintext(pushes.subscribeEvent(eve, now - 3600),
                now - 3600, word("n"))), 403, "STALE_MESSAGE");
        assertNull(following(tenant, mp, eve));

        // Malformed and oversized bodies, correctly signed.
        for (String body : List.of("<xml><ToUserName>", "<!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<xml><ToUserName>&e;</ToUserName><FromUserName>x</FromUserName><MsgType>text</MsgType></xml>",
                "not xml at all")) {
            assertRefused(WeChatWeb.portalPost(tenant.slug(), pushes.plaintext(pushes.subscribeEvent(eve, now), now,
                    word("n")).withBody(body)), 400, "MALFORMED_MESSAGE");
        }
        String huge = pushes.textMessage(eve, "x".repeat(PORTAL_MAX_BYTES + 1), 1002, now);
        assertRefused(WeChatWeb.portalPost(tenant.slug(), pushes.plaintext(huge, now, word("n"))), 413,
                "MESSAGE_TOO_LARGE");
        assertRefused(WeChatWeb.portalPostChunked(tenant.slug(), pushes.plaintext(huge, now, word("n"))), 413,
                "MESSAGE_TOO_LARGE");
        assertNull(following(tenant, mp, eve));

        // The endpoint of a tenant that has no service account, and of none.
        Tenant bare = wechatTenant(api, "wx-portal-bare", settings("wx-portal-bare", newApp(), null));
        assertRefused(WeChatWeb.portalGet(bare.slug(), pushes.verification("e", now, word("n"))), 409,
                "WECHAT_NOT_CONFIGURED");
        assertRefused(WeChatWeb.portalGet("wx-no-such-tenant", pushes.verification("e", now, word("n"))), 404,
                "TENANT_NOT_FOUND");
    }

    // ------------------------------------------------------------------ 6: reminders

    @Test
    public void subscribersAreRemindedOnceWhenTheRoomGoesLive() throws Exception {
        Api api = wechatApi();
        App mini = newApp();
        MpApp mp = newMpApp();
        Map<String, Object> settings = new HashMap<>(settings("wx-remind", mini, mp));
        settings.put("miniappRoomStartTemplateId", "tpl-mini-start");
        settings.put("mpRoomStartTemplateId", "tpl-mp-start");
        Tenant tenant = wechatTenant(api, "wx-remind", settings);
        Api admin = api.withToken(tenant.adminToken());
        JsonNode room = createRoom(api, tenant, "Launch party");
        long roomId = room.path("id").asLong();

        // One person, signed in from the mini-program and from the H5 page: one user with both openids.
        String unionid = word("union");
        WeChatUser inMini = new WeChatUser(word("o-mini"), unionid, "", "");
        WeChatUser inH5 = new WeChatUser(word("o-h5"), unionid, "", "");
        SignedIn viaMini = miniLogin(api, tenant, mini, inMini);
        SignedIn viaH5 = h5Login(tenant, mp, roomId, inH5, FakeWeChatServer.SCOPE_BASE);
        assertEquals(viaMini.userId(), viaH5.userId());

        String subscription = "/rooms/" + roomId + "/subscription";
        for (int i = 0; i < 2; i++) {
            Api.Response subscribed = api.withToken(viaMini.token()).post(miniPath(tenant, subscription), null);
            assertEquals(subscribed.body(), 200, subscribed.status());
            assertEquals(subscribed.body(), "MINIAPP", subscribed.json().path("channel").asText());
            assertEquals(subscribed.body(), "PENDING", subscribed.json().path("status").asText());
        }
        Api.Response viaTemplate = api.withToken(viaH5.token()).post(mpPath(tenant, subscription), null);
        assertEquals(viaTemplate.body(), 200, viaTemplate.status());
        assertEquals(viaTemplate.body(), "MP", viaTemplate.json().path("channel").asText());
        assertError(admin.post(miniPath(tenant, subscription), null), 409, "NOT_A_WECHAT_USER");
        assertError(api.withToken(viaMini.token()).post(miniPath(tenant, "/rooms/999999999/subscription"), null), 404,
                "ROOM_NOT_FOUND");

        String reminders = "/tenants/" + tenant.slug() + "/wechat/rooms/" + roomId + "/reminders";
        assertError(api.withToken(viaMini.token()).get(reminders), 403, "FORBIDDEN");
        JsonNode pending = admin.get(reminders).json().path("reminders");
        assertEquals(pending.toString(), 2, pending.size());
        for (JsonNode reminder : pending) {
            assertEquals(pending.toString(), "PENDING", reminder.path("status").asText());
            assertEquals(pending.toString(), viaMini.userId(), reminder.path("userId").asLong());
        }
        assertEquals(List.of(), sentTo(wechat.subscribeMessages(), mini));

        // The room goes live: each reminder is sent once, in the background, and recorded as SENT.
        Api.Response started = admin.post("/tenants/" + tenant.slug() + "/rooms/" + roomId + "/start", null);
        assertEquals(started.body(), 200, started.status());
        JsonNode sent = awaitReminders(api, tenant, roomId, "both SENT", rows -> rows.size() == 2
                && texts(rows, "status").equals(List.of("SENT", "SENT")));
        for (JsonNode reminder : sent) {
            assertTrue(sent.toString(), reminder.path("sentAtMs").asLong() > 0);
        }
        List<SentMessage> subscribe = sentTo(wechat.subscribeMessages(), mini);
        assertEquals(subscribe.toString(), 1, subscribe.size());
        assertEquals(inMini.openid(), subscribe.get(0).toUser());
        assertEquals("tpl-mini-start", subscribe.get(0).templateId());
        assertEquals("Launch party", subscribe.get(0).dataValue("thing1"));
        assertEquals("pages/room/room?scene=r%3D" + roomId, subscribe.get(0).payload().get("page"));
        List<SentMessage> template = sentTo(wechat.templateMessages(), mp.app());
        assertEquals(template.toString(), 1, template.size());
        assertEquals(inH5.openid(), template.get(0).toUser());
        assertEquals("tpl-mp-start", template.get(0).templateId());
        assertEquals("Launch party", template.get(0).dataValue("keyword1"));
        assertEquals("https://h5.example.com/wx-remind/rooms/" + roomId, template.get(0).payload().get("url"));
        assertError(api.withToken(viaMini.token()).post(miniPath(tenant, subscription), null), 400,
                "VALIDATION_FAILED");

        // A reminder WeChat refuses (the user withdrew consent: 43101) is recorded as FAILED with WeChat's answer.
        long secondRoom = createRoom(api, tenant, "Encore").path("id").asLong();
        assertEquals(200, api.withToken(viaMini.token()).post(miniPath(tenant, "/rooms/" + secondRoom
                + "/subscription"), null).status());
        wechat.failNext("/cgi-bin/message/subscribe/send", 1, 43101);
        assertEquals(200, admin.post("/tenants/" + tenant.slug() + "/rooms/" + secondRoom + "/start", null).status());
        JsonNode failed = awaitReminders(api, tenant, secondRoom, "FAILED", rows -> rows.size() == 1
                && "FAILED".equals(rows.get(0).path("status").asText()));
        assertTrue(failed.toString(), failed.get(0).path("error").asText().contains("43101"));
        assertEquals("nothing more was sent", 1, sentTo(wechat.subscribeMessages(), mini).size());
        assertEquals(1, sentTo(wechat.templateMessages(), mp.app()).size());
    }

    // ------------------------------------------------------------------ 7: content security of danmaku

    @Test
    public void contentSecurityRejectsWhatWeChatFlagsInDanmaku() throws Exception {
        Api api = wechatApi();
        awaitDanmakuSocket();
        App mini = newApp();
        Map<String, Object> settings = new HashMap<>(settings("wx-safe", mini, null));
        settings.put("contentSecurity", true);
        Tenant tenant = wechatTenant(api, "wx-safe", settings);
        switchDanmaku(api, tenant);
        Tenant lax = wechatTenant(api, "wx-lax", settings("wx-lax", newApp(), null));
        switchDanmaku(api, lax);
        String risky = word("riskyword").replace("-", "");
        wechat.addRiskyWord(risky, FakeWeChatServer.LABEL_ABUSE);
        WeChatUser viewer = new WeChatUser(word("o"), null, "", "");
        String viewerToken = miniLogin(api, tenant, mini, viewer).token();
        long roomId = liveRoom(api, tenant, "Checked");
        long laxRoom = liveRoom(api, lax, "Unchecked");

        try (DanmakuClient user = DanmakuClient.join("wechat user", tenant.slug(), roomId, viewerToken);
             DanmakuClient admin = DanmakuClient.join("admin", tenant.slug(), roomId, tenant.adminToken())) {
            awaitAccepted(user, "hello everyone", "c-1");
            // A user of the mini-program is checked with version 2 and their openid, as WeChat requires.
            assertEquals("CONTENT_FLAGGED", user.sendRefused("buy " + risky + " now", "c-2"));
            ContentCheck check = last(checksOf(mini));
            assertEquals(check.toString(), 2, check.version());
            assertEquals(check.toString(), viewer.openid(), check.openid());
            assertEquals(check.toString(), "buy " + risky + " now", check.content());
            assertEquals(check.toString(), "risky", check.suggest());
            // Someone without an openid of the app (the admin) with version 1 (87014).
            assertEquals("CONTENT_FLAGGED", admin.sendRefused(risky + "!", "c-3"));
            assertEquals(1, last(checksOf(mini)).version());
            admin.sendAccepted("a fine remark", "c-4");

            // WeChat cannot answer: the tenant's choice, reject (the default)...
            wechat.failNext("/wxa/msg_sec_check", 2, -1);
            assertEquals("CONTENT_CHECK_UNAVAILABLE", user.sendRefused("is anyone there", "c-5"));
            // ...or accept.
            settings.put("contentSecurityWhenUnavailable", "accept");
            switchWeChat(api, tenant, true, settings);
            wechat.failNext("/wxa/msg_sec_check", 2, -1);
            user.sendAccepted("anyone at all", "c-6");
        }

        // A tenant that did not switch it on: nothing is checked.
        int checks = wechat.contentChecks().size();
        try (DanmakuClient laxAdmin = DanmakuClient.join("lax admin", lax.slug(), laxRoom, lax.adminToken())) {
            awaitAccepted(laxAdmin, "buy " + risky + " here", "c-1");
        }
        assertEquals(checks, wechat.contentChecks().size());
    }

    // ------------------------------------------------------------------ the fake, the plugin's configuration

    /** The API, with the fake running and the plugin pointed at it; the first call configures both. */
    private Api wechatApi() throws Exception {
        Api api = api();
        synchronized (WeChatIT.class) {
            if (wechat == null) {
                FakeWeChatServer fake = new FakeWeChatServer();
                fake.start();
                configureWeChat(fake.uri().toString(), "http://127.0.0.1:" + System.getProperty(PORT_PROPERTY));
                wechat = fake;
            }
        }
        awaitWeChat(api, wechat.uri().toString());
        return api;
    }

    /**
     * Points the plugin at the fake through ConfigurationAdmin. As in MediaTestSupport#configureMedia: the
     * configuration comes from etc/, and is detached from its file so that file install does not race with the
     * update (nor write the test's ports to etc/).
     */
    private void configureWeChat(String fakeUri, String publicUrl) throws Exception {
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(PID, null);
        Hashtable<String, Object> properties = new Hashtable<>();
        Dictionary<String, Object> current = configuration.getProperties();
        if (current != null) {
            for (Enumeration<String> keys = current.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                if (!key.equals("felix.fileinstall.filename")) {
                    properties.put(key, current.get(key));
                }
            }
        }
        properties.put("api.url", fakeUri);
        properties.put("open.url", fakeUri);
        properties.put("mp.url", fakeUri);
        properties.put("public.url", publicUrl);
        properties.put("retry.pause.millis", "10");
        properties.put("token.failure.backoff.seconds", "30");
        properties.put("portal.max.bytes", Integer.toString(PORTAL_MAX_BYTES));
        configuration.update(properties);
    }

    /**
     * Waits until the plugin's services run with the fake's address, and its REST resources and servlet answer
     * (the components that depend on the configuration are built again when it changes).
     */
    private void awaitWeChat(Api api, String fakeUri) throws Exception {
        await("the plugin configured with the fake's address " + fakeUri, WAIT, this::configuredApiUrl,
                () -> fakeUri.equals(configuredApiUrl()));
        Object[] last = new Object[1];
        await("the plugin's REST API and servlet answering", WAIT, () -> last[0], () -> {
            try {
                Api.Response login = api.anonymous().post("/tenants/wx-no-such-tenant/wechat/miniapp/login",
                        Map.of("code", "c"));
                WeChatWeb.Answer portal = WeChatWeb.get(WeChatWeb.uri("wx-no-such-tenant", "portal"));
                last[0] = login + " / " + portal;
                return login.status() == 404 && "TENANT_NOT_FOUND".equals(login.code()) && portal.status() == 404
                        && "TENANT_NOT_FOUND".equals(portal.code());
            } catch (Exception | AssertionError e) {
                last[0] = e;
                return false;
            }
        });
    }

    /**
     * {@code api.url} as the plugin's WeChatApps component has it, or null. The class is private to the plugin, so
     * the service is read by reflection: test code may look where integrators may not.
     */
    private String configuredApiUrl() {
        try {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(
                    "io.edamame.wechat.impl.client.WeChatApps", null);
            if (refs == null) {
                return null;
            }
            Object apps = bundleContext.getService(refs[0]);
            try {
                if (apps == null) {
                    return null;
                }
                Method config = apps.getClass().getMethod("config");
                Object values = config.invoke(apps);
                return (String) config.getReturnType().getMethod("api_url").invoke(values);
            } finally {
                bundleContext.ungetService(refs[0]);
            }
        } catch (Exception e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ apps, tenants, users

    /** An app of the fake: its id ({@code wx} and 16 hex digits, as the plugin requires) and secret. */
    record App(String appId, String secret) {
    }

    /** A service account: its app, and the token, EncodingAESKey and original id of its message endpoint. */
    record MpApp(App app, String token, String aesKey, String originalId) {
        WeChatPushes pushes() {
            return new WeChatPushes(token, aesKey, app.appId(), originalId);
        }
    }

    record SignedIn(long userId, String token, boolean newUser, JsonNode body) {
    }

    private static App newApp() {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        App app = new App("wx" + HexFormat.of().formatHex(id), word("secret").replace("-", ""));
        wechat.registerApp(app.appId(), app.secret());
        return app;
    }

    private static MpApp newMpApp() {
        return new MpApp(newApp(), word("token").replace("-", ""), WeChatPushes.newEncodingAesKey(),
                "gh_" + HexFormat.of().formatHex(new byte[] {(byte) RANDOM.nextInt(), (byte) RANDOM.nextInt(),
                        (byte) RANDOM.nextInt(), (byte) RANDOM.nextInt(), (byte) RANDOM.nextInt(),
                        (byte) RANDOM.nextInt()}));
    }

    /** The tenant's WeChat settings: a mini-program and/or a service account, and its H5 room page. */
    private static Map<String, Object> settings(String slug, App mini, MpApp mp) {
        Map<String, Object> settings = new LinkedHashMap<>();
        if (mini != null) {
            settings.put("miniappAppId", mini.appId());
            settings.put("miniappSecret", mini.secret());
        }
        if (mp != null) {
            settings.put("mpAppId", mp.app().appId());
            settings.put("mpSecret", mp.app().secret());
            settings.put("mpToken", mp.token());
            settings.put("mpAesKey", mp.aesKey());
        }
        settings.put("h5RoomUrl", "https://h5.example.com/" + slug + "/rooms/{roomId}");
        return settings;
    }

    private Tenant wechatTenant(Api api, String slug, Map<String, Object> settings) throws Exception {
        Tenant tenant = newTenant(api, slug);
        switchWeChat(api, tenant, true, settings);
        return tenant;
    }

    private static void switchWeChat(Api api, Tenant tenant, boolean enabled, Map<String, Object> settings)
            throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("enabled", enabled);
        if (settings != null) {
            body.put("settings", settings);
        }
        Api.Response switched = api.withToken(tenant.adminToken()).put("/tenants/" + tenant.slug() + "/plugins/"
                + PLUGIN, body);
        assertEquals(switched.body(), 200, switched.status());
        assertEquals(switched.body(), enabled, switched.json().path("enabled").asBoolean());
    }

    private static void switchDanmaku(Api api, Tenant tenant) throws Exception {
        Api.Response on = api.withToken(tenant.adminToken()).put("/tenants/" + tenant.slug() + "/plugins/danmaku",
                Map.of("enabled", true, "settings", DANMAKU_SETTINGS));
        assertEquals(on.body(), 200, on.status());
    }

    private static String miniPath(Tenant tenant, String rest) {
        return "/tenants/" + tenant.slug() + "/wechat/miniapp" + rest;
    }

    private static String mpPath(Tenant tenant, String rest) {
        return "/tenants/" + tenant.slug() + "/wechat/mp" + rest;
    }

    /** A new {@code wx.login} code of the app for the user. */
    private static String loginCode(App app, WeChatUser user) {
        String code = word("js");
        wechat.addLoginCode(app.appId(), code, user);
        return code;
    }

    private static SignedIn miniLogin(Api api, Tenant tenant, App app, WeChatUser user) throws Exception {
        Api.Response login = api.anonymous().post(miniPath(tenant, "/login"), Map.of("code", loginCode(app, user)));
        assertEquals(login.body(), 200, login.status());
        JsonNode body = login.json();
        return new SignedIn(body.path("user").path("id").asLong(), body.path("token").asText(),
                body.path("newUser").asBoolean(), body);
    }

    /** The whole H5 login of a browser: authorize, WeChat's redirect with a code, the callback with the cookie. */
    private static SignedIn h5Login(Tenant tenant, MpApp mp, long roomId, WeChatUser user, String scope)
            throws Exception {
        WeChatWeb.Answer start = WeChatWeb.authorize(tenant.slug(), roomId, scope);
        assertEquals(start.toString(), 302, start.status());
        String state = WeChatWeb.params(URI.create(start.location()).getRawQuery()).get("state");
        String cookie = start.cookie(WeChatWeb.STATE_COOKIE).orElseThrow(() -> new AssertionError("no cookie: "
                + start));
        String code = word("oc");
        wechat.addOAuthCode(mp.app().appId(), code, user, scope);
        WeChatWeb.Answer end = WeChatWeb.callback(tenant.slug(), code, state, cookie);
        assertEquals(end.toString(), 302, end.status());
        Map<String, String> fragment = WeChatWeb.params(URI.create(end.location()).getRawFragment());
        if (fragment.containsKey("error") || !fragment.containsKey("token")) {
            fail("the H5 login failed: " + end.location());
        }
        return new SignedIn(Long.parseLong(fragment.get("userId")), fragment.get("token"),
                Boolean.parseBoolean(fragment.get("newUser")), null);
    }

    private static void bindPhone(Api api, Tenant tenant, App mini, String token, String number) throws Exception {
        String code = word("pc");
        wechat.addPhoneCode(mini.appId(), code, "86", number);
        Api.Response bound = api.withToken(token).post(miniPath(tenant, "/phone"), Map.of("code", code));
        assertEquals(bound.body(), 200, bound.status());
        assertEquals(bound.body(), "+86" + number, bound.json().path("phoneNumber").asText());
    }

    private static HttpResponse<byte[]> roomCode(Tenant tenant, String token, long roomId, String ifNoneMatch)
            throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + System.getProperty(PORT_PROPERTY) + "/api/v1" + miniPath(tenant, "/rooms/" + roomId + "/code")))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET();
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode me(Api api, Tenant tenant, String token) throws Exception {
        Api.Response me = api.withToken(token).get("/tenants/" + tenant.slug() + "/users/me");
        assertEquals(me.body(), 200, me.status());
        return me.json();
    }

    private static long tenantId(Api api, Tenant tenant) throws Exception {
        return me(api, tenant, tenant.adminToken()).path("tenantId").asLong();
    }

    /** A member's token: someone who is neither admin nor signed in through WeChat. */
    private static String passwordMember(Api api, Tenant tenant) throws Exception {
        String username = word("member");
        Api.Response created = api.withToken(tenant.adminToken()).post("/tenants/" + tenant.slug() + "/users",
                Map.of("username", username, "password", "password-" + username, "role", "MEMBER"));
        assertEquals(created.body(), 201, created.status());
        return api.login(tenant.slug(), username, "password-" + username);
    }

    private List<ExternalIdentity> identities(long tenantId, long userId) {
        ServiceReference<UserService> ref = bundleContext.getServiceReference(UserService.class);
        assertNotNull("no UserService", ref);
        try {
            return bundleContext.getService(ref).identities(tenantId, userId);
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    // ------------------------------------------------------------------ rooms

    private static JsonNode createRoom(Api api, Tenant tenant, String title) throws Exception {
        Api.Response created = api.withToken(tenant.adminToken()).post("/tenants/" + tenant.slug() + "/rooms",
                Map.of("title", title, "type", "AUDIO_SLIDES", "access", "PUBLIC",
                        "scheduledStart", Instant.now().plus(Duration.ofDays(7)).toString()));
        assertEquals(created.body(), 201, created.status());
        return created.json();
    }

    private static long liveRoom(Api api, Tenant tenant, String title) throws Exception {
        long roomId = createRoom(api, tenant, title).path("id").asLong();
        Api.Response started = api.withToken(tenant.adminToken()).post("/tenants/" + tenant.slug() + "/rooms/"
                + roomId + "/start", null);
        assertEquals(started.body(), 200, started.status());
        return roomId;
    }

    /** The room's reminders once they match; fails after {@link #WAIT} with the last list. */
    private static JsonNode awaitReminders(Api api, Tenant tenant, long roomId, String what,
                                           java.util.function.Predicate<List<JsonNode>> match) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Api.Response last = null;
        while (System.nanoTime() < deadline) {
            last = api.withToken(tenant.adminToken()).get("/tenants/" + tenant.slug() + "/wechat/rooms/" + roomId
                    + "/reminders");
            assertEquals(last.body(), 200, last.status());
            List<JsonNode> rows = new ArrayList<>();
            last.json().path("reminders").forEach(rows::add);
            if (match.test(rows)) {
                return last.json().path("reminders");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the reminders of room " + roomId + " never showed " + what + "; last: " + last);
    }

    // ------------------------------------------------------------------ danmaku

    /** Waits until the danmaku WebSocket answers (its context starts separately from the REST API's). */
    private static void awaitDanmakuSocket() throws Exception {
        Object[] last = new Object[1];
        await("the danmaku WebSocket answering", Duration.ofSeconds(60), () -> last[0], () -> {
            try (DanmakuClient probe = DanmakuClient.connect("probe", "wx-no-such-tenant", 1, null)) {
                DanmakuClient.Closed closed = probe.awaitClose();
                last[0] = closed;
                return closed.code() == 4404;
            } catch (Exception | AssertionError e) {
                last[0] = e;
                return false;
            }
        });
    }

    /**
     * Sends until accepted: the node learns that a room started through REST from the core's event, posted
     * asynchronously, so the first attempt may still meet the room not live (as in DanmakuIT).
     */
    private static void awaitAccepted(DanmakuClient client, String text, String clientId) throws Exception {
        long deadline = System.nanoTime() + DanmakuClient.WAIT.toNanos();
        List<JsonNode> refusals = new ArrayList<>();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            String id = clientId + "-" + attempt;
            client.danmaku(text, id);
            JsonNode answer = client.nextAnswer();
            if (DanmakuClient.isType(answer, "ack")) {
                return;
            }
            refusals.add(answer);
            Thread.sleep(100);
        }
        throw new AssertionError(client + ": '" + text + "' never accepted: " + refusals);
    }

    // ------------------------------------------------------------------ what the fake and the database saw

    private static List<RecordedRequest> requestsOf(App app, String path) {
        return wechat.requests(path).stream().filter(r -> app.appId().equals(r.appid())).toList();
    }

    /** The app's token fetches, refused ones included (which the fake records without an app). */
    private static List<RecordedRequest> tokenRequests(App app) {
        List<RecordedRequest> fetches = new ArrayList<>();
        wechat.requests().stream().filter(r -> (r.path().equals("/cgi-bin/stable_token")
                && app.appId().equals(r.body().get("appid"))) || (r.path().equals("/cgi-bin/token")
                && app.appId().equals(r.query().get("appid")))).forEach(fetches::add);
        return fetches;
    }

    private static List<SentMessage> sentTo(List<SentMessage> messages, App app) {
        return messages.stream().filter(m -> app.appId().equals(m.appid())).toList();
    }

    private static List<ContentCheck> checksOf(App app) {
        return wechat.contentChecks().stream().filter(c -> app.appId().equals(c.appid())).toList();
    }

    /** Whether the plugin recorded the openid as following the service account; null if it never saw it. */
    private Boolean following(Tenant tenant, MpApp mp, String openid) throws Exception {
        List<List<Object>> rows = query("SELECT following FROM wechat_follower f JOIN tenant t "
                + "ON t.id = f.tenant_id WHERE t.slug = ? AND f.app_id = ? AND f.openid = ?", tenant.slug(),
                mp.app().appId(), openid);
        return rows.isEmpty() ? null : (Boolean) rows.get(0).get(0);
    }

    /** Rows of a query on the platform's database; the plugin records follows only there. */
    private List<List<Object>> query(String sql, Object... params) throws Exception {
        ServiceReference<?>[] refs = bundleContext.getServiceReferences(DataSource.class.getName(),
                "(osgi.jndi.service.name=edamame)");
        assertNotNull("no DataSource edamame", refs);
        DataSource dataSource = (DataSource) bundleContext.getService(refs[0]);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 1; c <= columns; c++) {
                        Object value = rs.getObject(c);
                        row.add(value instanceof Number n && !(value instanceof Long) ? n.longValue() : value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } finally {
            bundleContext.ungetService(refs[0]);
        }
    }

    // ------------------------------------------------------------------ small things

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " not installed");
    }

    private static void assertRefused(WeChatWeb.Answer answer, int status, String code) {
        assertEquals(answer.toString(), status, answer.status());
        assertEquals(answer.toString(), code, answer.code());
    }

    private static <T> T last(List<T> list) {
        assertFalse("nothing recorded", list.isEmpty());
        return list.get(list.size() - 1);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private static List<String> texts(List<JsonNode> rows, String field) {
        return rows.stream().map(r -> r.path(field).asText()).toList();
    }

    /** A unique word: {@code prefix-} and 12 letters and digits. */
    private static String word(String prefix) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder word = new StringBuilder(prefix).append('-');
        for (int i = 0; i < 12; i++) {
            word.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return word.toString();
    }

    private static void await(String what, Duration wait, Supplier<Object> describe, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " within " + wait + "; now: " + describe.get());
            }
            Thread.sleep(100);
        }
    }
}
