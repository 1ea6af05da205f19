package io.edamame.wechat.impl.rest;

import io.edamame.core.api.Caller;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.client.ServiceAccountClient;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.notify.RoomStartSubscriptions;
import io.edamame.wechat.impl.portal.PortalMessages;
import io.edamame.wechat.impl.store.WeChatStore;
import io.swagger.v3.oas.annotations.Operation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import me.chanjar.weixin.common.bean.WxJsapiSignature;
import me.chanjar.weixin.mp.bean.result.WxMpQrCodeTicket;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The tenant's service account for H5 room pages inside WeChat: JS-SDK signatures for share cards, start
 * reminders as template messages, a room's parametric QR code, and what became of a room's reminders.
 */
@Component(service = RestResource.class, property = Plugin.PLUGIN_ID + "=" + WeChatSettings.PLUGIN_ID)
@Path("/tenants/{tenant}/wechat")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceAccountResource implements RestResource {

    public record JsSdkSignature(String appId, long timestamp, String nonceStr, String signature, String url) {
    }

    public record RoomQrCode(long roomId, String scene, String ticket, String url, String imageUrl) {
    }

    public record Reminders(long roomId, List<WeChatStore.SubscriptionRow> reminders) {
    }

    private final WeChatApps apps;
    private final TenantService tenants;
    private final RoomService rooms;
    private final WeChatStore store;
    private final RoomStartSubscriptions subscriptions;

    @Activate
    public ServiceAccountResource(@Reference WeChatApps apps, @Reference TenantService tenants,
                                  @Reference RoomService rooms, @Reference WeChatStore store,
                                  @Reference RoomStartSubscriptions subscriptions) {
        this.apps = apps;
        this.tenants = tenants;
        this.rooms = rooms;
        this.store = store;
        this.subscriptions = subscriptions;
    }

    @GET
    @Path("/mp/jssdk-signature")
    @PermitAll
    @Operation(summary = "The wx.config signature of one of the tenant's H5 room pages (for share cards)")
    public JsSdkSignature jsSdkSignature(@PathParam(TENANT_PARAM) String tenantSlug, @QueryParam("url") String url) {
        Tenant tenant = tenants.get(tenantSlug);
        TenantWeChat settings = apps.settings(tenant.id());
        String page = url == null ? null : url.split("#", 2)[0];
        if (!settings.isRoomPage(page)) {
            throw new EdamameException(WeChatErrorCode.URL_NOT_ALLOWED,
                    "Signatures are made for the tenant's H5 room pages only (setting h5RoomUrl)");
        }
        ServiceAccountClient account = apps.serviceAccount(tenant.id());
        WxJsapiSignature signature = apps.calls().call("jsapi ticket", () -> account.createJsapiSignature(page));
        return new JsSdkSignature(signature.getAppId(), signature.getTimestamp(), signature.getNonceStr(),
                signature.getSignature(), page);
    }

    @POST
    @Path("/mp/rooms/{roomId}/subscription")
    @Operation(summary = "Ask for a template message of the service account when the room goes live")
    public RoomStartSubscriptions.Status subscribe(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        return subscriptions.subscribe(caller(security), roomId, WeChatStore.Channel.MP);
    }

    @DELETE
    @Path("/mp/rooms/{roomId}/subscription")
    @Operation(summary = "Withdraw the caller's pending reminder of the room")
    public Response unsubscribe(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        subscriptions.unsubscribe(caller(security), roomId, WeChatStore.Channel.MP);
        return Response.noContent().build();
    }

    @GET
    @Path("/mp/rooms/{roomId}/qrcode")
    @RolesAllowed(TENANT_ADMIN)
    @Operation(summary = "The room's permanent parametric QR code: scanning it follows the service account and "
            + "gets the room's link")
    public RoomQrCode roomQrCode(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        Caller caller = caller(security);
        Room room = rooms.get(caller.tenantId(), roomId);
        ServiceAccountClient account = apps.serviceAccount(caller.tenantId());
        String scene = PortalMessages.roomScene(room.id());
        // Permanent codes are limited per account: one is made per room and app, and kept.
        String cacheKey = "mp-qrcode|" + account.getWxMpConfigStorage().getAppId();
        String[] saved = store.roomCode(caller.tenantId(), room.id(), cacheKey)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8).split("\n", 2)).orElse(null);
        String ticket;
        String url;
        if (saved != null && saved.length == 2) {
            ticket = saved[0];
            url = saved[1];
        } else {
            WxMpQrCodeTicket created = apps.calls().call("qrcode/create",
                    () -> account.getQrcodeService().qrCodeCreateLastTicket(scene));
            ticket = created.getTicket();
            url = created.getUrl();
            store.saveRoomCode(caller.tenantId(), room.id(), cacheKey,
                    (ticket + "\n" + url).getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
        }
        String imageUrl = apps.calls().call("showqrcode", () -> account.getQrcodeService().qrCodePictureUrl(ticket));
        return new RoomQrCode(room.id(), scene, ticket, url, imageUrl);
    }

    @GET
    @Path("/rooms/{roomId}/reminders")
    @RolesAllowed(TENANT_ADMIN)
    @Operation(summary = "The room's start reminders and what became of each (PENDING, SENDING, SENT, FAILED)")
    public Reminders reminders(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        Caller caller = caller(security);
        rooms.get(caller.tenantId(), roomId);
        return new Reminders(roomId, store.subscriptions(caller.tenantId(), roomId, 10_000));
    }

    private static Caller caller(SecurityContext security) {
        return (Caller) security.getUserPrincipal();
    }
}
