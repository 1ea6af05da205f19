package io.edamame.wechat.impl.security;

import cn.binarywang.wx.miniapp.bean.security.WxMaMsgSecCheckCheckRequest;
import cn.binarywang.wx.miniapp.bean.security.WxMaMsgSecCheckCheckResponse;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatUsers;
import io.edamame.wechat.impl.client.MiniAppClient;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.client.WeChatCalls;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A danmaku filter that asks WeChat's content security API ({@code msg_sec_check}) about each text, for tenants
 * that switched {@code contentSecurity} on; it rejects what WeChat judges risky. It runs just after the danmaku
 * bundle's own sensitive-word filter, so words the tenant already bans never cost a call.
 *
 * <p>This filter must call out, which the filter contract otherwise forbids, so it bounds what it costs a
 * connection thread: verdicts are cached per tenant and text (danmaku repeat a lot), at most
 * {@code content.check.max.concurrent} checks wait for WeChat at once, and none longer than
 * {@code content.check.timeout.millis}. A check that cannot be made follows the tenant's
 * {@code contentSecurityWhenUnavailable}: reject (the default) or accept.
 *
 * <p>A sender with an openid of the tenant's mini-program is checked with version 2 of the API (which WeChat
 * requires for users of the mini-program); others with version 1.
 */
@Component(service = DanmakuFilter.class,
        property = Constants.SERVICE_RANKING + ":Integer=" + (DanmakuFilter.RANKING_CONTENT - 10))
public class ContentSecurityFilter implements DanmakuFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ContentSecurityFilter.class);
    static final int CACHE_SIZE = 10_000;
    static final long VERDICT_TTL_MS = 600_000;
    /** WeChat's errcode of risky content in version 1. */
    static final int RISKY = 87014;
    /** The scene "comment" of version 2, which is what danmaku are. */
    static final int SCENE_COMMENT = 2;

    private record Verdict(boolean risky, long atMs) {
    }

    /** A sender's openid of the mini-program; "none" is looked up again after a while, as they may sign in. */
    private record Sender(Optional<String> openid, long atMs) {
    }

    static final long NO_OPENID_TTL_MS = 60_000;

    private final PluginRegistry plugins;
    private final WeChatApps apps;
    private final WeChatUsers weChatUsers;
    private final Semaphore inFlight;
    private final ExecutorService checks;
    private final long timeoutMillis;
    private final Map<String, Verdict> verdicts = lru();
    private final Map<String, Sender> openids = lru();

    @Activate
    public ContentSecurityFilter(@Reference PluginRegistry plugins, @Reference WeChatApps apps,
                                 @Reference WeChatUsers weChatUsers) {
        this.plugins = plugins;
        this.apps = apps;
        this.weChatUsers = weChatUsers;
        int concurrent = apps.config().content_check_max_concurrent();
        this.inFlight = new Semaphore(concurrent);
        this.timeoutMillis = apps.config().content_check_timeout_millis();
        this.checks = Executors.newFixedThreadPool(concurrent, runnable -> {
            Thread thread = new Thread(runnable, "edamame-wechat-content-check");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Deactivate
    void deactivate() {
        checks.shutdownNow();
    }

    @Override
    public String name() {
        return "wechat-content-security";
    }

    @Override
    public FilterDecision filter(DanmakuDraft draft, FilterContext context) {
        if (!plugins.isEnabled(draft.tenantId(), WeChatSettings.PLUGIN_ID)) {
            return FilterDecision.pass();
        }
        TenantWeChat settings = apps.settings(draft.tenantId());
        if (!settings.contentSecurity()) {
            return FilterDecision.pass();
        }
        String key = draft.tenantId() + "\u0000" + draft.text();
        long now = context.now().toEpochMilli();
        Verdict cached;
        synchronized (verdicts) {
            cached = verdicts.get(key);
        }
        if (cached != null && now - cached.atMs() < VERDICT_TTL_MS) {
            return decision(cached.risky());
        }
        Optional<Boolean> risky = check(draft, settings);
        if (risky.isEmpty()) {
            return settings.acceptWhenUnavailable() ? FilterDecision.pass()
                    : FilterDecision.reject(WeChatErrorCode.CONTENT_CHECK_UNAVAILABLE,
                    "This message cannot be checked right now; try again shortly");
        }
        synchronized (verdicts) {
            verdicts.put(key, new Verdict(risky.get(), now));
        }
        return decision(risky.get());
    }

    private static FilterDecision decision(boolean risky) {
        return risky ? FilterDecision.reject(WeChatErrorCode.CONTENT_FLAGGED, "This message cannot be sent")
                : FilterDecision.pass();
    }

    /** WeChat's verdict, or empty when none could be had in time. */
    private Optional<Boolean> check(DanmakuDraft draft, TenantWeChat settings) {
        if (settings.miniApp().isEmpty() || !inFlight.tryAcquire()) {
            return Optional.empty();
        }
        try {
            MiniAppClient miniApp = apps.miniApp(draft.tenantId());
            Optional<String> openid = openidOf(draft.tenantId(), draft.userId(), settings.miniApp().get().appId(),
                    draft.sentAt().toEpochMilli());
            Future<Boolean> verdict = checks.submit(() -> ask(miniApp, openid, draft.text()));
            try {
                return Optional.of(verdict.get(timeoutMillis, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                verdict.cancel(true);
                LOG.warn("WECHAT tenant {}: content check took more than {} ms", draft.tenantId(), timeoutMillis);
                return Optional.empty();
            } catch (ExecutionException e) {
                LOG.warn("WECHAT tenant {}: content check failed: {}", draft.tenantId(), e.getCause().getMessage());
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        } catch (EdamameException | java.util.concurrent.RejectedExecutionException e) {
            return Optional.empty();
        } finally {
            inFlight.release();
        }
    }

    private boolean ask(MiniAppClient miniApp, Optional<String> openid, String text) {
        if (openid.isPresent()) {
            WxMaMsgSecCheckCheckResponse response = apps.calls().call("msg_sec_check", () ->
                    miniApp.getSecurityService().checkMessage(WxMaMsgSecCheckCheckRequest.builder()
                            .version("2").openid(openid.get()).scene(SCENE_COMMENT).content(text).build()));
            return response.getResult() != null && "risky".equalsIgnoreCase(response.getResult().getSuggest());
        }
        try {
            apps.calls().call("msg_sec_check", () -> miniApp.getSecurityService().checkMessage(text));
            return false;
        } catch (EdamameException e) {
            if (WeChatCalls.errcode(e) == RISKY) {
                return true;
            }
            throw e;
        }
    }

    private Optional<String> openidOf(long tenantId, long userId, String appId, long nowMs) {
        String key = tenantId + "/" + userId + "/" + appId;
        synchronized (openids) {
            Sender known = openids.get(key);
            if (known != null && (known.openid().isPresent() || nowMs - known.atMs() < NO_OPENID_TTL_MS)) {
                return known.openid();
            }
        }
        Optional<String> openid = weChatUsers.openid(tenantId, userId, appId);
        synchronized (openids) {
            openids.put(key, new Sender(openid, nowMs));
        }
        return openid;
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE_SIZE;
            }
        };
    }
}
