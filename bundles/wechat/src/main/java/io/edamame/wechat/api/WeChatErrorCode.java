package io.edamame.wechat.api;

import io.edamame.core.api.ErrorCode;

/**
 * Why the WeChat plugin refuses something. Names are part of the public API (clients see them in the error
 * body's {@code code}): never rename one. The core's codes are used where they fit: {@code PLUGIN_DISABLED},
 * {@code ROOM_NOT_FOUND}, {@code IDENTITY_TAKEN} (a phone number bound to another user), {@code VALIDATION_FAILED}.
 */
public enum WeChatErrorCode implements ErrorCode {
    /** The tenant has not set up the app this needs (mini-program or service account). */
    WECHAT_NOT_CONFIGURED(409),
    /** A code from {@code wx.login}, {@code getPhoneNumber} or an OAuth redirect that WeChat does not accept:
     * unknown, already used or expired (WeChat's 40029, 40163, 40226...). Ask the client for a new one. */
    INVALID_WECHAT_CODE(401),
    /** WeChat could not be reached, timed out, or was busy or rate-limiting even after one retry. */
    WECHAT_UNAVAILABLE(503),
    /** WeChat answered with an error the platform does not expect; {@code details.errcode} carries it. Often the
     * tenant's app settings (appId, secret) are wrong. */
    WECHAT_REJECTED(502),
    /** The caller has no openid of the tenant's app that this needs (signed in another way). */
    NOT_A_WECHAT_USER(409),
    /** A message endpoint request whose signature does not match the tenant's token. Nothing is processed. */
    INVALID_SIGNATURE(403),
    /** A message endpoint request whose timestamp is too far from now. */
    STALE_MESSAGE(403),
    /** A message endpoint request whose nonce was already seen within the timestamp window. */
    REPLAYED_MESSAGE(403),
    /** A message endpoint request that is not well-formed WeChat XML, or does not decrypt. */
    MALFORMED_MESSAGE(400),
    /** A message endpoint request larger than the configured limit. */
    MESSAGE_TOO_LARGE(413),
    /** An OAuth callback whose {@code state} is unknown, used, expired, of another tenant, or not this
     * browser's (cross-site request forgery). */
    INVALID_OAUTH_STATE(403),
    /** A URL outside the tenant's H5 room pages ({@code h5RoomUrl}), for a redirect or a JS-SDK signature. */
    URL_NOT_ALLOWED(400),
    /** A danmaku that WeChat's content security check flagged. */
    CONTENT_FLAGGED(422),
    /** The content security check could not be made and the tenant chose to reject in that case. */
    CONTENT_CHECK_UNAVAILABLE(503);

    private final int httpStatus;

    WeChatErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
