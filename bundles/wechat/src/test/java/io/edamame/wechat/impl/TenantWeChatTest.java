package io.edamame.wechat.impl;

import static io.edamame.core.testing.Errors.assertFieldErrors;
import static io.edamame.wechat.api.WeChatSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A tenant's WeChat settings: what is refused when they are saved, what they mean once stored. */
class TenantWeChatTest {

    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    static Map<String, Object> valid() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(MINIAPP_APP_ID, "wx0123456789abcdef");
        settings.put(MINIAPP_SECRET, "mini-secret");
        settings.put(MP_APP_ID, "wxfedcba9876543210");
        settings.put(MP_SECRET, "mp-secret");
        settings.put(MP_TOKEN, "portalToken");
        settings.put(MP_AES_KEY, AES_KEY);
        settings.put(MP_KEYWORD_REPLIES, List.of(Map.of("keyword", "hello", "reply", "Hi", "match", "exact"),
                Map.of("keyword", "Price", "reply", "Free", "match", "contains"),
                Map.of("keyword", "  live ", "reply", "Tonight")));
        settings.put(MINIAPP_ROOM_START_DATA, Map.of("thing1", "{title}", "time2", "{startedAt}"));
        settings.put(H5_ROOM_URL, "https://live.example.com/rooms/{roomId}");
        return settings;
    }

    static Map<String, Object> with(String name, Object value) {
        Map<String, Object> settings = valid();
        settings.put(name, value);
        return settings;
    }

    static Map<String, Object> without(String name) {
        Map<String, Object> settings = valid();
        settings.remove(name);
        return settings;
    }

    static TenantWeChat h5(String template) {
        return TenantWeChat.of(Map.of(H5_ROOM_URL, template));
    }

    // --- validation ---------------------------------------------------------------------------------------

    @Test
    void completeSettingsAndNoSettingsAtAllAreValid() {
        TenantWeChat.validate(valid());
        TenantWeChat.validate(Map.of());
        TenantWeChat.validate(Map.of(MINIAPP_APP_ID, "wx0123456789abcdef", MINIAPP_SECRET, "s"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wx0123456789abcde", "wx0123456789abcdef0", "wx0123456789ABCDEF", "xx0123456789abcdef",
            "wx0123456789abcdeg", "wx01234567 89abcde"})
    void appIdsAreWxAnd16HexDigits(String appId) {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MINIAPP_APP_ID),
                () -> TenantWeChat.validate(with(MINIAPP_APP_ID, appId)));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MP_APP_ID),
                () -> TenantWeChat.validate(with(MP_APP_ID, appId)));
    }

    @Test
    void anAppIsSetUpCompletelyOrNotAtAll() {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MINIAPP_SECRET),
                () -> TenantWeChat.validate(without(MINIAPP_SECRET)));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MP_SECRET),
                () -> TenantWeChat.validate(with(MP_SECRET, "   ")));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MP_TOKEN),
                () -> TenantWeChat.validate(without(MP_TOKEN)));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MP_TOKEN),
                () -> TenantWeChat.validate(with(MP_TOKEN, "to-ken")));
        // Without its app id, an app's other settings are not checked: the app is simply not set up.
        Map<String, Object> noMiniApp = without(MINIAPP_APP_ID);
        noMiniApp.remove(MINIAPP_SECRET);
        TenantWeChat.validate(noMiniApp);
        assertTrue(TenantWeChat.of(noMiniApp).miniApp().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=", "abcdefghijklmnopqrstuvwxyz0123456789ABCD-_G"})
    void theAesKeyIsThe43CharacterEncodingAesKey(String aesKey) {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MP_AES_KEY),
                () -> TenantWeChat.validate(with(MP_AES_KEY, aesKey)));
    }

    @Test
    void withoutAnAesKeyTheServiceAccountIsInPlaintextMode() {
        TenantWeChat.validate(without(MP_AES_KEY));
        assertEquals(null, TenantWeChat.of(without(MP_AES_KEY)).serviceAccount().orElseThrow().aesKey());
        assertEquals(AES_KEY, TenantWeChat.of(valid()).serviceAccount().orElseThrow().aesKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://live.example.com/rooms", "https://live.example.com/rooms/{roomId}/{roomId}",
            "https://live.example.com/#/rooms/{roomId}", "ftp://live.example.com/rooms/{roomId}", "/rooms/{roomId}",
            "javascript:alert(1)//{roomId}", "https://live example.com/rooms/{roomId}", "https:///rooms/{roomId}"})
    void theH5RoomUrlIsAnHttpUrlWithTheRoomOnceAndNoFragment(String url) {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(H5_ROOM_URL),
                () -> TenantWeChat.validate(with(H5_ROOM_URL, url)));
    }

    @Test
    void theMiniProgramRoomPageIsARelativePagePath() {
        TenantWeChat.validate(with(MINIAPP_ROOM_PAGE, "pages/live/index"));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MINIAPP_ROOM_PAGE),
                () -> TenantWeChat.validate(with(MINIAPP_ROOM_PAGE, "/pages/room/room")));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MINIAPP_ROOM_PAGE),
                () -> TenantWeChat.validate(with(MINIAPP_ROOM_PAGE, "pages/room/room?x=1")));
    }

    @Test
    void keywordRepliesAreCheckedItemByItem() {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MP_KEYWORD_REPLIES),
                () -> TenantWeChat.validate(with(MP_KEYWORD_REPLIES, "hello=Hi")));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS,
                Set.of(MP_KEYWORD_REPLIES + "[0]", MP_KEYWORD_REPLIES + "[1].keyword", MP_KEYWORD_REPLIES + "[2].reply",
                        MP_KEYWORD_REPLIES + "[3].match", MP_KEYWORD_REPLIES + "[4].regex",
                        MP_KEYWORD_REPLIES + "[5].keyword"),
                () -> TenantWeChat.validate(with(MP_KEYWORD_REPLIES, List.of(
                        "hello",
                        Map.of("keyword", " ", "reply", "Hi"),
                        Map.of("keyword", "hello", "reply", "x".repeat(601)),
                        Map.of("keyword", "hello", "reply", "Hi", "match", "regex"),
                        Map.of("keyword", "hello", "reply", "Hi", "regex", ".*"),
                        Map.of("keyword", "k".repeat(65), "reply", "Hi")))));
    }

    @Test
    void templateDataMapsKeywordsToShortTexts() {
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MINIAPP_ROOM_START_DATA),
                () -> TenantWeChat.validate(with(MINIAPP_ROOM_START_DATA, Map.of())));
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MP_ROOM_START_DATA + ".1st", MP_ROOM_START_DATA + ".ok"),
                () -> TenantWeChat.validate(with(MP_ROOM_START_DATA, Map.of("1st", "{title}", "ok", "x".repeat(201)))));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, Object> settings = valid();
        settings.put(MINIAPP_APP_ID, "wx1");
        settings.remove(MP_SECRET);
        settings.put(H5_ROOM_URL, "https://live.example.com/");
        assertFieldErrors(CoreErrorCode.INVALID_SETTINGS, Set.of(MINIAPP_APP_ID, MP_SECRET, H5_ROOM_URL),
                () -> TenantWeChat.validate(settings));
    }

    // --- what stored settings mean ------------------------------------------------------------------------

    @Test
    void storedSettingsAreTypedWithDefaults() {
        TenantWeChat settings = TenantWeChat.of(valid());
        TenantWeChat.MiniApp miniApp = settings.miniApp().orElseThrow();
        assertEquals("wx0123456789abcdef", miniApp.appId());
        assertEquals(TenantWeChat.DEFAULT_ROOM_PAGE, miniApp.roomPage());
        assertEquals("", miniApp.roomStartTemplateId());
        TenantWeChat.ServiceAccount account = settings.serviceAccount().orElseThrow();
        assertEquals(Map.of("first", "{title}", "keyword1", "{title}", "keyword2", "{startedAt}"),
                account.roomStartData());
        assertFalse(settings.contentSecurity());
        assertFalse(settings.acceptWhenUnavailable(), "reject unless told to accept");
        assertTrue(TenantWeChat.of(Map.of(CONTENT_SECURITY, true, CONTENT_SECURITY_WHEN_UNAVAILABLE, "accept"))
                .acceptWhenUnavailable());
        assertEquals(Optional.of("https://live.example.com/rooms/42"), settings.roomPage(42));
        assertEquals(Optional.empty(), TenantWeChat.of(Map.of()).roomPage(42));
    }

    @Test
    void keywordRepliesMatchExactlyByDefaultOrByContainingTheWordFirstMatchWins() {
        TenantWeChat.ServiceAccount account = TenantWeChat.of(valid()).serviceAccount().orElseThrow();
        assertEquals(Optional.of("Hi"), account.replyTo("hello"));
        assertEquals(Optional.of("Hi"), account.replyTo("  HELLO "), "trimmed, any case");
        assertEquals(Optional.empty(), account.replyTo("hello there"), "exact means the whole text");
        assertEquals(Optional.of("Free"), account.replyTo("what is the PRICE?"));
        assertEquals(Optional.of("Tonight"), account.replyTo("live"), "no match given: exact, keyword trimmed");
        assertEquals(Optional.empty(), account.replyTo("is it live?"));
        assertEquals(Optional.empty(), account.replyTo(null));
    }

    // --- room pages: no open redirect, no signature for other pages ----------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"https://live.example.com/rooms/12", "https://live.example.com/rooms/12?from=singlemessage",
            "https://live.example.com/rooms/12#chat", "https://live.example.com/rooms/12?a=1&b=2#x"})
    void roomPagesOfAnyRoomWithAnyQueryOrFragmentAreRoomPages(String url) {
        TenantWeChat settings = h5("https://live.example.com/rooms/{roomId}");
        assertTrue(settings.isRoomPage(url), url);
        assertEquals(Optional.of(12L), settings.roomOf(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://live.example.com/rooms/1.evil.com", "https://live.example.com/rooms/1@evil.com",
            "https://live.example.com/rooms/1/../../admin", "https://live.example.com/rooms/", "https://live.example.com/rooms/x1",
            "https://live.example.com.evil.com/rooms/1", "https://evil.com/rooms/1", "http://live.example.com/rooms/1",
            "https://live.example.com/rooms/-1", "https://live.example.com/rooms/12345678901234567890",
            "https://live.example.com/rooms/1\\@evil.com", "//live.example.com/rooms/1", "https://live.example.com/rooms/1 ",
            "https://live.example.com/rooms/\u0661\u0662", "https://live.example.com/rooms/\uff11\uff12"})
    void otherPagesAndLookAlikesAreNot(String url) {
        TenantWeChat settings = h5("https://live.example.com/rooms/{roomId}");
        assertFalse(settings.isRoomPage(url), url);
        assertEquals(Optional.empty(), settings.roomOf(url));
    }

    @Test
    void aSuffixAfterTheRoomMustBeThereWholly() {
        TenantWeChat settings = h5("https://live.example.com/r/{roomId}/watch");
        assertEquals(Optional.of(7L), settings.roomOf("https://live.example.com/r/7/watch?from=timeline"));
        assertFalse(settings.isRoomPage("https://live.example.com/r/7/watchers"));
        assertFalse(settings.isRoomPage("https://live.example.com/r/7/"));
        assertFalse(settings.isRoomPage("https://live.example.com/r/7"));
    }

    @Test
    void aRoomInTheQueryMayBeFollowedByMoreParameters() {
        // WeChat appends its own parameters to shared pages (from=singlemessage&isappinstalled=0): with the room in
        // the query they follow with '&'.
        TenantWeChat settings = h5("https://live.example.com/live?room={roomId}");
        assertEquals(Optional.of(7L), settings.roomOf("https://live.example.com/live?room=7"));
        assertEquals(Optional.of(7L), settings.roomOf("https://live.example.com/live?room=7&from=singlemessage"));
        assertFalse(settings.isRoomPage("https://live.example.com/live?room=7.evil.com"));
        assertFalse(settings.isRoomPage("https://live.example.com/live?room=77x"));
    }

    @Test
    void withoutAnH5RoomUrlNothingIsARoomPage() {
        TenantWeChat settings = TenantWeChat.of(Map.of());
        assertFalse(settings.isRoomPage("https://live.example.com/rooms/1"));
        assertFalse(h5("https://live.example.com/rooms/{roomId}").isRoomPage(null));
        assertFalse(h5("https://live.example.com/rooms/{roomId}").isRoomPage(
                "https://live.example.com/rooms/1?" + "x".repeat(2100)));
    }
}
