package io.edamame.wechat.impl.client;

import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatConfig;
import io.edamame.wechat.impl.store.WeChatStore;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Every tenant's WeChat apps as WxJava services: one service per tenant app, built on first use and rebuilt
 * when the tenant's settings change. WxJava's own multi-app switch keeps the current app in a thread-local,
 * which is unsafe when requests of many tenants interleave on the same threads, so it is not used.
 *
 * <p>Settings come from the core's plugin registry (served from memory), so comparing them on each use is how a
 * change on any node reaches this one. Credentials are per app, not per tenant, and shared by every node.
 */
@Component(service = WeChatApps.class, configurationPid = WeChatConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WeChatConfig.class)
public class WeChatApps {

    public static final String ACCESS_TOKEN = "access_token";
    public static final String JSAPI_TICKET = "jsapi_ticket";

    /** One tenant's apps, built from {@code raw}. */
    private record Apps(Map<String, Object> raw, TenantWeChat settings, MiniAppClient miniApp,
                        ServiceAccountClient serviceAccount) {
    }

    private final PluginRegistry plugins;
    private final WeChatStore store;
    private final WeChatConfig config;
    private final WeChatHttp http;
    private final WeChatCalls calls;
    private final Clock clock;
    private final String nodeId = UUID.randomUUID().toString();
    private final Map<Long, Apps> byTenant = new ConcurrentHashMap<>();
    private final Map<String, SharedCredential> credentials = new ConcurrentHashMap<>();

    @Activate
    public WeChatApps(@Reference PluginRegistry plugins, @Reference WeChatStore store, WeChatConfig config) {
        this(plugins, store, config, Clock.systemUTC());
    }

    /** With a clock of the test's choosing. */
    public WeChatApps(PluginRegistry plugins, WeChatStore store, WeChatConfig config, Clock clock) {
        this.plugins = plugins;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.http = new WeChatHttp(config);
        this.calls = new WeChatCalls(config.retry_pause_millis());
    }

    @Deactivate
    public void close() {
        byTenant.clear();
        http.close();
    }

    public WeChatConfig config() {
        return config;
    }

    public WeChatCalls calls() {
        return calls;
    }

    /** The tenant's WeChat settings as they are now. */
    public TenantWeChat settings(long tenantId) {
        return apps(tenantId).settings();
    }

    /** @throws EdamameException {@code WECHAT_NOT_CONFIGURED} if the tenant has no mini-program set up */
    public MiniAppClient miniApp(long tenantId) {
        MiniAppClient client = apps(tenantId).miniApp();
        if (client == null) {
            throw new EdamameException(WeChatErrorCode.WECHAT_NOT_CONFIGURED,
                    "This tenant has not set up a WeChat mini-program (settings " + WeChatSettings.MINIAPP_APP_ID + ")");
        }
        return client;
    }

    /** @throws EdamameException {@code WECHAT_NOT_CONFIGURED} if the tenant has no service account set up */
    public ServiceAccountClient serviceAccount(long tenantId) {
        ServiceAccountClient client = apps(tenantId).serviceAccount();
        if (client == null) {
            throw new EdamameException(WeChatErrorCode.WECHAT_NOT_CONFIGURED,
                    "This tenant has not set up a WeChat service account (settings " + WeChatSettings.MP_APP_ID + ")");
        }
        return client;
    }

    /** Drops a tenant's services, e.g. when it switches the plugin off. */
    public void forget(long tenantId) {
        byTenant.remove(tenantId);
    }

    private Apps apps(long tenantId) {
        Map<String, Object> raw = plugins.settings(tenantId, WeChatSettings.PLUGIN_ID);
        Apps current = byTenant.get(tenantId);
        if (current != null && current.raw().equals(raw)) {
            return current;
        }
        return byTenant.compute(tenantId, (id, existing) ->
                existing != null && existing.raw().equals(raw) ? existing : build(raw));
    }

    private Apps build(Map<String, Object> raw) {
        TenantWeChat settings = TenantWeChat.of(raw);
        // New settings (a corrected secret) are tried at once, not after the back-off of the old ones' failure.
        settings.miniApp().ifPresent(app -> credential(app.appId(), ACCESS_TOKEN).clearBackoff());
        settings.serviceAccount().ifPresent(app -> credential(app.appId(), ACCESS_TOKEN).clearBackoff());
        MiniAppClient miniApp = settings.miniApp().map(app -> new MiniAppClient(config.api_url(), app.appId(),
                app.secret(), credential(app.appId(), ACCESS_TOKEN), http, config.retry_pause_millis())).orElse(null);
        ServiceAccountClient account = settings.serviceAccount().map(app -> new ServiceAccountClient(config.api_url(),
                config.open_url(), config.mp_url(), app.appId(), app.secret(), app.token(), app.aesKey(),
                credential(app.appId(), ACCESS_TOKEN), credential(app.appId(), JSAPI_TICKET), http,
                config.retry_pause_millis())).orElse(null);
        return new Apps(Map.copyOf(raw), settings, miniApp, account);
    }

    /** An app's credential; the same object for every tenant and rebuild, so that its lock is one. */
    private SharedCredential credential(String appId, String kind) {
        return credentials.computeIfAbsent(Objects.requireNonNull(appId) + "/" + kind, key -> new SharedCredential(
                store, appId, kind, nodeId, clock, config.token_failure_backoff_seconds() * 1000L));
    }
}
