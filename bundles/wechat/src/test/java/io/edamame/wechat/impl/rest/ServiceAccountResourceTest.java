package io.edamame.wechat.impl.rest;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.Room;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.FakeWeChatServer;
import io.edamame.testing.wechat.RecordedRequest;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.rest.ServiceAccountResource.JsSdkSignature;
import io.edamame.wechat.impl.rest.ServiceAccountResource.RoomQrCode;
import io.edamame.wechat.testing.Security;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The service account resource: JS-SDK signatures of H5 room pages, rooms' parametric QR codes. */
class ServiceAccountResourceTest extends WeChatTestBase {

    ServiceAccountResourceTest() {
        super(DatabaseKind.H2);
    }

    ServiceAccountResource resourceOf(WeChatApps apps) {
        return new ServiceAccountResource(apps, world.core.tenants, world.core.rooms, world.store, world.subscriptions);
    }

    // --- JS-SDK signatures --------------------------------------------------------------------------------

    @Test
    void aRoomPageGetsTheSignatureWeChatsJsSdkChecks() {
        Tenant t = world.tenant();
        String url = "https://live.example.com/rooms/42?from=singlemessage&isappinstalled=0";

        JsSdkSignature signature = world.serviceAccount.jsSdkSignature(t.slug(), url + "#comments");

        assertEquals(t.mpAppId(), signature.appId());
        assertEquals(url, signature.url(), "signed without the fragment");
        String ticket = world.wechat.jsapiTicket(t.mpAppId());
        assertEquals(FakeWeChatServer.jsapiSignature(ticket, signature.nonceStr(), signature.timestamp(), url),
                signature.signature());
    }

    @Test
    void theTicketIsFetchedOnceForManyPagesAndNodes() throws Exception {
        Tenant t = world.tenant();
        ServiceAccountResource otherNode = resourceOf(world.node(Clock.systemUTC()));
        ServiceAccountResource thirdNode = resourceOf(world.node(Clock.systemUTC()));
        List<Callable<JsSdkSignature>> pages = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ServiceAccountResource node = List.of(world.serviceAccount, otherNode, thirdNode).get(i % 3);
            String url = "https://live.example.com/rooms/" + i;
            pages.add(() -> node.jsSdkSignature(t.slug(), url));
        }

        List<JsSdkSignature> signatures = MiniAppLoginTestBase.atOnce(pages);
        signatures.addAll(MiniAppLoginTestBase.atOnce(pages));

        assertEquals(1, world.wechat.ticketFetchCount(t.mpAppId()));
        assertEquals(1, world.wechat.tokenFetchCount(t.mpAppId()));
        String ticket = world.wechat.jsapiTicket(t.mpAppId());
        for (JsSdkSignature signature : signatures) {
            assertEquals(FakeWeChatServer.jsapiSignature(ticket, signature.nonceStr(), signature.timestamp(),
                    signature.url()), signature.signature());
        }
    }

    @Test
    void pagesOutsideTheTenantsRoomPagesAreNotSigned() {
        Tenant t = world.tenant();
        for (String url : new String[] {"https://evil.example.com/rooms/42", "https://live.example.com/rooms/42.evil.com",
                "https://live.example.com/admin", "http://live.example.com/rooms/42", "", "#https://live.example.com/rooms/1"}) {
            assertError(WeChatErrorCode.URL_NOT_ALLOWED, () -> world.serviceAccount.jsSdkSignature(t.slug(), url));
        }
        assertError(WeChatErrorCode.URL_NOT_ALLOWED, () -> world.serviceAccount.jsSdkSignature(t.slug(), null));
        Tenant noPage = world.tenant(settings -> settings.remove(WeChatSettings.H5_ROOM_URL));
        assertError(WeChatErrorCode.URL_NOT_ALLOWED,
                () -> world.serviceAccount.jsSdkSignature(noPage.slug(), "https://live.example.com/rooms/42"));
        Tenant noAccount = world.tenant(settings -> settings.remove(WeChatSettings.MP_APP_ID));
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED,
                () -> world.serviceAccount.jsSdkSignature(noAccount.slug(), "https://live.example.com/rooms/42"));
        assertEquals(List.of(), world.wechat.requests());
    }

    // --- room QR codes ------------------------------------------------------------------------------------

    @Test
    void aRoomsQrCodeIsAPermanentCodeOfItsSceneWithAnImage() throws Exception {
        Tenant t = world.tenant();
        Room room = world.room(t);

        RoomQrCode code = world.serviceAccount.roomQrCode(Security.as(t.admin()), room.id());

        assertEquals(room.id(), code.roomId());
        assertEquals("room:" + room.id(), code.scene());
        RecordedRequest create = world.wechat.requests("/cgi-bin/qrcode/create").get(0);
        assertEquals("QR_LIMIT_STR_SCENE", create.body().get("action_name"));
        assertEquals(Map.of("scene", Map.of("scene_str", "room:" + room.id())), create.body().get("action_info"));
        assertTrue(code.url().startsWith("http://weixin.qq.com/q/"), code.url());
        URI image = URI.create(code.imageUrl());
        assertEquals(world.wechat.uri().getPort(), image.getPort(), "the image is on the configured mp host");
        HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(image).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fetched.statusCode(), "WeChat serves the image of that ticket");
    }

    @Test
    void qrCodesAreOfTheCallersTenantsRooms() {
        Tenant t = world.tenant();
        Room othersRoom = world.room(world.tenant());
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> world.serviceAccount.roomQrCode(Security.as(t.admin()),
                othersRoom.id()));
        assertEquals(List.of(), world.wechat.requests());
    }
}
