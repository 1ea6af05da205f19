package io.edamame.wechat.impl;

import io.edamame.core.api.Caller;
import io.edamame.core.api.Room;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.api.User;
import io.edamame.core.impl.auth.TokenServiceImpl;
import io.edamame.core.impl.plugin.PluginRegistryImpl;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.MutableClock;
import io.edamame.core.testing.RoomDrafts;
import io.edamame.testing.wechat.FakeWeChatServer;
import io.edamame.testing.wechat.WeChatPushes;
import io.edamame.testing.wechat.WeChatUser;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.notify.RoomStartSubscriptions;
import io.edamame.wechat.impl.portal.MessageEndpoint;
import io.edamame.wechat.impl.portal.OAuthLogin;
import io.edamame.wechat.impl.portal.PortalMessages;
import io.edamame.wechat.impl.rest.MiniAppResource;
import io.edamame.wechat.impl.rest.ServiceAccountResource;
import io.edamame.wechat.impl.store.WeChatStore;
import io.edamame.wechat.testing.TestConfig;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The WeChat bundle wired by hand on the core's real services and database, as Declarative Services wires it in
 * Karaf, against a fake WeChat over HTTP: the store on the migrated schema, the plugin installed, every component of
 * the bundle, a clock the tests move, and the core's token service. Each tenant gets a mini-program and a service
 * account of its own (app ids unique to it), registered with the fake.
 */
public final class WeChatWorld implements AutoCloseable {

    public static final String TOKEN_SECRET = Base64.getEncoder()
            .encodeToString("wechat-tests-token-signing-key!!".getBytes(StandardCharsets.US_ASCII));
    public static final String ORIGINAL_ID = "gh_0123456789ab";
    public static final String H5_ROOM_URL = "https://live.example.com/rooms/{roomId}";
    public static final String MINIAPP_TEMPLATE = "tmpl-miniapp-room-start";
    public static final String MP_TEMPLATE = "tmpl-mp-room-start";
    public static final String MP_TOKEN = "portalToken42";
    public static final String FOLLOW_REPLY = "Welcome to our live rooms";

    private static final SecureRandom RANDOM = new SecureRandom();

    public final CoreServices core;
    public final FakeWeChatServer wechat = new FakeWeChatServer();
    public final MutableClock clock = new MutableClock(Instant.now());
    public final TestConfig config;
    public final WeChatStore store;
    public final WeChatApps apps;
    public final WeChatUsers weChatUsers;
    public final TokenServiceImpl tokens;
    public final RoomStartSubscriptions subscriptions;
    public final MiniAppResource miniApp;
    public final ServiceAccountResource serviceAccount;
    public final PortalMessages messages;
    public final MessageEndpoint endpoint;
    public final OAuthLogin oauth;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** A tenant with the plugin on: its admin and a member (password users), its apps and their secrets. */
    public record Tenant(io.edamame.core.api.Tenant tenant, Caller admin, Caller member, String miniAppId,
                         String miniAppSecret, String mpAppId, String mpSecret, String aesKey) {

        public long id() {
            return tenant.id();
        }

        public String slug() {
            return tenant.slug();
        }

        public Caller caller(User user) {
            return new Caller(tenant.id(), tenant.slug(), user.id(), user.role());
        }
    }

    public WeChatWorld(CoreServices core) {
        this.core = core;
        CoreServices.migrate(core.dataSource, WeChatStore.CHANGELOG, WeChatStore.class.getClassLoader());
        core.plugins.addPlugin(new WeChatPlugin());
        config = TestConfig.at(wechat.start());
        store = new WeChatStore(core.dataSource);
        apps = new WeChatApps(core.plugins, store, config, clock);
        closeables.add(apps::close);
        weChatUsers = new WeChatUsers(core.users);
        tokens = new TokenServiceImpl(core.tenants, TOKEN_SECRET, 3600, core.clock);
        subscriptions = new RoomStartSubscriptions(apps, store, core.rooms, weChatUsers, core.plugins);
        closeables.add(() -> deactivate(subscriptions));
        miniApp = new MiniAppResource(apps, weChatUsers, core.users, core.tenants, tokens, core.rooms, store,
                subscriptions);
        serviceAccount = new ServiceAccountResource(apps, core.tenants, core.rooms, store, subscriptions);
        messages = new PortalMessages(store, core.rooms, clock);
        endpoint = new MessageEndpoint(store, messages, config, clock);
        oauth = new OAuthLogin(apps, store, weChatUsers, tokens, core.rooms, clock);
    }

    // ---- tenants and their settings

    /** A tenant with both apps fully set up (see {@link #settings}). */
    public Tenant tenant() {
        return tenant(settings -> {
        });
    }

    /** A tenant whose settings are {@link #settings} changed by {@code change} (which may remove keys). */
    public Tenant tenant(Consumer<Map<String, Object>> change) {
        CreatedTenant created = core.newTenant();
        io.edamame.core.api.Tenant tenant = created.tenant();
        User member = core.newMember(tenant.id(), "member");
        Tenant t = new Tenant(tenant, new Caller(tenant.id(), tenant.slug(), created.admin().id(), TenantRole.TENANT_ADMIN),
                new Caller(tenant.id(), tenant.slug(), member.id(), TenantRole.MEMBER), newAppId(), "mini-secret-"
                + hex(4), newAppId(), "mp-secret-" + hex(4), WeChatPushes.newEncodingAesKey());
        wechat.registerApp(t.miniAppId(), t.miniAppSecret());
        wechat.registerApp(t.mpAppId(), t.mpSecret());
        Map<String, Object> settings = settings(t);
        change.accept(settings);
        core.plugins.configure(tenant.id(), WeChatSettings.PLUGIN_ID, true, settings);
        return t;
    }

    /** Everything set: both apps, their templates, a follow reply, two keyword replies, the H5 room page. */
    public Map<String, Object> settings(Tenant t) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(WeChatSettings.MINIAPP_APP_ID, t.miniAppId());
        settings.put(WeChatSettings.MINIAPP_SECRET, t.miniAppSecret());
        settings.put(WeChatSettings.MINIAPP_ROOM_START_TEMPLATE, MINIAPP_TEMPLATE);
        settings.put(WeChatSettings.MP_APP_ID, t.mpAppId());
        settings.put(WeChatSettings.MP_SECRET, t.mpSecret());
        settings.put(WeChatSettings.MP_TOKEN, MP_TOKEN);
        settings.put(WeChatSettings.MP_AES_KEY, t.aesKey());
        settings.put(WeChatSettings.MP_ROOM_START_TEMPLATE, MP_TEMPLATE);
        settings.put(WeChatSettings.MP_FOLLOW_REPLY, FOLLOW_REPLY);
        settings.put(WeChatSettings.MP_KEYWORD_REPLIES, List.of(
                Map.of("keyword", "hello", "reply", "Hi! Rooms start at eight.", "match", "exact"),
                Map.of("keyword", "price", "reply", "Every room is free.", "match", "contains")));
        settings.put(WeChatSettings.H5_ROOM_URL, H5_ROOM_URL);
        return settings;
    }

    /** Replaces the tenant's settings (the plugin stays on); secrets left out are kept, as the core does. */
    public void configure(Tenant t, Map<String, Object> settings) {
        core.plugins.configure(t.id(), WeChatSettings.PLUGIN_ID, true, settings);
    }

    public void switchOff(Tenant t) {
        core.plugins.configure(t.id(), WeChatSettings.PLUGIN_ID, false, null);
    }

    /** A scheduled room of the tenant, hosted by its admin. */
    public Room room(Tenant t) {
        return core.rooms.create(t.id(), RoomDrafts.hostedBy(t.admin().userId()).title("Spring launch").build());
    }

    // ---- WeChat users and what WeChat pushes

    /** A WeChat user with a unionid, unique to the test. */
    public static WeChatUser user(String name) {
        String id = hex(6);
        return new WeChatUser("o-" + name + "-" + id, "u-" + name + "-" + id, name, "https://img.example.com/" + name
                + ".png");
    }

    /** A one-time {@code wx.login} code of the tenant's mini-program for {@code user}. */
    public String loginCode(Tenant t, WeChatUser user) {
        String code = "js" + hex(8);
        wechat.addLoginCode(t.miniAppId(), code, user);
        return code;
    }

    /** What WeChat pushes to the tenant's message endpoint, in safe mode. */
    public WeChatPushes pushes(Tenant t) {
        return new WeChatPushes(MP_TOKEN, t.aesKey(), t.mpAppId(), ORIGINAL_ID);
    }

    /** What WeChat pushes to the tenant's message endpoint, in plaintext mode. */
    public WeChatPushes plainPushes(Tenant t) {
        return new WeChatPushes(MP_TOKEN, null, t.mpAppId(), ORIGINAL_ID);
    }

    /**
     * An H5 login (OAuth2) of {@code user} through the tenant's service account, as a browser makes it: authorize,
     * WeChat's redirect back with a code, the callback with the state cookie. Returns the landing page's fragment.
     */
    public Map<String, String> h5Login(Tenant t, WeChatUser user, String scope) {
        Room room = room(t);
        OAuthLogin.Redirect start = oauth.authorize(t.tenant(), Long.toString(room.id()), scope);
        String state = query(start.location()).get("state");
        String code = "oc" + hex(8);
        wechat.addOAuthCode(t.mpAppId(), code, user, scope);
        return fragment(oauth.callback(t.tenant(), code, state, start.stateCookie()).location());
    }

    /** The decoded query parameters of a URL. */
    public static Map<String, String> query(String url) {
        return parameters(URI.create(url).getRawQuery());
    }

    /** The decoded parameters in a URL's fragment, {@code #a=1&b=2}. */
    public static Map<String, String> fragment(String url) {
        return parameters(URI.create(url).getRawFragment());
    }

    private static Map<String, String> parameters(String raw) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                parameters.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    public long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    // ---- other nodes

    /**
     * Another node of the cluster: its own plugin registry (with its own cache) and its own WeChat apps over the
     * same database, closed with the world.
     */
    public WeChatApps node(Clock nodeClock) {
        PluginRegistryImpl registry = core.newPluginRegistry();
        registry.addPlugin(new WeChatPlugin());
        WeChatApps node = new WeChatApps(registry, store, config, nodeClock);
        closeables.add(node::close);
        return node;
    }

    /** WeChat apps of this node with another configuration, closed with the world. */
    public WeChatApps apps(TestConfig other) {
        WeChatApps node = new WeChatApps(core.plugins, store, other, clock);
        closeables.add(node::close);
        return node;
    }

    public static String newAppId() {
        return "wx" + hex(8);
    }

    public static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Calls a component's package-private {@code @Deactivate} method, as Declarative Services does. */
    public static void deactivate(Object component) throws ReflectiveOperationException {
        Method deactivate = component.getClass().getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(component);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        wechat.close();
    }
}
