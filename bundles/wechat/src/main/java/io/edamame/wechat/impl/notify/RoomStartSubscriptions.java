package io.edamame.wechat.impl.notify;

import cn.binarywang.wx.miniapp.bean.WxMaSubscribeMessage;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.RoomStatus;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatUsers;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.store.WeChatStore;
import io.edamame.wechat.impl.store.WeChatStore.Channel;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import me.chanjar.weixin.mp.bean.template.WxMpTemplateData;
import me.chanjar.weixin.mp.bean.template.WxMpTemplateMessage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Tell me when this room starts": users ask through the mini-program (a subscribe message, after
 * {@code wx.requestSubscribeMessage}) or an H5 page (a template message of the service account). When the room
 * goes live, everyone who asked is sent one message, in the background, and each outcome is recorded.
 *
 * <p>Sent once: a subscription is claimed in the database before it is sent, so a second event, or another node,
 * cannot send it again. A subscription that failed stays FAILED with WeChat's answer; the user may ask again.
 */
@Component(service = {RoomStartSubscriptions.class, EventHandler.class},
        property = {EventConstants.EVENT_TOPIC + "=" + EdamameEvents.ROOM_STARTED,
                EventConstants.EVENT_TOPIC + "=" + EdamameEvents.ROOM_DELETED})
public class RoomStartSubscriptions implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RoomStartSubscriptions.class);
    private static final int BATCH = 200;
    /** A reminder claimed this long and not finished was being sent by a node that stopped. */
    private static final long ABANDONED_AFTER_MS = 600_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.of("Asia/Shanghai"));

    /** What the subscriber is told. */
    public record Status(long roomId, String channel, String status) {
    }

    private final WeChatApps apps;
    private final WeChatStore store;
    private final RoomService rooms;
    private final WeChatUsers weChatUsers;
    private final PluginRegistry plugins;
    private final Clock clock = Clock.systemUTC();
    private final ExecutorService senders;

    @Activate
    public RoomStartSubscriptions(@Reference WeChatApps apps, @Reference WeChatStore store,
                                  @Reference RoomService rooms, @Reference WeChatUsers weChatUsers,
                                  @Reference PluginRegistry plugins) {
        this.apps = apps;
        this.store = store;
        this.rooms = rooms;
        this.weChatUsers = weChatUsers;
        this.plugins = plugins;
        // One sender: WeChat limits calls per app, and a room start is not urgent to the millisecond.
        this.senders = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "edamame-wechat-reminders");
            thread.setDaemon(true);
            return thread;
        });
        int abandoned = store.releaseAbandonedClaims(clock.millis() - ABANDONED_AFTER_MS);
        if (abandoned > 0) {
            LOG.warn("WECHAT: {} reminders were being sent by a node that stopped; they are marked FAILED", abandoned);
        }
    }

    @Deactivate
    void deactivate() {
        senders.shutdownNow();
    }

    /**
     * Records the caller's wish; asking again while one is pending changes nothing.
     *
     * @throws EdamameException {@code ROOM_NOT_FOUND}; {@code VALIDATION_FAILED} for a room that is live or over;
     *                          {@code NOT_A_WECHAT_USER} when the caller has no openid of the channel's app;
     *                          {@code WECHAT_NOT_CONFIGURED} when the tenant has no template for it
     */
    public Status subscribe(Caller caller, long roomId, Channel channel) {
        Room room = rooms.get(caller.tenantId(), roomId);
        if (room.status() != RoomStatus.SCHEDULED) {
            throw new EdamameException(CoreErrorCode.VALIDATION_FAILED,
                    "The room is " + room.status() + ": reminders are for rooms that have not started",
                    List.of(Map.of("field", "roomId", "message", "must be a room that has not started")));
        }
        TenantWeChat settings = apps.settings(caller.tenantId());
        String appId = appOf(settings, channel);
        String openid = openidOf(caller, appId);
        store.subscribe(caller.tenantId(), roomId, caller.userId(), channel, appId, openid, clock.millis());
        return new Status(roomId, channel.name(), "PENDING");
    }

    public void unsubscribe(Caller caller, long roomId, Channel channel) {
        rooms.get(caller.tenantId(), roomId);
        store.unsubscribe(caller.tenantId(), roomId, caller.userId(), channel);
    }

    private static String appOf(TenantWeChat settings, Channel channel) {
        if (channel == Channel.MINIAPP) {
            TenantWeChat.MiniApp app = settings.miniApp().filter(a -> !a.roomStartTemplateId().isEmpty())
                    .orElseThrow(() -> notConfigured(WeChatSettings.MINIAPP_ROOM_START_TEMPLATE));
            return app.appId();
        }
        TenantWeChat.ServiceAccount app = settings.serviceAccount().filter(a -> !a.roomStartTemplateId().isEmpty())
                .orElseThrow(() -> notConfigured(WeChatSettings.MP_ROOM_START_TEMPLATE));
        return app.appId();
    }

    private String openidOf(Caller caller, String appId) {
        return weChatUsers.openid(caller.tenantId(), caller.userId(), appId)
                .orElseThrow(() -> new EdamameException(WeChatErrorCode.NOT_A_WECHAT_USER,
                        "Sign in with WeChat (app " + appId + ") to be reminded there"));
    }

    private static EdamameException notConfigured(String setting) {
        return new EdamameException(WeChatErrorCode.WECHAT_NOT_CONFIGURED,
                "This tenant sends no such reminders (setting " + setting + ")");
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(EdamameEvents.TENANT_ID) instanceof Long tenantId)
                || !(event.getProperty(EdamameEvents.ROOM_ID) instanceof Long roomId)) {
            return;
        }
        if (EdamameEvents.ROOM_DELETED.equals(event.getTopic())) {
            store.deleteRoom(tenantId, roomId);
            return;
        }
        if (!plugins.isEnabled(tenantId, WeChatSettings.PLUGIN_ID)) {
            return;
        }
        senders.execute(() -> sendAll(tenantId, roomId));
    }

    /** Sends every pending reminder of the room; returns how many were sent. Runs on the sender thread. */
    int sendAll(long tenantId, long roomId) {
        int sent = 0;
        try {
            Optional<Room> room = rooms.find(tenantId, roomId);
            if (room.isEmpty()) {
                return 0;
            }
            TenantWeChat settings = apps.settings(tenantId);
            List<WeChatStore.Subscription> batch;
            while (!(batch = store.claimPending(tenantId, roomId, BATCH, clock.millis())).isEmpty()) {
                for (WeChatStore.Subscription subscription : batch) {
                    String error = send(tenantId, room.get(), settings, subscription);
                    store.finish(subscription.id(), error, clock.millis());
                    if (error == null) {
                        sent++;
                    }
                }
            }
            LOG.info("WECHAT tenant {} room {}: {} reminders sent", tenantId, roomId, sent);
        } catch (RuntimeException e) {
            LOG.error("WECHAT tenant {} room {}: sending reminders failed", tenantId, roomId, e);
        }
        return sent;
    }

    /** Sends one reminder; returns null when WeChat took it, else why not. */
    private String send(long tenantId, Room room, TenantWeChat settings, WeChatStore.Subscription subscription) {
        try {
            if (subscription.channel() == Channel.MINIAPP) {
                TenantWeChat.MiniApp app = settings.miniApp().filter(a -> a.appId().equals(subscription.appId()))
                        .filter(a -> !a.roomStartTemplateId().isEmpty()).orElse(null);
                if (app == null) {
                    return "the tenant's mini-program or its template changed since the user subscribed";
                }
                WxMaSubscribeMessage message = WxMaSubscribeMessage.builder()
                        .toUser(subscription.openid())
                        .templateId(app.roomStartTemplateId())
                        .page(app.roomPage() + "?scene=" + java.net.URLEncoder.encode("r=" + room.id(),
                                java.nio.charset.StandardCharsets.UTF_8))
                        .build();
                fill(app.roomStartData(), room).forEach((key, value) -> message.addData(
                        new WxMaSubscribeMessage.MsgData(key, value)));
                apps.calls().call("subscribe message", () -> {
                    apps.miniApp(tenantId).getMsgService().sendSubscribeMsg(message);
                    return null;
                });
            } else {
                TenantWeChat.ServiceAccount app = settings.serviceAccount()
                        .filter(a -> a.appId().equals(subscription.appId()))
                        .filter(a -> !a.roomStartTemplateId().isEmpty()).orElse(null);
                if (app == null) {
                    return "the tenant's service account or its template changed since the user subscribed";
                }
                WxMpTemplateMessage message = WxMpTemplateMessage.builder()
                        .toUser(subscription.openid())
                        .templateId(app.roomStartTemplateId())
                        .url(settings.roomPage(room.id()).orElse(null))
                        .build();
                fill(app.roomStartData(), room).forEach((key, value) -> message.addData(
                        new WxMpTemplateData(key, value)));
                apps.calls().call("template message", () ->
                        apps.serviceAccount(tenantId).getTemplateMsgService().sendTemplateMsg(message));
            }
            return null;
        } catch (EdamameException e) {
            return e.code().name() + ": " + e.getMessage()
                    + (e.details() instanceof Map<?, ?> details ? " " + details : "");
        } catch (RuntimeException e) {
            LOG.warn("WECHAT tenant {}: a reminder of room {} failed", tenantId, room.id(), e);
            return "failed: " + e;
        }
    }

    /** The template's texts with the room's placeholders filled in. */
    static Map<String, String> fill(Map<String, String> data, Room room) {
        String startedAt = TIME.format(room.startedAt() != null ? room.startedAt() : java.time.Instant.now());
        java.util.LinkedHashMap<String, String> filled = new java.util.LinkedHashMap<>();
        data.forEach((key, text) -> filled.put(key, text.replace("{title}", truncate(room.title(), 20))
                .replace("{startedAt}", startedAt)));
        return filled;
    }

    private static String truncate(String text, int max) {
        return text.codePointCount(0, text.length()) <= max ? text
                : text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }
}
