package io.edamame.wechat.impl.portal;

import io.edamame.core.api.Room;
import io.edamame.core.api.RoomService;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.store.WeChatStore;
import java.time.Clock;
import java.util.Optional;
import me.chanjar.weixin.common.api.WxConsts;
import me.chanjar.weixin.mp.bean.message.WxMpXmlMessage;
import me.chanjar.weixin.mp.bean.message.WxMpXmlOutMessage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What the service account answers to the messages WeChat pushes, once the message endpoint has checked them:
 * follows and unfollows are recorded; a follow or scan of a room's parametric QR code is answered with the
 * room's link; a text message gets the tenant's keyword reply; a new follower gets the tenant's welcome.
 * Everything else is acknowledged with no reply.
 */
@Component(service = PortalMessages.class)
public class PortalMessages {

    /** Scenes of room QR codes: {@code room:<id>}. */
    static final String ROOM_SCENE_PREFIX = "room:";
    /** WeChat prefixes the scene of a follow through a parametric QR code with this. */
    static final String QR_SUBSCRIBE_PREFIX = "qrscene_";

    private final WeChatStore store;
    private final RoomService rooms;
    private final Clock clock;

    @Activate
    public PortalMessages(@Reference WeChatStore store, @Reference RoomService rooms) {
        this(store, rooms, Clock.systemUTC());
    }

    public PortalMessages(WeChatStore store, RoomService rooms, Clock clock) {
        this.store = store;
        this.rooms = rooms;
        this.clock = clock;
    }

    /** The scene a room's parametric QR code carries. */
    public static String roomScene(long roomId) {
        return ROOM_SCENE_PREFIX + roomId;
    }

    /** The reply to {@code message}, or empty to acknowledge it with none. */
    public Optional<WxMpXmlOutMessage> handle(long tenantId, TenantWeChat settings, TenantWeChat.ServiceAccount account,
                                              WxMpXmlMessage message) {
        String type = message.getMsgType();
        if (WxConsts.XmlMsgType.EVENT.equalsIgnoreCase(type)) {
            String event = message.getEvent() == null ? "" : message.getEvent();
            switch (event.toLowerCase(java.util.Locale.ROOT)) {
                case "subscribe" -> {
                    String scene = sceneOf(message.getEventKey(), true);
                    store.recordFollow(tenantId, account.appId(), message.getFromUser(), true, scene, clock.millis());
                    Optional<WxMpXmlOutMessage> roomLink = roomLink(tenantId, settings, message, scene);
                    if (roomLink.isPresent()) {
                        return roomLink;
                    }
                    return account.followReply().isEmpty() ? Optional.empty()
                            : Optional.of(text(message, account.followReply()));
                }
                case "unsubscribe" -> {
                    store.recordFollow(tenantId, account.appId(), message.getFromUser(), false, null, clock.millis());
                    return Optional.empty();
                }
                case "scan" -> {
                    return roomLink(tenantId, settings, message, sceneOf(message.getEventKey(), false));
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        if (WxConsts.XmlMsgType.TEXT.equalsIgnoreCase(type)) {
            return account.replyTo(message.getContent()).map(reply -> text(message, reply));
        }
        return Optional.empty();
    }

    private static String sceneOf(String eventKey, boolean subscribe) {
        if (eventKey == null || eventKey.isBlank()) {
            return null;
        }
        String scene = subscribe && eventKey.startsWith(QR_SUBSCRIBE_PREFIX)
                ? eventKey.substring(QR_SUBSCRIBE_PREFIX.length()) : eventKey;
        return scene.length() > 64 ? scene.substring(0, 64) : scene;
    }

    private Optional<WxMpXmlOutMessage> roomLink(long tenantId, TenantWeChat settings, WxMpXmlMessage message,
                                                 String scene) {
        if (scene == null || !scene.startsWith(ROOM_SCENE_PREFIX)) {
            return Optional.empty();
        }
        long roomId;
        try {
            roomId = Long.parseLong(scene.substring(ROOM_SCENE_PREFIX.length()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<Room> room = rooms.find(tenantId, roomId);
        Optional<String> link = settings.roomPage(roomId);
        if (room.isEmpty() || link.isEmpty()) {
            return Optional.empty();
        }
        String title = room.get().title().replace("<", "").replace(">", "");
        return Optional.of(text(message, "<a href=\"" + link.get() + "\">" + title + "</a>"));
    }

    private static WxMpXmlOutMessage text(WxMpXmlMessage message, String content) {
        return WxMpXmlOutMessage.TEXT().content(content).fromUser(message.getToUser()).toUser(message.getFromUser())
                .build();
    }
}
