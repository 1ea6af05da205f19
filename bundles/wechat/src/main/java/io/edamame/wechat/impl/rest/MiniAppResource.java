package io.edamame.wechat.impl.rest;

import cn.binarywang.wx.miniapp.bean.WxMaJscode2SessionResult;
import cn.binarywang.wx.miniapp.bean.WxMaPhoneNumberInfo;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.RestResource;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatUsers;
import io.edamame.wechat.impl.client.MiniAppClient;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.notify.RoomStartSubscriptions;
import io.edamame.wechat.impl.store.WeChatStore;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.security.PermitAll;
import javax.validation.Valid;
import javax.validation.constraints.NotNull;
import javax.validation.constraints.Size;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.CacheControl;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Request;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The tenant's WeChat mini-program: one-tap login, phone binding, profile, room codes and start reminders. */
@Component(service = RestResource.class, property = Plugin.PLUGIN_ID + "=" + WeChatSettings.PLUGIN_ID)
@Path("/tenants/{tenant}/wechat/miniapp")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MiniAppResource implements RestResource {

    /** The code of {@code wx.login()}. */
    public record LoginRequest(@NotNull @Size(max = 128) String code) {
    }

    public record LoginResponse(String token, String tokenType, Instant expiresAt, User user, boolean newUser) {
    }

    /** The code of the {@code getPhoneNumber} button. */
    public record PhoneRequest(@NotNull @Size(max = 128) String code) {
    }

    public record PhoneResponse(String phoneNumber, String countryCode) {
    }

    public record ProfileRequest(@Size(min = 1, max = 64) String nickname, @Size(max = 1024) String avatarUrl) {
    }

    private final WeChatApps apps;
    private final WeChatUsers weChatUsers;
    private final UserService users;
    private final TenantService tenants;
    private final TokenService tokens;
    private final RoomService rooms;
    private final WeChatStore store;
    private final RoomStartSubscriptions subscriptions;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public MiniAppResource(@Reference WeChatApps apps, @Reference WeChatUsers weChatUsers, @Reference UserService users,
                           @Reference TenantService tenants, @Reference TokenService tokens,
                           @Reference RoomService rooms, @Reference WeChatStore store,
                           @Reference RoomStartSubscriptions subscriptions) {
        this.apps = apps;
        this.weChatUsers = weChatUsers;
        this.users = users;
        this.tenants = tenants;
        this.tokens = tokens;
        this.rooms = rooms;
        this.store = store;
        this.subscriptions = subscriptions;
    }

    @POST
    @Path("/login")
    @PermitAll
    @Operation(summary = "Sign in with the code of wx.login(): the WeChat user becomes (or is) a user of this tenant")
    public LoginResponse login(@PathParam(TENANT_PARAM) String tenantSlug, @Valid @NotNull LoginRequest request) {
        String code = Codes.require(request.code(), "code");
        Tenant tenant = tenants.get(tenantSlug);
        MiniAppClient miniApp = apps.miniApp(tenant.id());
        WxMaJscode2SessionResult session = apps.calls().call("jscode2session",
                () -> miniApp.getUserService().getSessionInfo(code));
        if (session.getOpenid() == null || session.getOpenid().isBlank()) {
            throw new EdamameException(WeChatErrorCode.WECHAT_REJECTED, "WeChat answered no openid for the code");
        }
        String appId = miniApp.getWxMaConfig().getAppid();
        WeChatUsers.SignedIn signedIn = weChatUsers.signIn(tenant.id(), appId, session.getOpenid(),
                session.getUnionid(), UserService.Profile.NONE, false);
        TokenService.AccessToken token = tokens.issue(tenant, signedIn.user());
        return new LoginResponse(token.token(), "Bearer", token.expiresAt(), signedIn.user(), signedIn.created());
    }

    @POST
    @Path("/phone")
    @Operation(summary = "Bind the phone number of a getPhoneNumber code to the caller")
    public PhoneResponse bindPhone(@Context SecurityContext security, @Valid @NotNull PhoneRequest request) {
        String code = Codes.require(request.code(), "code");
        Caller caller = caller(security);
        MiniAppClient miniApp = apps.miniApp(caller.tenantId());
        WxMaPhoneNumberInfo phone = apps.calls().call("getuserphonenumber",
                () -> miniApp.getUserService().getPhoneNumber(code));
        if (phone == null || phone.getPurePhoneNumber() == null || phone.getPurePhoneNumber().isBlank()) {
            throw new EdamameException(WeChatErrorCode.WECHAT_REJECTED, "WeChat answered no phone number for the code");
        }
        String countryCode = phone.getCountryCode() == null || phone.getCountryCode().isBlank() ? "86"
                : phone.getCountryCode();
        String number = "+" + countryCode + phone.getPurePhoneNumber();
        ExternalIdentity identity = new ExternalIdentity(ExternalIdentity.PHONE, number);
        boolean alreadyMine = users.identities(caller.tenantId(), caller.userId()).contains(identity);
        if (!alreadyMine) {
            users.link(caller.tenantId(), caller.userId(), identity);
        }
        return new PhoneResponse(number, countryCode);
    }

    @PUT
    @Path("/profile")
    @Operation(summary = "Set the caller's nickname and avatar, as the user filled them in the mini-program")
    public User updateProfile(@Context SecurityContext security, @Valid @NotNull ProfileRequest request) {
        Caller caller = caller(security);
        if (request.avatarUrl() != null && !isWebUrl(request.avatarUrl())) {
            throw new EdamameException(CoreErrorCode.VALIDATION_FAILED, "Invalid avatarUrl",
                    List.of(Map.of("field", "avatarUrl", "message", "must be an http(s) URL")));
        }
        String nickname = request.nickname() == null ? null : request.nickname().strip();
        return users.updateProfile(caller.tenantId(), caller.userId(), new UserService.Profile(
                nickname == null || nickname.isEmpty() ? null : nickname, request.avatarUrl()));
    }

    @GET
    @Path("/rooms/{roomId}/code")
    @Produces("image/png")
    @Operation(summary = "The room's mini-program code (an unlimited code with the room in its scene), as PNG")
    public Response roomCode(@Context SecurityContext security, @Context Request httpRequest,
                             @PathParam("roomId") long roomId) {
        Caller caller = caller(security);
        Room room = rooms.get(caller.tenantId(), roomId);
        TenantWeChat.MiniApp settings = apps.settings(caller.tenantId()).miniApp().orElseThrow(() ->
                new EdamameException(WeChatErrorCode.WECHAT_NOT_CONFIGURED, "This tenant has not set up a mini-program"));
        MiniAppClient miniApp = apps.miniApp(caller.tenantId());
        int width = apps.config().room_code_width();
        String scene = "r=" + room.id();
        String cacheKey = settings.appId() + "|" + settings.roomPage() + "|" + width;
        Optional<byte[]> cached = store.roomCode(caller.tenantId(), room.id(), cacheKey);
        byte[] image;
        if (cached.isPresent()) {
            image = cached.get();
        } else {
            image = apps.calls().call("getwxacodeunlimit", () -> miniApp.getQrcodeService().createWxaCodeUnlimitBytes(
                    scene, settings.roomPage(), false, "release", width, false, null, false));
            store.saveRoomCode(caller.tenantId(), room.id(), cacheKey, image, clock.millis());
        }
        EntityTag etag = new EntityTag(sha256(image));
        Response.ResponseBuilder notModified = httpRequest.evaluatePreconditions(etag);
        CacheControl cache = new CacheControl();
        cache.setPrivate(true);
        cache.setMaxAge(86_400);
        if (notModified != null) {
            return notModified.cacheControl(cache).build();
        }
        return Response.ok(image, "image/png").tag(etag).cacheControl(cache).build();
    }

    @POST
    @Path("/rooms/{roomId}/subscription")
    @Operation(summary = "Ask for a subscribe message when the room goes live (after wx.requestSubscribeMessage)")
    public RoomStartSubscriptions.Status subscribe(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        return subscriptions.subscribe(caller(security), roomId, WeChatStore.Channel.MINIAPP);
    }

    @DELETE
    @Path("/rooms/{roomId}/subscription")
    @Operation(summary = "Withdraw the caller's pending reminder of the room")
    public Response unsubscribe(@Context SecurityContext security, @PathParam("roomId") long roomId) {
        subscriptions.unsubscribe(caller(security), roomId, WeChatStore.Channel.MINIAPP);
        return Response.noContent().build();
    }

    static Caller caller(SecurityContext security) {
        return (Caller) security.getUserPrincipal();
    }

    private static boolean isWebUrl(String url) {
        try {
            URI uri = URI.create(url);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
