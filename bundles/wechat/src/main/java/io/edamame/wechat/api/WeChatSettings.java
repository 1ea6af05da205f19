package io.edamame.wechat.api;

/**
 * The plugin's id and the names of its per-tenant settings ({@code PUT /api/v1/tenants/{t}/plugins/wechat}, or
 * {@code edamame:plugin-configure}). Secrets are encrypted at rest and never returned.
 */
public final class WeChatSettings {

    public static final String PLUGIN_ID = "wechat";

    /** The mini-program: {@code wx} and 16 hex digits. */
    public static final String MINIAPP_APP_ID = "miniappAppId";
    /** Secret. */
    public static final String MINIAPP_SECRET = "miniappSecret";
    /** The mini-program page a room's code opens, e.g. {@code pages/room/room}; the room is in the scene. */
    public static final String MINIAPP_ROOM_PAGE = "miniappRoomPage";
    /** Subscribe message template for "room is starting"; empty: no subscribe messages. */
    public static final String MINIAPP_ROOM_START_TEMPLATE = "miniappRoomStartTemplateId";
    /** Keywords of that template to values with placeholders {@code {title}}, {@code {startedAt}}. */
    public static final String MINIAPP_ROOM_START_DATA = "miniappRoomStartData";

    /** The service account. */
    public static final String MP_APP_ID = "mpAppId";
    /** Secret. */
    public static final String MP_SECRET = "mpSecret";
    /** Secret: the Token of the message endpoint, which signs WeChat's pushes. */
    public static final String MP_TOKEN = "mpToken";
    /** Secret: the EncodingAESKey (43 characters) of the message endpoint's safe mode. */
    public static final String MP_AES_KEY = "mpAesKey";
    /** Template message for "room is starting"; empty: no template messages. */
    public static final String MP_ROOM_START_TEMPLATE = "mpRoomStartTemplateId";
    /** Keywords of that template to values with placeholders {@code {title}}, {@code {startedAt}}. */
    public static final String MP_ROOM_START_DATA = "mpRoomStartData";
    /** Text answered to a new follower who did not come from a room's QR code; empty: none. */
    public static final String MP_FOLLOW_REPLY = "mpFollowReply";
    /** Text replies: objects {@code {"keyword", "reply", "match": "exact"|"contains"}}. */
    public static final String MP_KEYWORD_REPLIES = "mpKeywordReplies";

    /** The H5 room page, with {@code {roomId}}: where OAuth logins land, what QR replies and template messages
     * link to, and the only pages JS-SDK signatures are made for. */
    public static final String H5_ROOM_URL = "h5RoomUrl";

    /** Check danmaku with WeChat's content security API. */
    public static final String CONTENT_SECURITY = "contentSecurity";
    /** What the check does when WeChat cannot answer: {@code reject} or {@code accept}. */
    public static final String CONTENT_SECURITY_WHEN_UNAVAILABLE = "contentSecurityWhenUnavailable";

    private WeChatSettings() {
    }
}
