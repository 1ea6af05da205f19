package io.edamame.wechat.impl;

import static io.edamame.wechat.api.WeChatSettings.*;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One tenant's WeChat settings, checked and typed. Built from the plugin settings the core keeps (secrets already
 * decrypted); {@link #validate} is what the plugin's {@code validateSettings} runs, so stored settings always
 * parse.
 */
public record TenantWeChat(Optional<MiniApp> miniApp, Optional<ServiceAccount> serviceAccount, String h5RoomUrl,
                           boolean contentSecurity, boolean acceptWhenUnavailable) {

    public static final String DEFAULT_ROOM_PAGE = "pages/room/room";
    public static final Map<String, Object> DEFAULT_MINIAPP_DATA = Map.of("thing1", "{title}", "time2", "{startedAt}");
    public static final Map<String, Object> DEFAULT_MP_DATA = Map.of("first", "{title}", "keyword1", "{title}",
            "keyword2", "{startedAt}");
    public static final String ROOM_ID_PLACEHOLDER = "{roomId}";

    private static final Pattern APP_ID = Pattern.compile("wx[0-9a-f]{16}");
    private static final Pattern AES_KEY = Pattern.compile("[A-Za-z0-9+/]{43}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{3,32}");
    private static final Pattern PAGE = Pattern.compile("[A-Za-z0-9_\\-/]{1,128}");
    private static final Pattern TEMPLATE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,31}");

    /** A mini-program; {@code roomStartTemplateId} empty when the tenant sends no subscribe messages. */
    public record MiniApp(String appId, String secret, String roomPage, String roomStartTemplateId,
                          Map<String, String> roomStartData) {
    }

    /** A keyword reply of the service account. */
    public record KeywordReply(String keyword, String reply, boolean exact) {

        boolean matches(String text) {
            String content = text.trim();
            return exact ? content.equalsIgnoreCase(keyword) : content.toLowerCase(Locale.ROOT)
                    .contains(keyword.toLowerCase(Locale.ROOT));
        }
    }

    /** A service account; {@code aesKey} null in plaintext mode. */
    public record ServiceAccount(String appId, String secret, String token, String aesKey, String roomStartTemplateId,
                                 Map<String, String> roomStartData, String followReply,
                                 List<KeywordReply> keywordReplies) {

        /** The reply to a text message, the first matching keyword in the order configured. */
        public Optional<String> replyTo(String text) {
            return text == null ? Optional.empty()
                    : keywordReplies.stream().filter(k -> k.matches(text)).map(KeywordReply::reply).findFirst();
        }
    }

    /** The H5 page of a room, or empty when the tenant has not set {@code h5RoomUrl}. */
    public Optional<String> roomPage(long roomId) {
        return h5RoomUrl.isEmpty() ? Optional.empty()
                : Optional.of(h5RoomUrl.replace(ROOM_ID_PLACEHOLDER, Long.toString(roomId)));
    }

    /**
     * Whether {@code url} is one of the tenant's H5 room pages (any room, any query or fragment): the only
     * pages logins land on and JS-SDK signatures are made for, so neither is an open door to other sites.
     */
    public boolean isRoomPage(String url) {
        if (h5RoomUrl.isEmpty() || url == null || url.length() > 2048) {
            return false;
        }
        int at = h5RoomUrl.indexOf(ROOM_ID_PLACEHOLDER);
        String prefix = h5RoomUrl.substring(0, at);
        String suffix = h5RoomUrl.substring(at + ROOM_ID_PLACEHOLDER.length());
        if (!url.startsWith(prefix)) {
            return false;
        }
        String rest = url.substring(prefix.length());
        int digits = asciiDigits(rest);
        if (digits == 0 || digits > 18) {
            return false;
        }
        String after = rest.substring(digits);
        if (!after.startsWith(suffix)) {
            return false;
        }
        String tail = after.substring(suffix.length());
        // When the room is in the query, more parameters follow with '&' (WeChat adds its own to shared pages).
        boolean inQuery = prefix.indexOf('?') >= 0 || suffix.indexOf('?') >= 0;
        return tail.isEmpty() || tail.startsWith("?") || tail.startsWith("#") || (inQuery && tail.startsWith("&"));
    }

    /** How many ASCII digits {@code text} starts with: other scripts' digits are no room id of a URL. */
    private static int asciiDigits(String text) {
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        return digits;
    }

    /** The room in an H5 room page URL (see {@link #isRoomPage}). */
    public Optional<Long> roomOf(String url) {
        if (!isRoomPage(url)) {
            return Optional.empty();
        }
        String rest = url.substring(h5RoomUrl.indexOf(ROOM_ID_PLACEHOLDER));
        return Optional.of(Long.parseLong(rest.substring(0, asciiDigits(rest))));
    }

    /** The settings as stored (defaults filled in). Call {@link #validate} first; this assumes valid input. */
    public static TenantWeChat of(Map<String, Object> settings) {
        Optional<MiniApp> miniApp = Optional.empty();
        String miniAppId = text(settings, MINIAPP_APP_ID);
        if (!miniAppId.isEmpty()) {
            miniApp = Optional.of(new MiniApp(miniAppId, text(settings, MINIAPP_SECRET),
                    textOr(settings, MINIAPP_ROOM_PAGE, DEFAULT_ROOM_PAGE), text(settings, MINIAPP_ROOM_START_TEMPLATE),
                    data(settings.getOrDefault(MINIAPP_ROOM_START_DATA, DEFAULT_MINIAPP_DATA))));
        }
        Optional<ServiceAccount> account = Optional.empty();
        String mpAppId = text(settings, MP_APP_ID);
        if (!mpAppId.isEmpty()) {
            String aesKey = text(settings, MP_AES_KEY);
            account = Optional.of(new ServiceAccount(mpAppId, text(settings, MP_SECRET), text(settings, MP_TOKEN),
                    aesKey.isEmpty() ? null : aesKey, text(settings, MP_ROOM_START_TEMPLATE),
                    data(settings.getOrDefault(MP_ROOM_START_DATA, DEFAULT_MP_DATA)), text(settings, MP_FOLLOW_REPLY),
                    keywordReplies(settings.get(MP_KEYWORD_REPLIES))));
        }
        return new TenantWeChat(miniApp, account, text(settings, H5_ROOM_URL),
                Boolean.TRUE.equals(settings.get(CONTENT_SECURITY)),
                "accept".equals(settings.get(CONTENT_SECURITY_WHEN_UNAVAILABLE)));
    }

    /**
     * Checks what the settings schema cannot: the formats of app ids, keys and URLs, and that an app is either
     * fully set up or not at all.
     *
     * @throws EdamameException {@code INVALID_SETTINGS} with every problem in {@code details}
     */
    public static void validate(Map<String, Object> settings) {
        List<Map<String, String>> problems = new ArrayList<>();
        String miniAppId = text(settings, MINIAPP_APP_ID);
        if (!miniAppId.isEmpty()) {
            check(APP_ID.matcher(miniAppId).matches(), MINIAPP_APP_ID, "must be 'wx' and 16 hex digits", problems);
            check(!text(settings, MINIAPP_SECRET).isEmpty(), MINIAPP_SECRET, "is required with " + MINIAPP_APP_ID,
                    problems);
            check(PAGE.matcher(textOr(settings, MINIAPP_ROOM_PAGE, DEFAULT_ROOM_PAGE)).matches()
                            && !textOr(settings, MINIAPP_ROOM_PAGE, DEFAULT_ROOM_PAGE).startsWith("/"),
                    MINIAPP_ROOM_PAGE, "must be a page path such as pages/room/room", problems);
        }
        String mpAppId = text(settings, MP_APP_ID);
        if (!mpAppId.isEmpty()) {
            check(APP_ID.matcher(mpAppId).matches(), MP_APP_ID, "must be 'wx' and 16 hex digits", problems);
            check(!text(settings, MP_SECRET).isEmpty(), MP_SECRET, "is required with " + MP_APP_ID, problems);
            check(TOKEN.matcher(text(settings, MP_TOKEN)).matches(), MP_TOKEN,
                    "is required with " + MP_APP_ID + ": 3 to 32 letters or digits", problems);
            String aesKey = text(settings, MP_AES_KEY);
            check(aesKey.isEmpty() || AES_KEY.matcher(aesKey).matches(), MP_AES_KEY,
                    "must be the 43-character EncodingAESKey", problems);
            keywordProblems(settings.get(MP_KEYWORD_REPLIES), problems);
        }
        dataProblems(MINIAPP_ROOM_START_DATA, settings.get(MINIAPP_ROOM_START_DATA), problems);
        dataProblems(MP_ROOM_START_DATA, settings.get(MP_ROOM_START_DATA), problems);
        String h5 = text(settings, H5_ROOM_URL);
        if (!h5.isEmpty()) {
            boolean ok;
            try {
                URI uri = URI.create(h5.replace(ROOM_ID_PLACEHOLDER, "1"));
                ok = ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                        && h5.indexOf(ROOM_ID_PLACEHOLDER) == h5.lastIndexOf(ROOM_ID_PLACEHOLDER)
                        && h5.contains(ROOM_ID_PLACEHOLDER) && h5.indexOf('#') < 0;
            } catch (IllegalArgumentException e) {
                ok = false;
            }
            check(ok, H5_ROOM_URL, "must be an http(s) URL with {roomId} once and no fragment", problems);
        }
        if (!problems.isEmpty()) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS, "Invalid WeChat settings", problems);
        }
    }

    private static void keywordProblems(Object value, List<Map<String, String>> problems) {
        if (value == null) {
            return;
        }
        if (!(value instanceof List<?> list)) {
            problems.add(problem(MP_KEYWORD_REPLIES, "must be an array"));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String field = MP_KEYWORD_REPLIES + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                problems.add(problem(field, "must be an object {keyword, reply, match}"));
                continue;
            }
            for (Object key : item.keySet()) {
                check(List.of("keyword", "reply", "match").contains(key), field + "." + key, "is not a field", problems);
            }
            check(item.get("keyword") instanceof String k && !k.isBlank() && k.length() <= 64, field + ".keyword",
                    "must be 1 to 64 characters", problems);
            check(item.get("reply") instanceof String r && !r.isBlank() && r.length() <= 600, field + ".reply",
                    "must be 1 to 600 characters", problems);
            Object match = item.get("match");
            check(match == null || "exact".equals(match) || "contains".equals(match), field + ".match",
                    "must be exact or contains", problems);
        }
    }

    private static void dataProblems(String name, Object value, List<Map<String, String>> problems) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> map) || map.isEmpty() || map.size() > 10) {
            problems.add(problem(name, "must be an object of 1 to 10 template keywords"));
            return;
        }
        map.forEach((key, text) -> check(key instanceof String k && TEMPLATE_KEY.matcher(k).matches()
                && text instanceof String t && t.length() <= 200, name + "." + key,
                "must be a template keyword with a text of at most 200 characters", problems));
    }

    private static List<KeywordReply> keywordReplies(Object value) {
        List<KeywordReply> replies = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    replies.add(new KeywordReply(String.valueOf(map.get("keyword")).trim(),
                            String.valueOf(map.get("reply")), !"contains".equals(map.get("match"))));
                }
            }
        }
        return List.copyOf(replies);
    }

    private static Map<String, String> data(Object value) {
        Map<String, String> data = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> data.put(String.valueOf(k), String.valueOf(v)));
        }
        return Map.copyOf(data);
    }

    private static String text(Map<String, Object> settings, String name) {
        return settings.get(name) instanceof String s ? s.trim() : "";
    }

    private static String textOr(Map<String, Object> settings, String name, String fallback) {
        String value = text(settings, name);
        return value.isEmpty() ? fallback : value;
    }

    private static void check(boolean ok, String field, String message, List<Map<String, String>> problems) {
        if (!ok) {
            problems.add(problem(field, message));
        }
    }

    private static Map<String, String> problem(String field, String message) {
        return Map.of("field", field, "message", message);
    }
}
