package io.edamame.wechat.impl.portal;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TokenService;
import io.edamame.core.api.UserService;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatUsers;
import io.edamame.wechat.impl.client.ServiceAccountClient;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.store.WeChatStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import me.chanjar.weixin.common.bean.WxOAuth2UserInfo;
import me.chanjar.weixin.common.bean.oauth2.WxOAuth2AccessToken;

/**
 * OAuth2 web login of H5 room pages through the tenant's service account ({@code snsapi_base}: the openid only,
 * silently; {@code snsapi_userinfo}: with nickname and avatar, after the user agrees).
 *
 * <p>Against cross-site request forgery, the {@code state} sent to WeChat is random, stored for a few minutes,
 * good once, and bound to the browser that started the login by a cookie of the same value: a callback whose
 * state is unknown, used, expired, of another tenant, or not this browser's is refused and changes nothing.
 *
 * <p>The login ends on the room's H5 page with the bearer token in the URL fragment, which browsers neither send
 * to servers nor put in Referer headers.
 */
public final class OAuthLogin {

    public static final String SCOPE_BASE = "snsapi_base";
    public static final String SCOPE_USERINFO = "snsapi_userinfo";
    public static final String STATE_COOKIE = "edamame_wechat_oauth";
    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9_\\-]{43}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");

    /** Where to send the browser, and the cookie to set with it (null to clear the state cookie). */
    public record Redirect(String location, String stateCookie) {
    }

    private final WeChatApps apps;
    private final WeChatStore store;
    private final WeChatUsers weChatUsers;
    private final TokenService tokens;
    private final RoomService rooms;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public OAuthLogin(WeChatApps apps, WeChatStore store, WeChatUsers weChatUsers, TokenService tokens,
                      RoomService rooms, Clock clock) {
        this.apps = apps;
        this.store = store;
        this.weChatUsers = weChatUsers;
        this.tokens = tokens;
        this.rooms = rooms;
        this.clock = clock;
    }

    /** The callback URL of a tenant, which the service account's OAuth domain must allow. */
    public String callbackUrl(Tenant tenant) {
        String base = apps.config().public_url().replaceAll("/+$", "");
        return base + "/wechat/" + tenant.slug() + "/oauth/callback";
    }

    /**
     * Starts a login for a room page.
     *
     * @throws EdamameException {@code VALIDATION_FAILED} (scope, roomId), {@code ROOM_NOT_FOUND},
     *                          {@code WECHAT_NOT_CONFIGURED} (no service account, or no {@code h5RoomUrl})
     */
    public Redirect authorize(Tenant tenant, String roomIdParam, String scopeParam) {
        String scope = scopeParam == null || scopeParam.isBlank() ? SCOPE_BASE : scopeParam;
        if (!SCOPE_BASE.equals(scope) && !SCOPE_USERINFO.equals(scope)) {
            throw invalid("scope", "must be snsapi_base or snsapi_userinfo");
        }
        long roomId;
        try {
            roomId = Long.parseLong(roomIdParam == null ? "" : roomIdParam);
        } catch (NumberFormatException e) {
            throw invalid("roomId", "must be a room id");
        }
        rooms.get(tenant.id(), roomId);
        TenantWeChat settings = apps.settings(tenant.id());
        ServiceAccountClient account = apps.serviceAccount(tenant.id());
        String returnUrl = settings.roomPage(roomId).orElseThrow(() -> new EdamameException(
                WeChatErrorCode.WECHAT_NOT_CONFIGURED, "This tenant has no H5 room page (setting h5RoomUrl)"));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.saveOAuthState(new WeChatStore.OAuthState(state, tenant.id(), roomId, scope, returnUrl, clock.millis()));
        String location = account.getOAuth2Service().buildAuthorizationUrl(callbackUrl(tenant), scope, state);
        return new Redirect(location, state);
    }

    /**
     * Ends a login: checks the state against the browser's cookie, exchanges the code, finds or makes the user.
     *
     * @throws EdamameException {@code INVALID_OAUTH_STATE} before anything is done; after the state is good,
     *                          failures are sent to the room page as {@code #error=<code>} instead
     */
    public Redirect callback(Tenant tenant, String code, String state, String cookieState) {
        if (state == null || !STATE.matcher(state).matches() || cookieState == null
                || !MessageDigest.isEqual(state.getBytes(StandardCharsets.US_ASCII),
                cookieState.getBytes(StandardCharsets.US_ASCII))) {
            throw new EdamameException(WeChatErrorCode.INVALID_OAUTH_STATE,
                    "This login was not started by this browser, or it was already used");
        }
        long ttlMs = apps.config().oauth_state_ttl_seconds() * 1000L;
        WeChatStore.OAuthState started = store.takeOAuthState(state, clock.millis() - ttlMs)
                .filter(s -> s.tenantId() == tenant.id())
                .orElseThrow(() -> new EdamameException(WeChatErrorCode.INVALID_OAUTH_STATE,
                        "This login is unknown, expired or already used; start again"));
        if (code == null || code.isBlank()) {
            // The user declined (snsapi_userinfo): back to the room, signed out.
            return new Redirect(started.returnUrl() + "#error=access_denied", null);
        }
        try {
            if (!CODE.matcher(code).matches()) {
                throw new EdamameException(WeChatErrorCode.INVALID_WECHAT_CODE, "The code is not WeChat's");
            }
            ServiceAccountClient account = apps.serviceAccount(tenant.id());
            WxOAuth2AccessToken grant = apps.calls().call("oauth2/access_token",
                    () -> account.getOAuth2Service().getAccessToken(code));
            String unionid = grant.getUnionId();
            UserService.Profile profile = UserService.Profile.NONE;
            boolean userinfo = SCOPE_USERINFO.equals(started.scope())
                    && grant.getScope() != null && grant.getScope().contains(SCOPE_USERINFO);
            if (userinfo) {
                WxOAuth2UserInfo info = apps.calls().call("sns/userinfo",
                        () -> account.getOAuth2Service().getUserInfo(grant, "zh_CN"));
                profile = new UserService.Profile(blankToNull(info.getNickname()), blankToNull(info.getHeadImgUrl()));
                if (unionid == null) {
                    unionid = info.getUnionId();
                }
            }
            WeChatUsers.SignedIn signedIn = weChatUsers.signIn(tenant.id(), account.getWxMpConfigStorage().getAppId(),
                    grant.getOpenId(), unionid, profile, userinfo);
            TokenService.AccessToken token = tokens.issue(tenant, signedIn.user());
            return new Redirect(started.returnUrl() + "#token=" + encode(token.token())
                    + "&expiresAt=" + encode(token.expiresAt().toString())
                    + "&userId=" + signedIn.user().id()
                    + "&newUser=" + signedIn.created(), null);
        } catch (EdamameException e) {
            return new Redirect(started.returnUrl() + "#error=" + e.code().name(), null);
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static EdamameException invalid(String field, String message) {
        return new EdamameException(CoreErrorCode.VALIDATION_FAILED, "Invalid " + field,
                List.of(Map.of("field", field, "message", message)));
    }
}
