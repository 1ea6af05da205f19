package io.edamame.wechat.impl.rest;

import static io.edamame.core.testing.Errors.assertError;
import static io.edamame.core.testing.Errors.assertFieldErrors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.Room;
import io.edamame.core.api.User;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.RecordedRequest;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import io.edamame.wechat.impl.client.WeChatCalls;
import io.edamame.wechat.impl.rest.MiniAppResource.LoginRequest;
import io.edamame.wechat.impl.rest.MiniAppResource.PhoneRequest;
import io.edamame.wechat.impl.rest.MiniAppResource.PhoneResponse;
import io.edamame.wechat.impl.rest.MiniAppResource.ProfileRequest;
import io.edamame.wechat.testing.Http;
import io.edamame.wechat.testing.Security;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

/** The mini-program resource's calls for signed-in users: phone binding, profile, room codes. */
class MiniAppResourceTest extends WeChatTestBase {

    static final String CODE_PATH = "/wxa/getwxacodeunlimit";
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    MiniAppResourceTest() {
        super(DatabaseKind.H2);
    }

    /** A WeChat user signed in through the mini-program, as the caller the core's filter makes of their token. */
    Caller signedIn(Tenant t) {
        String token = world.miniApp.login(t.slug(), new LoginRequest(world.loginCode(t, WeChatWorld.user("ann"))))
                .token();
        return world.tokens.verify(token);
    }

    String phoneCode(Tenant t, String countryCode, String number) {
        String code = "ph" + WeChatWorld.hex(6);
        world.wechat.addPhoneCode(t.miniAppId(), code, countryCode, number);
        return code;
    }

    Response roomCode(Caller caller, long roomId, Http http) {
        return world.miniApp.roomCode(Security.as(caller), http.request(), roomId);
    }

    // --- phone numbers ------------------------------------------------------------------------------------

    @Test
    void aPhoneNumberIsBoundToTheCaller() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);

        PhoneResponse phone = world.miniApp.bindPhone(Security.as(ann),
                new PhoneRequest(phoneCode(t, "86", "13800138000")));

        assertEquals(new PhoneResponse("+8613800138000", "86"), phone);
        assertEquals(ann.userId(), world.core.users.findByIdentity(t.id(),
                new ExternalIdentity(ExternalIdentity.PHONE, "+8613800138000")).orElseThrow().id());
        assertEquals(new PhoneResponse("+8613800138000", "86"), world.miniApp.bindPhone(Security.as(ann),
                new PhoneRequest(phoneCode(t, "86", "13800138000"))), "the same number again is no change");
        assertEquals(new PhoneResponse("+12025550123", "1"), world.miniApp.bindPhone(Security.as(ann),
                new PhoneRequest(phoneCode(t, "1", "2025550123"))));
    }

    @Test
    void aNumberOfAnotherUserIsTaken() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);
        Caller bob = signedIn(t);
        world.miniApp.bindPhone(Security.as(ann), new PhoneRequest(phoneCode(t, "86", "13900139000")));

        assertError(CoreErrorCode.IDENTITY_TAKEN, () -> world.miniApp.bindPhone(Security.as(bob),
                new PhoneRequest(phoneCode(t, "86", "13900139000"))));
        assertTrue(world.core.users.identities(t.id(), bob.userId()).stream()
                .noneMatch(identity -> identity.provider().equals(ExternalIdentity.PHONE)));
    }

    @Test
    void aPhoneCodeWeChatDoesNotKnowOrThatIsNotACodeIsRefused() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);
        String code = phoneCode(t, "86", "13700137000");
        world.miniApp.bindPhone(Security.as(ann), new PhoneRequest(code));

        EdamameException used = assertError(WeChatErrorCode.INVALID_WECHAT_CODE,
                () -> world.miniApp.bindPhone(Security.as(ann), new PhoneRequest(code)));
        assertEquals(40029, WeChatCalls.errcode(used));
        world.wechat.clearRecords();
        assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("code"),
                () -> world.miniApp.bindPhone(Security.as(ann), new PhoneRequest("x\",\"code\":\"y")));
        assertEquals(List.of(), world.wechat.requests());
    }

    // --- profile ------------------------------------------------------------------------------------------

    @Test
    void theProfileIsWhatTheUserFilledIn() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);

        User user = world.miniApp.updateProfile(Security.as(ann),
                new ProfileRequest("  Ann Li  ", "https://img.example.com/ann.png"));

        assertEquals("Ann Li", user.displayName());
        assertEquals("https://img.example.com/ann.png", user.avatarUrl());
        User unchanged = world.miniApp.updateProfile(Security.as(ann), new ProfileRequest("   ", null));
        assertEquals("Ann Li", unchanged.displayName(), "a blank nickname changes nothing");
        assertEquals(unchanged, world.core.users.get(t.id(), ann.userId()));
    }

    @Test
    void anAvatarIsAWebUrl() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);
        for (String url : new String[] {"javascript:alert(1)", "ftp://img.example.com/a.png", "not a url",
                "/relative.png", "https:///no-host.png", "data:image/png;base64,AAAA"}) {
            assertFieldErrors(CoreErrorCode.VALIDATION_FAILED, Set.of("avatarUrl"),
                    () -> world.miniApp.updateProfile(Security.as(ann), new ProfileRequest("Ann", url)));
        }
        assertNull(world.core.users.get(t.id(), ann.userId()).avatarUrl());
    }

    // --- room codes ---------------------------------------------------------------------------------------

    @Test
    void aRoomCodeIsMadeOnceThenServedFromTheDatabase() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);
        Room room = world.room(t);

        Response first = roomCode(ann, room.id(), Http.get());

        assertEquals(200, first.getStatus());
        assertEquals("image/png", first.getMediaType().toString());
        byte[] image = (byte[]) first.getEntity();
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(image, 8));
        EntityTag etag = first.getEntityTag();
        assertNotNull(etag);
        assertTrue(first.getHeaderString(HttpHeaders.CACHE_CONTROL).contains("private"));
        List<RecordedRequest> made = world.wechat.requests(CODE_PATH);
        assertEquals(1, made.size());
        assertEquals("r=" + room.id(), made.get(0).body().get("scene"));
        assertEquals("pages/room/room", made.get(0).body().get("page"));
        assertEquals(430, ((Number) made.get(0).body().get("width")).intValue());

        Response again = roomCode(ann, room.id(), Http.get());
        Response otherNode = new MiniAppResource(world.node(world.clock), world.weChatUsers, world.core.users,
                world.core.tenants, world.tokens, world.core.rooms, world.store, world.subscriptions)
                .roomCode(Security.as(ann), Http.get().request(), room.id());

        assertArrayEquals(image, (byte[]) again.getEntity());
        assertArrayEquals(image, (byte[]) otherNode.getEntity());
        assertEquals(etag, again.getEntityTag());
        assertEquals(1, world.wechat.requests(CODE_PATH).size(), "made once in the cluster");
    }

    @Test
    void aClientWithTheCodeGetsNotModified() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);
        Room room = world.room(t);
        EntityTag etag = roomCode(ann, room.id(), Http.get()).getEntityTag();

        Response notModified = roomCode(ann, room.id(), Http.get().header(HttpHeaders.IF_NONE_MATCH, etag.toString()));
        Response modified = roomCode(ann, room.id(), Http.get().header(HttpHeaders.IF_NONE_MATCH, "\"other\""));

        assertEquals(304, notModified.getStatus());
        assertNull(notModified.getEntity());
        assertEquals(200, modified.getStatus());
    }

    @Test
    void anotherRoomPageMakesAnotherCode() {
        Tenant t = world.tenant();
        Caller ann = signedIn(t);
        Room room = world.room(t);
        roomCode(ann, room.id(), Http.get());
        Map<String, Object> settings = world.settings(t);
        settings.put(WeChatSettings.MINIAPP_ROOM_PAGE, "pages/live/index");
        world.configure(t, settings);

        roomCode(ann, room.id(), Http.get());

        List<RecordedRequest> made = world.wechat.requests(CODE_PATH);
        assertEquals(2, made.size());
        assertEquals("pages/live/index", made.get(1).body().get("page"));
    }

    @Test
    void roomCodesAreOfTheCallersTenantAndItsMiniProgram() {
        Tenant t = world.tenant();
        Tenant other = world.tenant();
        Caller ann = signedIn(t);
        Room othersRoom = world.room(other);
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> roomCode(ann, othersRoom.id(), Http.get()));

        Tenant noMiniApp = world.tenant(settings -> {
            settings.remove(WeChatSettings.MINIAPP_APP_ID);
            settings.remove(WeChatSettings.MINIAPP_SECRET);
        });
        Room room = world.room(noMiniApp);
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED, () -> roomCode(noMiniApp.admin(), room.id(), Http.get()));
        assertEquals(List.of(), world.wechat.requests(CODE_PATH));
    }
}
