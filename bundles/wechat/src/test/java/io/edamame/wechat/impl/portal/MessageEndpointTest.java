package io.edamame.wechat.impl.portal;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.Room;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.WeChatPushes;
import io.edamame.testing.wechat.WeChatPushes.Push;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service account's message endpoint with pushes signed (and encrypted) as WeChat makes them: what is refused
 * is refused before anything is recorded, and what is accepted is recorded and answered.
 */
class MessageEndpointTest extends WeChatTestBase {

    Tenant t;
    WeChatPushes safe;
    WeChatPushes plain;

    MessageEndpointTest() {
        super(DatabaseKind.H2);
    }

    @BeforeEach
    void tenant() {
        t = world.tenant();
        safe = world.pushes(t);
        plain = world.plainPushes(t);
    }

    long now() {
        return world.nowSeconds();
    }

    static String nonce() {
        return "n" + WeChatWorld.hex(6);
    }

    static String openid() {
        return "o-" + WeChatWorld.hex(6);
    }

    MessageEndpoint.Answer verify(Push push) {
        return world.endpoint.verify(world.apps.settings(t.id()).serviceAccount().orElseThrow(),
                new PortalRequest(push.query(), null));
    }

    MessageEndpoint.Answer receive(Push push) {
        TenantWeChat settings = world.apps.settings(t.id());
        return world.endpoint.receive(t.id(), settings, settings.serviceAccount().orElseThrow(),
                world.apps.serviceAccount(t.id()), new PortalRequest(push.query(), push.body()));
    }

    /** A safe-mode push, correctly signed, whose ciphertext is {@code encrypt} (whatever it holds). */
    Push withCiphertext(String encrypt) {
        long timestamp = now();
        String nonce = nonce();
        return safe.encrypted(safe.subscribeEvent(openid(), timestamp), timestamp, nonce)
                .withBody("<xml><ToUserName><![CDATA[" + WeChatWorld.ORIGINAL_ID + "]]></ToUserName><Encrypt><![CDATA["
                        + encrypt + "]]></Encrypt></xml>")
                .withQuery("msg_signature", WeChatPushes.signature(WeChatWorld.MP_TOKEN, Long.toString(timestamp),
                        nonce, encrypt));
    }

    Optional<Boolean> following(String openid) {
        return world.store.following(t.id(), t.mpAppId(), openid);
    }

    // --- the server URL check -----------------------------------------------------------------------------

    @Test
    void theServerUrlCheckEchoesOnlyWhenSignedWithTheTenantsToken() {
        assertEquals("echo-1", verify(plain.verification("echo-1", now(), nonce())).body());
        assertError(WeChatErrorCode.INVALID_SIGNATURE, () -> verify(plain.forgedVerification("echo-1", now(), nonce())));
        WeChatPushes otherToken = new WeChatPushes("anotherToken", null, t.mpAppId(), WeChatWorld.ORIGINAL_ID);
        assertError(WeChatErrorCode.INVALID_SIGNATURE, () -> verify(otherToken.verification("echo-1", now(), nonce())));
        assertError(WeChatErrorCode.INVALID_SIGNATURE,
                () -> verify(plain.verification("echo-1", now(), nonce()).withQuery("signature", null)));
        assertError(WeChatErrorCode.STALE_MESSAGE, () -> verify(plain.verification("echo-1", now() - 301, nonce())));
        assertError(WeChatErrorCode.MALFORMED_MESSAGE,
                () -> verify(plain.verification("<script>alert(1)</script>", now(), nonce())));
    }

    // --- follows ------------------------------------------------------------------------------------------

    @Test
    void aPlaintextFollowIsRecordedAndWelcomed() {
        String ann = openid();

        Map<String, String> reply = plain.decodeReply(receive(plain.plaintext(plain.subscribeEvent(ann, now()), now(),
                nonce())).body());

        assertEquals(Optional.of(true), following(ann));
        assertEquals("text", reply.get("MsgType"));
        assertEquals(WeChatWorld.FOLLOW_REPLY, reply.get("Content"));
        assertEquals(ann, reply.get("ToUserName"));
        assertEquals(WeChatWorld.ORIGINAL_ID, reply.get("FromUserName"));

        MessageEndpoint.Answer unfollow = receive(plain.plaintext(plain.unsubscribeEvent(ann, now()), now(), nonce()));
        assertEquals("success", unfollow.body());
        assertEquals(Optional.of(false), following(ann));
    }

    @Test
    void anEncryptedFollowIsRecordedAndTheReplyIsEncrypted() {
        String ann = openid();

        MessageEndpoint.Answer answer = receive(safe.encrypted(safe.subscribeEvent(ann, now()), now(), nonce()));

        assertTrue(answer.body().contains("<Encrypt>"), answer.body());
        assertTrue(!answer.body().contains(WeChatWorld.FOLLOW_REPLY), "nothing in the clear");
        Map<String, String> reply = safe.decryptReply(answer.body());
        assertEquals(WeChatWorld.FOLLOW_REPLY, reply.get("Content"));
        assertEquals(ann, reply.get("ToUserName"));
        assertEquals(Optional.of(true), following(ann));

        assertEquals("success", receive(safe.encrypted(safe.unsubscribeEvent(ann, now()), now(), nonce())).body());
        assertEquals(Optional.of(false), following(ann));
    }

    // --- what is refused ----------------------------------------------------------------------------------

    @Test
    void aForgedSignatureIsRefusedAndNothingIsRecorded() {
        String ann = openid();
        assertError(WeChatErrorCode.INVALID_SIGNATURE,
                () -> receive(plain.plaintext(plain.subscribeEvent(ann, now()), now(), nonce()).forged()));
        assertError(WeChatErrorCode.INVALID_SIGNATURE,
                () -> receive(safe.encrypted(safe.subscribeEvent(ann, now()), now(), nonce()).forged()));
        Push push = safe.encrypted(safe.subscribeEvent(ann, now()), now(), nonce());
        // The ciphertext's own signature, wrong or missing.
        assertError(WeChatErrorCode.INVALID_SIGNATURE, () -> receive(push.withQuery("msg_signature", "0".repeat(40))));
        assertError(WeChatErrorCode.INVALID_SIGNATURE, () -> receive(push.withQuery("msg_signature", null)));
        WeChatPushes otherToken = new WeChatPushes("anotherToken", null, t.mpAppId(), WeChatWorld.ORIGINAL_ID);
        assertError(WeChatErrorCode.INVALID_SIGNATURE,
                () -> receive(otherToken.plaintext(otherToken.subscribeEvent(ann, now()), now(), nonce())));
        assertEquals(Optional.empty(), following(ann));

        receive(push);
        assertEquals(Optional.of(true), following(ann), "its nonce was not used up by the refused ones");
    }

    @Test
    void aStaleOrFutureTimestampIsRefused() {
        String ann = openid();
        assertError(WeChatErrorCode.STALE_MESSAGE,
                () -> receive(plain.plaintext(plain.subscribeEvent(ann, now()), now() - 301, nonce())));
        assertError(WeChatErrorCode.STALE_MESSAGE,
                () -> receive(safe.encrypted(safe.subscribeEvent(ann, now()), now() + 301, nonce())));
        assertEquals(Optional.empty(), following(ann));
        receive(plain.plaintext(plain.subscribeEvent(ann, now()), now() - 299, nonce()));
        assertEquals(Optional.of(true), following(ann), "within the allowed skew");
    }

    @Test
    void aReplayedPushIsRefused() {
        String ann = openid();
        Push follow = safe.encrypted(safe.subscribeEvent(ann, now()), now(), "replayed1");
        receive(follow);
        receive(safe.encrypted(safe.unsubscribeEvent(ann, now()), now(), nonce()));

        assertError(WeChatErrorCode.REPLAYED_MESSAGE, () -> receive(follow));
        assertEquals(Optional.of(false), following(ann), "the replayed follow changed nothing");
        receive(safe.encrypted(safe.subscribeEvent(ann, now() + 1), now() + 1, "replayed1"));
        assertEquals(Optional.of(true), following(ann), "WeChat may use a nonce again at another second");
    }

    @Test
    void whatIsNotWeChatXmlIsMalformed() {
        String ann = openid();
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<xml><ToUserName>" + WeChatWorld.ORIGINAL_ID + "</ToUserName><FromUserName>" + ann
                + "</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&x;</Content></xml>";
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                + "<xml><FromUserName>&b;</FromUserName></xml>";
        Push good = plain.plaintext(plain.subscribeEvent(ann, now()), now(), nonce());
        for (String body : new String[] {"", "not xml", "<xml><ToUserName>x</xml>", xxe, bomb,
                "<xml><ToUserName>x</ToUserName></xml>"}) {
            assertError(WeChatErrorCode.MALFORMED_MESSAGE,
                    () -> receive(plain.plaintext(plain.subscribeEvent(ann, now()), now(), nonce()).withBody(body)));
        }
        // A DOCTYPE inside the ciphertext; no ciphertext at all.
        assertError(WeChatErrorCode.MALFORMED_MESSAGE, () -> receive(withCiphertext(safe.encrypt(xxe))));
        assertError(WeChatErrorCode.MALFORMED_MESSAGE, () -> receive(safe.encrypted(safe.subscribeEvent(ann, now()),
                now(), nonce()).withBody("<xml><ToUserName>" + WeChatWorld.ORIGINAL_ID + "</ToUserName></xml>")));
        assertEquals(Optional.empty(), following(ann));
        receive(good);
        assertEquals(Optional.of(true), following(ann));
    }

    @Test
    void aCiphertextThatDoesNotDecryptIsMalformed() {
        String garbage = Base64.getEncoder().encodeToString("sixteen byte key".repeat(4).getBytes(StandardCharsets.UTF_8));
        assertError(WeChatErrorCode.MALFORMED_MESSAGE, () -> receive(withCiphertext(garbage)));
        assertError(WeChatErrorCode.MALFORMED_MESSAGE, () -> receive(withCiphertext("%%%")));
        assertError(WeChatErrorCode.MALFORMED_MESSAGE, () -> receive(withCiphertext("")));

        WeChatPushes otherKey = new WeChatPushes(WeChatWorld.MP_TOKEN, WeChatPushes.newEncodingAesKey(), t.mpAppId(),
                WeChatWorld.ORIGINAL_ID);
        assertError(WeChatErrorCode.MALFORMED_MESSAGE,
                () -> receive(otherKey.encrypted(otherKey.subscribeEvent(openid(), now()), now(), nonce())));
        WeChatPushes otherApp = new WeChatPushes(WeChatWorld.MP_TOKEN, t.aesKey(), WeChatWorld.newAppId(),
                WeChatWorld.ORIGINAL_ID);
        assertError(WeChatErrorCode.MALFORMED_MESSAGE,
                () -> receive(otherApp.encrypted(otherApp.subscribeEvent(openid(), now()), now(), nonce())));
    }

    @Test
    void decryptionReadsWhatWeChatEncrypts() {
        for (String message : new String[] {"", "<xml/>", "多字节的消息 ]]> \u0000", "x".repeat(5000)}) {
            assertEquals(message, MessageEndpoint.decrypt(safe.encrypt(message), t.aesKey(), t.mpAppId()));
        }
    }

    @Test
    void safeModeNeedsTheTenantsAesKey() {
        Tenant plainOnly = world.tenant(s -> s.remove(WeChatSettings.MP_AES_KEY));
        t = plainOnly;

        assertError(WeChatErrorCode.MALFORMED_MESSAGE, () -> receive(world.pushes(plainOnly)
                .encrypted(safe.subscribeEvent(openid(), now()), now(), nonce())));
        String ann = openid();
        receive(world.plainPushes(plainOnly).plaintext(safe.subscribeEvent(ann, now()), now(), nonce()));
        assertEquals(Optional.of(true), following(ann));
    }

    // --- room QR codes and keyword replies ----------------------------------------------------------------

    @Test
    void aFollowThroughARoomsQrCodeIsAnsweredWithTheRoomsLink() {
        Room room = world.room(t);
        String ann = openid();

        Map<String, String> reply = safe.decryptReply(receive(safe.encrypted(
                safe.qrSubscribeEvent(ann, "room:" + room.id(), "gQticket", now()), now(), nonce())).body());

        assertEquals("<a href=\"https://live.example.com/rooms/" + room.id() + "\">Spring launch</a>",
                reply.get("Content"));
        assertEquals(ann, reply.get("ToUserName"));
        assertEquals(Optional.of(true), following(ann));
    }

    @Test
    void aScanOfARoomsQrCodeByAFollowerIsAnsweredWithTheRoomsLink() {
        Room room = world.room(t);
        Map<String, String> reply = plain.decodeReply(receive(plain.plaintext(
                plain.scanEvent(openid(), "room:" + room.id(), "gQticket", now()), now(), nonce())).body());
        assertEquals("<a href=\"https://live.example.com/rooms/" + room.id() + "\">Spring launch</a>",
                reply.get("Content"));
    }

    @Test
    void qrCodesOfNoRoomOfTheTenantGetNoLink() {
        Room othersRoom = world.room(world.tenant());
        assertEquals("success", receive(plain.plaintext(plain.scanEvent(openid(), "room:" + othersRoom.id(), "gQ", now()),
                now(), nonce())).body());
        assertEquals("success", receive(plain.plaintext(plain.scanEvent(openid(), "room:x1", "gQ", now()), now(),
                nonce())).body());
        assertEquals("success", receive(plain.plaintext(plain.scanEvent(openid(), "promo-2024", "gQ", now()), now(),
                nonce())).body());
        Map<String, String> welcome = plain.decodeReply(receive(plain.plaintext(
                plain.qrSubscribeEvent(openid(), "room:" + othersRoom.id(), "gQ", now()), now(), nonce())).body());
        assertEquals(WeChatWorld.FOLLOW_REPLY, welcome.get("Content"), "a follow is still welcomed");
    }

    @Test
    void textMessagesGetTheTenantsKeywordReplies() {
        String ann = openid();
        assertEquals("Hi! Rooms start at eight.", plain.decodeReply(receive(plain.plaintext(
                plain.textMessage(ann, "Hello", 1, now()), now(), nonce())).body()).get("Content"));
        assertEquals("Every room is free.", safe.decryptReply(receive(safe.encrypted(
                safe.textMessage(ann, "what is the price?", 2, now()), now(), nonce())).body()).get("Content"));
        assertEquals("success", receive(plain.plaintext(plain.textMessage(ann, "hello there", 3, now()), now(),
                nonce())).body(), "exact means the whole text");
        assertEquals(Optional.empty(), following(ann), "a message is no follow");
    }
}
