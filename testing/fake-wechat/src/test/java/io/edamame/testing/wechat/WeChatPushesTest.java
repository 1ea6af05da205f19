package io.edamame.testing.wechat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link WeChatPushes} against what the tests compute themselves: SHA-1 of strings sorted by hand, and an AES
 * decryption (and encryption, for replies) written here from WeChat's description, so that a mistake in the class
 * is not checked against itself.
 */
class WeChatPushesTest {

  private static final String TOKEN = "token";
  private static final String APPID = "wxmp000001";
  private static final String GH = "gh_0123456789ab";
  private static final String OPENID = "o-ann-mp";
  private static final long TS = 1_700_000_000L;

  // WeChat's official encryption sample (WXBizMsgCryptTest): fixed key, appid, random prefix and message.
  private static final String SAMPLE_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  private static final String SAMPLE_APPID = "wxb11529c136998cb6";
  private static final String SAMPLE_CIPHER =
      "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

  private final String key = WeChatPushes.newEncodingAesKey();
  private final WeChatPushes pushes = new WeChatPushes(TOKEN, key, APPID, GH);

  @Nested
  class Signatures {

    @Test
    void signatureIsSha1OfTheSortedConcatenation() {
      // Sorted by hand: digits before letters.
      assertEquals("bf37e74fc61ce5974ce58c68e55130b79b2578b9", sha1("1700000000" + "nonce" + "token"));
      assertEquals("bf37e74fc61ce5974ce58c68e55130b79b2578b9", WeChatPushes.signature("token", "1700000000", "nonce"));
      assertEquals("bf37e74fc61ce5974ce58c68e55130b79b2578b9", WeChatPushes.signature("nonce", "token", "1700000000"));
      // Code point order, upper case before lower case: "Encrypted==" sorts before "nonce".
      assertEquals(sha1("1700000000" + "Encrypted==" + "nonce" + "token"),
          WeChatPushes.signature("token", "1700000000", "nonce", "Encrypted=="));
      assertEquals("a7289b57e44dbd1a6d5367fc801f9c280fbc0692",
          WeChatPushes.signature("token", "1700000000", "nonce", "Encrypted=="));
    }

    @Test
    void verificationCarriesTheSignatureOfTokenTimestampAndNonce() {
      WeChatPushes.Push get = pushes.verification("echo 1&2", TS, "nonce");
      assertEquals(List.of("signature", "echostr", "timestamp", "nonce"), List.copyOf(get.query().keySet()));
      assertEquals("bf37e74fc61ce5974ce58c68e55130b79b2578b9", get.query().get("signature"));
      assertEquals("echo 1&2", get.query().get("echostr"));
      assertEquals("1700000000", get.query().get("timestamp"));
      assertNull(get.body());
      assertEquals("signature=bf37e74fc61ce5974ce58c68e55130b79b2578b9&echostr=echo+1%262&timestamp=1700000000"
          + "&nonce=nonce", get.queryString());
      assertEquals(URI.create("http://127.0.0.1:8181/wechat/mp/wxmp000001?" + get.queryString()),
          get.uri(URI.create("http://127.0.0.1:8181/wechat/mp/wxmp000001")));
      assertEquals(URI.create("http://h/cb?tenant=t1&" + get.queryString()),
          get.uri(URI.create("http://h/cb?tenant=t1")));
    }

    @Test
    void forgedVerificationHasAWellFormedWrongSignature() {
      WeChatPushes.Push forged = pushes.forgedVerification("echo", TS, "nonce");
      String signature = forged.query().get("signature");
      assertNotEquals("bf37e74fc61ce5974ce58c68e55130b79b2578b9", signature);
      assertTrue(signature.matches("[0-9a-f]{40}"), signature);
      assertEquals("echo", forged.query().get("echostr"));
      assertEquals("nonce", forged.query().get("nonce"));
    }

    @Test
    void forgedPostChangesBothSignatures() {
      WeChatPushes.Push push = pushes.encrypted(pushes.subscribeEvent(OPENID, TS), TS, "n");
      WeChatPushes.Push forged = push.forged();
      assertNotEquals(push.query().get("signature"), forged.query().get("signature"));
      assertNotEquals(push.query().get("msg_signature"), forged.query().get("msg_signature"));
      assertEquals(push.body(), forged.body());
      assertFalse(push.withQuery("msg_signature", null).query().containsKey("msg_signature"));
    }
  }

  @Nested
  class Messages {

    @Test
    void subscribeEventIsAPlainFollow() {
      String xml = pushes.subscribeEvent(OPENID, TS);
      assertEquals("<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>"
          + "<FromUserName><![CDATA[o-ann-mp]]></FromUserName><CreateTime>1700000000</CreateTime>"
          + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>", xml);
    }

    @Test
    void qrSubscribeAndScanCarryTheSceneAndTicket() {
      Map<String, String> follow = WeChatPushes.xmlFields(pushes.qrSubscribeEvent(OPENID, "room-42", "gQticket", TS));
      assertEquals(Map.of("ToUserName", GH, "FromUserName", OPENID, "CreateTime", "1700000000", "MsgType", "event",
          "Event", "subscribe", "EventKey", "qrscene_room-42", "Ticket", "gQticket"), follow);
      Map<String, String> scan = WeChatPushes.xmlFields(pushes.scanEvent(OPENID, "room-42", "gQticket", TS + 5));
      assertEquals("SCAN", scan.get("Event"));
      assertEquals("room-42", scan.get("EventKey"));
      assertEquals("gQticket", scan.get("Ticket"));
      assertEquals("1700000005", scan.get("CreateTime"));
    }

    @Test
    void unsubscribeAndText() {
      assertEquals("unsubscribe", WeChatPushes.xmlFields(pushes.unsubscribeEvent(OPENID, TS)).get("Event"));
      String text = pushes.textMessage(OPENID, "hi <b>&</b> ]]> 你好", 6_000_000_000_000_000_001L, TS);
      Map<String, String> fields = WeChatPushes.xmlFields(text);
      assertEquals("text", fields.get("MsgType"));
      assertEquals("hi <b>&</b> ]]> 你好", fields.get("Content"), "any text survives its CDATA");
      assertEquals("6000000000000000001", fields.get("MsgId"));
      assertTrue(text.contains("<MsgId>6000000000000000001</MsgId>"), "numbers are bare: " + text);
    }

    @Test
    void xmlFieldsFlattensNestedAndRepeatedElements() {
      Map<String, String> news = WeChatPushes.xmlFields("<xml>\n <MsgType><![CDATA[news]]></MsgType>\n"
          + " <ArticleCount>2</ArticleCount><Articles><item><Title><![CDATA[A]]></Title></item>"
          + "<item><Title>B</Title><Url>u</Url></item></Articles><Image><MediaId>m</MediaId></Image></xml>");
      assertEquals(List.of("MsgType", "ArticleCount", "Articles.item[0].Title", "Articles.item[1].Title",
          "Articles.item[1].Url", "Image.MediaId"), List.copyOf(news.keySet()));
      assertEquals("B", news.get("Articles.item[1].Title"));
      assertEquals("m", news.get("Image.MediaId"));
    }

    @Test
    void xmlWithADoctypeIsRefused() {
      String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
          + "<xml><Content>&e;</Content></xml>";
      assertThrows(IllegalArgumentException.class, () -> WeChatPushes.xmlFields(xxe));
      assertThrows(IllegalArgumentException.class, () -> pushes.decodeReply(xxe));
      assertThrows(IllegalArgumentException.class, () -> WeChatPushes.xmlFields("<xml><a></xml>"));
    }
  }

  @Nested
  class Posts {

    @Test
    void plaintextPostIsSignedAndCarriesTheOpenid() {
      String xml = pushes.textMessage(OPENID, "hello", 1L, TS);
      WeChatPushes.Push post = pushes.plaintext(xml, TS, "nonce");
      assertEquals(Map.of("signature", "bf37e74fc61ce5974ce58c68e55130b79b2578b9", "timestamp", "1700000000",
          "nonce", "nonce", "openid", OPENID), post.query());
      assertEquals(xml, post.body());
    }

    @Test
    void encryptedPostDecryptsToTheMessageWithTheRightSignatures() throws Exception {
      String xml = pushes.qrSubscribeEvent(OPENID, "room-42", "gQticket", TS);
      WeChatPushes.Push post = pushes.encrypted(xml, TS, "nonce-2");
      Map<String, String> query = post.query();
      assertEquals(List.of("signature", "timestamp", "nonce", "openid", "encrypt_type", "msg_signature"),
          List.copyOf(query.keySet()));
      assertEquals(sha1("1700000000" + "nonce-2" + "token"), query.get("signature"));
      assertEquals("aes", query.get("encrypt_type"));
      assertEquals(OPENID, query.get("openid"));

      Map<String, String> body = WeChatPushes.xmlFields(post.body());
      assertEquals(List.of("ToUserName", "Encrypt"), List.copyOf(body.keySet()));
      assertEquals(GH, body.get("ToUserName"));
      String encrypt = body.get("Encrypt");
      assertEquals(sha1(sortedConcat(TOKEN, "1700000000", "nonce-2", encrypt)), query.get("msg_signature"));
      Opened opened = open(key, encrypt);
      assertEquals(xml, opened.message());
      assertEquals(APPID, opened.appid());
    }

    @Test
    void encryptionMatchesWeChatsOfficialSampleVector() throws Exception {
      WeChatPushes sample = new WeChatPushes("pamtest", SAMPLE_KEY, SAMPLE_APPID, "gh_7f083739789a");
      byte[] prefix = "aaaabbbbccccdddd".getBytes(StandardCharsets.US_ASCII);
      assertEquals(SAMPLE_CIPHER, sample.encrypt(prefix, "我是中文abcd123"));
      assertEquals("我是中文abcd123", sample.decrypt(SAMPLE_CIPHER));
    }

    @Test
    void padsToBlocksOf32NotOf16() throws Exception {
      // 16 + 4 + 12 + 10 (appid) = 42 bytes: PKCS#7 to 16 would add 6, WeChat's pad to 32 adds 22.
      assertPad("twelve bytes", 22);
      // 16 + 4 + 34 + 10 = 64: already aligned, so a whole block of 32 is added.
      assertPad("x".repeat(34), 32);
      // 16 + 4 + 37 + 10 = 67: 29 to reach 96.
      assertPad("x".repeat(37), 29);
    }

    private void assertPad(String message, int expectedPad) throws Exception {
      byte[] prefix = new byte[16];
      Arrays.fill(prefix, (byte) 7);
      String encrypt = pushes.encrypt(prefix, message);
      byte[] plain = aes(Cipher.DECRYPT_MODE, key, Base64.getDecoder().decode(encrypt));
      assertEquals(0, plain.length % 32);
      assertEquals(expectedPad, plain[plain.length - 1]);
      for (int i = plain.length - expectedPad; i < plain.length; i++) {
        assertEquals(expectedPad, plain[i], "pad byte " + i);
      }
      assertArrayEquals(prefix, Arrays.copyOf(plain, 16));
      assertEquals(message, open(key, encrypt).message());
    }

    @Test
    void encryptionRoundTripsUtf8OfManyLengths() throws Exception {
      Set<String> ciphers = new HashSet<>();
      for (int n = 0; n < 70; n++) {
        String message = "直播".repeat(n % 3) + "x".repeat(n);
        String encrypt = pushes.encrypt(message);
        assertEquals(message, open(key, encrypt).message());
        assertEquals(message, pushes.decrypt(encrypt));
        ciphers.add(pushes.encrypt("same"));
      }
      assertEquals(70, ciphers.size(), "16 fresh random bytes lead every encryption");
    }

    @Test
    void withoutAKeyOnlyPlaintextWorks() {
      WeChatPushes plain = new WeChatPushes(TOKEN, null, APPID, GH);
      assertFalse(plain.safeMode());
      assertTrue(pushes.safeMode());
      String xml = plain.subscribeEvent(OPENID, TS);
      assertEquals(xml, plain.plaintext(xml, TS, "n").body());
      assertThrows(IllegalStateException.class, () -> plain.encrypted(xml, TS, "n"));
    }
  }

  @Nested
  class Replies {

    @Test
    void plainReplyIsReadAsItIs() {
      String reply = "<xml><ToUserName><![CDATA[o-ann-mp]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]>"
          + "</FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[text]]></MsgType>"
          + "<Content><![CDATA[Welcome to room 42]]></Content></xml>";
      Map<String, String> fields = pushes.decodeReply(reply);
      assertEquals("o-ann-mp", fields.get("ToUserName"));
      assertEquals("text", fields.get("MsgType"));
      assertEquals("Welcome to room 42", fields.get("Content"));
      assertThrows(IllegalArgumentException.class, () -> pushes.decryptReply(reply), "not encrypted");
    }

    @Test
    void noReplyIsEmpty() {
      assertEquals(Map.of(), pushes.decodeReply(""));
      assertEquals(Map.of(), pushes.decodeReply("success"));
      assertEquals(Map.of(), pushes.decryptReply("success"));
    }

    @Test
    void encryptedReplyIsVerifiedAndDecrypted() throws Exception {
      String inner = "<xml><ToUserName><![CDATA[o-ann-mp]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]>"
          + "</FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[text]]></MsgType>"
          + "<Content><![CDATA[欢迎]]></Content></xml>";
      String reply = encryptedReply(key, APPID, inner, "1700000002", "reply-nonce");
      Map<String, String> fields = pushes.decryptReply(reply);
      assertEquals("o-ann-mp", fields.get("ToUserName"));
      assertEquals(GH, fields.get("FromUserName"));
      assertEquals("欢迎", fields.get("Content"));
      assertEquals(fields, pushes.decodeReply(reply));
    }

    @Test
    void encryptedReplyWithAWrongSignatureKeyOrAppidIsRefused() throws Exception {
      String inner = "<xml><MsgType><![CDATA[text]]></MsgType><Content>x</Content></xml>";
      String good = encryptedReply(key, APPID, inner, "1700000002", "n");
      String badSignature = good.replaceFirst("<MsgSignature><!\\[CDATA\\[[0-9a-f]", "<MsgSignature><![CDATA[g");
      assertThrows(IllegalArgumentException.class, () -> pushes.decryptReply(badSignature));
      String otherNonce = good.replace("<Nonce><![CDATA[n]]>", "<Nonce><![CDATA[m]]>");
      assertThrows(IllegalArgumentException.class, () -> pushes.decryptReply(otherNonce));

      IllegalArgumentException wrongAppid = assertThrows(IllegalArgumentException.class,
          () -> pushes.decryptReply(encryptedReply(key, "wxother0001", inner, "1700000002", "n")));
      assertTrue(wrongAppid.getMessage().contains("wxother0001"), wrongAppid.getMessage());

      String otherKey = WeChatPushes.newEncodingAesKey();
      assertThrows(IllegalArgumentException.class,
          () -> pushes.decryptReply(encryptedReply(otherKey, APPID, inner, "1700000002", "n")));
      assertThrows(IllegalArgumentException.class,
          () -> pushes.decryptReply("<xml><Encrypt>abc</Encrypt><TimeStamp>1</TimeStamp><Nonce>n</Nonce></xml>"),
          "no MsgSignature");
    }

    /** An encrypted reply made here: what a correct endpoint answers in safe mode. */
    private String encryptedReply(String aesKey, String appid, String inner, String timestamp, String nonce)
        throws Exception {
      byte[] text = inner.getBytes(StandardCharsets.UTF_8);
      byte[] trailer = appid.getBytes(StandardCharsets.UTF_8);
      int length = 16 + 4 + text.length + trailer.length;
      int pad = 32 - length % 32;
      ByteBuffer plain = ByteBuffer.allocate(length + pad);
      plain.put("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).putInt(text.length).put(text).put(trailer);
      while (plain.hasRemaining()) {
        plain.put((byte) pad);
      }
      String encrypt = Base64.getEncoder().encodeToString(aes(Cipher.ENCRYPT_MODE, aesKey, plain.array()));
      String signature = sha1(sortedConcat(TOKEN, timestamp, nonce, encrypt));
      return "<xml>\n<Encrypt><![CDATA[" + encrypt + "]]></Encrypt>\n<MsgSignature><![CDATA[" + signature
          + "]]></MsgSignature>\n<TimeStamp>" + timestamp + "</TimeStamp>\n<Nonce><![CDATA[" + nonce
          + "]]></Nonce>\n</xml>";
    }
  }

  @Nested
  class Keys {

    @Test
    void newEncodingAesKeyIs43LettersAndDigitsOf32Bytes() {
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        String generated = WeChatPushes.newEncodingAesKey();
        assertTrue(generated.matches("[A-Za-z0-9]{43}"), generated);
        assertEquals(32, Base64.getDecoder().decode(generated + "=").length);
        assertTrue(new WeChatPushes(TOKEN, generated, APPID, GH).safeMode());
        keys.add(generated);
      }
      assertEquals(20, keys.size());
    }

    @Test
    void badKeysAreRefused() {
      assertThrows(IllegalArgumentException.class, () -> new WeChatPushes(TOKEN, "short", APPID, GH));
      assertThrows(IllegalArgumentException.class, () -> new WeChatPushes(TOKEN, "!".repeat(43), APPID, GH));
    }
  }

  // ---- the test's own SHA-1 and AES, from WeChat's description

  private record Opened(byte[] random, String message, String appid) {
  }

  /** Decrypts an Encrypt value: AES-256-CBC, IV the key's first 16 bytes, then strips the 32-byte PKCS#7 pad. */
  private static Opened open(String encodingAesKey, String encrypt) throws Exception {
    byte[] plain = aes(Cipher.DECRYPT_MODE, encodingAesKey, Base64.getDecoder().decode(encrypt));
    assertEquals(0, plain.length % 32, "WeChat pads to 32 bytes");
    int pad = plain[plain.length - 1];
    assertTrue(pad >= 1 && pad <= 32, "pad " + pad);
    ByteBuffer buffer = ByteBuffer.wrap(plain, 0, plain.length - pad);
    byte[] random = new byte[16];
    buffer.get(random);
    byte[] text = new byte[buffer.getInt()];
    buffer.get(text);
    byte[] appid = new byte[buffer.remaining()];
    buffer.get(appid);
    return new Opened(random, new String(text, StandardCharsets.UTF_8), new String(appid, StandardCharsets.UTF_8));
  }

  private static byte[] aes(int mode, String encodingAesKey, byte[] input) throws Exception {
    byte[] aesKey = Base64.getDecoder().decode(encodingAesKey + "=");
    Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
    cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(Arrays.copyOf(aesKey, 16)));
    return cipher.doFinal(input);
  }

  private static String sortedConcat(String... parts) {
    return String.join("", Arrays.stream(parts).sorted().toList());
  }

  private static String sha1(String text) {
    try {
      StringBuilder hex = new StringBuilder();
      for (byte b : MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8))) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
