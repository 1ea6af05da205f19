package io.edamame.testing.wechat;

import static io.edamame.testing.wechat.WeChatClient.errcode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FakeWeChatServerTest {

  private static final String MINI = "wxmini0001";
  private static final String MINI_SECRET = "mini-secret";
  private static final String MP = "wxmp000001";
  private static final String MP_SECRET = "mp-secret";
  private static final WeChatUser ANN = new WeChatUser("o-ann", "u-ann", "Ann", "https://thirdwx.qlogo.cn/ann/132");

  private FakeWeChatServer wechat;
  private WeChatClient client;

  @BeforeEach
  void start() {
    wechat = new FakeWeChatServer();
    client = new WeChatClient(wechat.start());
    wechat.registerApp(MINI, MINI_SECRET).registerApp(MP, MP_SECRET);
  }

  @AfterEach
  void stop() {
    wechat.close();
  }

  @Nested
  class AccessTokens {

    @Test
    void tokenAnswersAccessTokenAndExpiryAndIsCountedPerApp() {
      Map<String, Object> answer =
          client.get("/cgi-bin/token?grant_type=client_credential&appid=" + MINI + "&secret=" + MINI_SECRET);
      assertNotNull(answer.get("access_token"));
      assertEquals(7200, answer.get("expires_in"));
      assertFalse(answer.containsKey("errcode"), "a success carries no errcode: " + answer);
      assertEquals(1, wechat.tokenFetchCount(MINI));
      assertEquals(0, wechat.tokenFetchCount(MP));
    }

    @Test
    void stableTokenAnswersTheSameTokenUntilForcedToRefresh() {
      Map<String, Object> request = Map.of("grant_type", "client_credential", "appid", MP, "secret", MP_SECRET);
      Map<String, Object> first = client.post("/cgi-bin/stable_token", request);
      Map<String, Object> second = client.post("/cgi-bin/stable_token", request);
      assertEquals(first.get("access_token"), second.get("access_token"));
      assertTrue(((Number) second.get("expires_in")).intValue() <= 7200);
      Map<String, Object> forced = client.post("/cgi-bin/stable_token",
          Map.of("grant_type", "client_credential", "appid", MP, "secret", MP_SECRET, "force_refresh", true));
      assertNotEquals(first.get("access_token"), forced.get("access_token"));
      assertEquals(3, wechat.tokenFetchCount(MP));
    }

    @Test
    void unknownAppidIs40013AndWrongSecretIs40125() {
      assertEquals(40013, errcode(client.get("/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=x")));
      Map<String, Object> wrongSecret =
          client.get("/cgi-bin/token?grant_type=client_credential&appid=" + MINI + "&secret=wrong");
      assertEquals(40125, errcode(wrongSecret));
      assertTrue(((String) wrongSecret.get("errmsg")).startsWith("invalid appsecret"));
      assertEquals(40125, errcode(client.post("/cgi-bin/stable_token",
          Map.of("grant_type", "client_credential", "appid", MINI, "secret", "wrong"))));
      assertEquals(40002, errcode(client.get("/cgi-bin/token?grant_type=password&appid=" + MINI + "&secret=x")));
      assertEquals(0, wechat.tokenFetchCount(MINI));
    }

    @Test
    void invalidatedTokensAnswer40001UntilANewOneIsFetched() {
      String token = client.token(MINI, MINI_SECRET);
      Map<String, Object> message = Map.of("touser", "o-ann", "template_id", "T1", "data", Map.of());
      assertEquals(0, errcode(client.post("/cgi-bin/message/subscribe/send?access_token=" + token, message)));
      wechat.invalidateAccessTokens();
      assertEquals(40001, errcode(client.post("/cgi-bin/message/subscribe/send?access_token=" + token, message)));
      String fresh = client.token(MINI, MINI_SECRET);
      assertEquals(0, errcode(client.post("/cgi-bin/message/subscribe/send?access_token=" + fresh, message)));
      assertEquals(2, wechat.subscribeMessages().size());
      assertEquals(2, wechat.tokenFetchCount(MINI));
    }

    @Test
    void missingOrUnknownTokenIs41001Or40001() {
      Map<String, Object> body = Map.of("scene", "a=1");
      assertEquals(41001, errcode(client.post("/wxa/getwxacodeunlimit", body)));
      assertEquals(40001, errcode(client.post("/wxa/getwxacodeunlimit?access_token=forged", body)));
    }
  }

  @Nested
  class MiniProgram {

    @Test
    void jscode2sessionAnswersOpenidSessionKeyAndUnionidOnce() {
      wechat.addLoginCode(MINI, "js-1", ANN);
      String url = "/sns/jscode2session?appid=" + MINI + "&secret=" + MINI_SECRET
          + "&js_code=js-1&grant_type=authorization_code";
      Map<String, Object> session = client.get(url);
      assertEquals("o-ann", session.get("openid"));
      assertEquals("u-ann", session.get("unionid"));
      assertNotNull(session.get("session_key"));
      assertEquals(40029, errcode(client.get(url)), "codes are one-time");
    }

    @Test
    void jscode2sessionLeavesOutAnAbsentUnionidAndIgnoresAnAccessToken() {
      wechat.addLoginCode(MINI, "js-2", WeChatUser.of("o-bob"));
      Map<String, Object> session = client.get("/sns/jscode2session?access_token=whatever&appid=" + MINI
          + "&secret=" + MINI_SECRET + "&js_code=js-2&grant_type=authorization_code");
      assertEquals("o-bob", session.get("openid"));
      assertFalse(session.containsKey("unionid"));
    }

    @Test
    void jscode2sessionErrors() {
      wechat.addLoginCode(MINI, "js-3", ANN);
      assertEquals(40029, errcode(client.get("/sns/jscode2session?appid=" + MINI + "&secret=" + MINI_SECRET
          + "&js_code=unknown&grant_type=authorization_code")));
      assertEquals(40125, errcode(client.get("/sns/jscode2session?appid=" + MINI
          + "&secret=wrong&js_code=js-3&grant_type=authorization_code")));
      assertEquals(40013, errcode(client.get("/sns/jscode2session?appid=wxother&secret=" + MINI_SECRET
          + "&js_code=js-3&grant_type=authorization_code")));
      // A code belongs to its app: another app cannot exchange it.
      assertEquals(40029, errcode(client.get("/sns/jscode2session?appid=" + MP + "&secret=" + MP_SECRET
          + "&js_code=js-3&grant_type=authorization_code")));
    }

    @Test
    void phoneNumberIsAnsweredOnceForItsCode() {
      wechat.addPhoneCode(MINI, "phone-1", "86", "13800138000");
      String token = client.token(MINI, MINI_SECRET);
      Map<String, Object> answer =
          client.post("/wxa/business/getuserphonenumber?access_token=" + token, Map.of("code", "phone-1"));
      assertEquals(0, errcode(answer));
      assertEquals("ok", answer.get("errmsg"));
      @SuppressWarnings("unchecked")
      Map<String, Object> info = (Map<String, Object>) answer.get("phone_info");
      assertEquals("13800138000", info.get("phoneNumber"));
      assertEquals("13800138000", info.get("purePhoneNumber"));
      assertEquals("86", info.get("countryCode"));
      assertEquals(MINI, ((Map<?, ?>) info.get("watermark")).get("appid"));
      assertEquals(40029, errcode(
          client.post("/wxa/business/getuserphonenumber?access_token=" + token, Map.of("code", "phone-1"))));
    }

    @Test
    void wxacodeUnlimitAnswersARealPng() throws IOException {
      String token = client.token(MINI, MINI_SECRET);
      HttpResponse<byte[]> response = client.postRaw("/wxa/getwxacodeunlimit?access_token=" + token,
          Map.of("scene", "room=42", "page", "pages/room/room", "check_path", false, "env_version", "trial"));
      assertEquals(200, response.statusCode());
      assertEquals("image/png", response.headers().firstValue("Content-Type").orElseThrow());
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
      assertNotNull(image, "the body decodes as an image");
      assertTrue(image.getWidth() > 0);
      RecordedRequest recorded = wechat.requests("/wxa/getwxacodeunlimit").get(0);
      assertEquals("room=42", recorded.body().get("scene"));
      assertEquals(MINI, recorded.appid());
    }

    @Test
    void wxacodeUnlimitRejectsAMissingOrTooLongSceneAsJson() {
      String token = client.token(MINI, MINI_SECRET);
      HttpResponse<byte[]> response = client.postRaw("/wxa/getwxacodeunlimit?access_token=" + token,
          Map.of("scene", "x".repeat(33)));
      assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
      assertEquals(40169, errcode(WeChatClient.json(response)));
      assertEquals(40169, errcode(client.post("/wxa/getwxacodeunlimit?access_token=" + token, Map.of())));
    }

    @Test
    void subscribeMessagesAreRecordedWithTheirPayload() {
      String token = client.token(MINI, MINI_SECRET);
      Map<String, Object> answer = client.post("/cgi-bin/message/subscribe/send?access_token=" + token,
          Map.of("touser", "o-ann", "template_id", "TPL-LIVE", "page", "pages/room/room?id=42",
              "miniprogram_state", "formal", "lang", "zh_CN",
              "data", Map.of("thing1", Map.of("value", "Room 42 is live"))));
      assertEquals(0, errcode(answer));
      assertEquals("ok", answer.get("errmsg"));
      SentMessage sent = wechat.subscribeMessages().get(0);
      assertEquals(MINI, sent.appid());
      assertEquals("o-ann", sent.toUser());
      assertEquals("TPL-LIVE", sent.templateId());
      assertEquals("Room 42 is live", sent.dataValue("thing1"));
      assertEquals("pages/room/room?id=42", sent.payload().get("page"));
    }

    @Test
    void subscribeMessageWithoutTouserOrTemplateFails() {
      String token = client.token(MINI, MINI_SECRET);
      assertEquals(40003, errcode(client.post("/cgi-bin/message/subscribe/send?access_token=" + token,
          Map.of("template_id", "T"))));
      assertEquals(40037, errcode(client.post("/cgi-bin/message/subscribe/send?access_token=" + token,
          Map.of("touser", "o-ann"))));
      assertTrue(wechat.subscribeMessages().isEmpty());
    }

    @Test
    void msgSecCheckVersion2AnswersPassReviewOrRisky() {
      wechat.addRiskyWord("badword", FakeWeChatServer.LABEL_ILLEGAL).addReviewWord("hmm", 20001);
      String url = "/wxa/msg_sec_check?access_token=" + client.token(MINI, MINI_SECRET);
      assertEquals(Map.of("suggest", "pass", "label", 100), result(client.post(url, v2("hello everyone"))));
      assertEquals(Map.of("suggest", "review", "label", 20001), result(client.post(url, v2("well hmm"))));
      Map<String, Object> risky = client.post(url, v2("a badword here"));
      assertEquals(0, errcode(risky));
      assertEquals(Map.of("suggest", "risky", "label", 20006), result(risky));
      assertNotNull(risky.get("trace_id"));
      List<ContentCheck> checks = wechat.contentChecks();
      assertEquals(List.of("pass", "review", "risky"), checks.stream().map(ContentCheck::suggest).toList());
      assertEquals(new ContentCheck(MINI, 2, "a badword here", 2, "o-ann", "risky", 20006), checks.get(2));
    }

    @Test
    void msgSecCheckVersion2NeedsAnOpenidAndAScene() {
      String url = "/wxa/msg_sec_check?access_token=" + client.token(MINI, MINI_SECRET);
      assertEquals(40003, errcode(client.post(url, Map.of("content", "hi", "version", 2, "scene", 2))));
      assertEquals(40097, errcode(client.post(url,
          Map.of("content", "hi", "version", 2, "scene", 9, "openid", "o-ann"))));
    }

    @Test
    void msgSecCheckVersion1Answers87014ForRiskyText() {
      wechat.addRiskyWord("badword", FakeWeChatServer.LABEL_ABUSE);
      String url = "/wxa/msg_sec_check?access_token=" + client.token(MINI, MINI_SECRET);
      assertEquals(0, errcode(client.post(url, Map.of("content", "fine"))));
      assertEquals(87014, errcode(client.post(url, Map.of("content", "badword!"))));
      assertEquals(1, wechat.contentChecks().get(1).version());
    }

    private Map<String, Object> v2(String content) {
      return Map.of("content", content, "version", 2, "scene", 2, "openid", "o-ann");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> result(Map<String, Object> answer) {
      return (Map<String, Object>) answer.get("result");
    }
  }

  @Nested
  class ServiceAccount {

    @Test
    void templateMessagesAnswerAMsgidAndAreRecorded() {
      String url = "/cgi-bin/message/template/send?access_token=" + client.token(MP, MP_SECRET);
      Map<String, Object> message = Map.of("touser", "o-ann-mp", "template_id", "TPL-1",
          "url", "https://edamame.example/room/42", "data", Map.of("keyword1", Map.of("value", "Live now")));
      Map<String, Object> first = client.post(url, message);
      Map<String, Object> second = client.post(url, message);
      assertEquals(0, errcode(first));
      assertEquals("ok", first.get("errmsg"));
      assertNotEquals(first.get("msgid"), second.get("msgid"));
      List<SentMessage> sent = wechat.templateMessages();
      assertEquals(2, sent.size());
      assertEquals(((Number) first.get("msgid")).longValue(), sent.get(0).msgid());
      assertEquals(MP, sent.get(0).appid());
      assertEquals("Live now", sent.get(0).dataValue("keyword1"));
      assertTrue(wechat.subscribeMessages().isEmpty());
    }

    @Test
    void oauth2ExchangesACodeOnceAndUserinfoAnswersTheProfile() {
      wechat.addOAuthCode(MP, "oauth-1", ANN, FakeWeChatServer.SCOPE_USERINFO);
      String url = "/sns/oauth2/access_token?appid=" + MP + "&secret=" + MP_SECRET
          + "&code=oauth-1&grant_type=authorization_code";
      Map<String, Object> token = client.get(url);
      assertEquals("o-ann", token.get("openid"));
      assertEquals("snsapi_userinfo", token.get("scope"));
      assertEquals("u-ann", token.get("unionid"));
      assertEquals(7200, token.get("expires_in"));
      assertNotNull(token.get("refresh_token"));
      assertEquals(40029, errcode(client.get(url)), "codes are one-time");

      Map<String, Object> user =
          client.get("/sns/userinfo?access_token=" + token.get("access_token") + "&openid=o-ann&lang=zh_CN");
      assertEquals("Ann", user.get("nickname"));
      assertEquals("https://thirdwx.qlogo.cn/ann/132", user.get("headimgurl"));
      assertEquals("u-ann", user.get("unionid"));
      assertEquals(List.of(), user.get("privilege"));
    }

    @Test
    void userinfoErrors() {
      wechat.addOAuthCode(MP, "base", ANN, FakeWeChatServer.SCOPE_BASE);
      wechat.addOAuthCode(MP, "full", ANN, FakeWeChatServer.SCOPE_USERINFO);
      String prefix = "/sns/oauth2/access_token?appid=" + MP + "&secret=" + MP_SECRET + "&grant_type=authorization_code";
      String baseToken = (String) client.get(prefix + "&code=base").get("access_token");
      String fullToken = (String) client.get(prefix + "&code=full").get("access_token");
      assertEquals(48001, errcode(client.get("/sns/userinfo?access_token=" + baseToken + "&openid=o-ann")));
      assertEquals(40003, errcode(client.get("/sns/userinfo?access_token=" + fullToken + "&openid=o-eve")));
      assertEquals(40001, errcode(client.get("/sns/userinfo?access_token=forged&openid=o-ann")));
      wechat.invalidateAccessTokens();
      assertEquals(40001, errcode(client.get("/sns/userinfo?access_token=" + fullToken + "&openid=o-ann")));
    }

    @Test
    void oauth2RejectsAWrongSecret() {
      wechat.addOAuthCode(MP, "oauth-2", ANN, FakeWeChatServer.SCOPE_USERINFO);
      assertEquals(40125, errcode(client.get("/sns/oauth2/access_token?appid=" + MP
          + "&secret=nope&code=oauth-2&grant_type=authorization_code")));
    }

    @Test
    void qrcodeCreateAnswersTicketUrlAndExpiryForTemporaryCodes() {
      String url = "/cgi-bin/qrcode/create?access_token=" + client.token(MP, MP_SECRET);
      Map<String, Object> temporary = client.post(url, Map.of("expire_seconds", 604800,
          "action_name", "QR_STR_SCENE", "action_info", Map.of("scene", Map.of("scene_str", "room-42"))));
      assertNotNull(temporary.get("ticket"));
      assertEquals(604800, temporary.get("expire_seconds"));
      assertTrue(((String) temporary.get("url")).startsWith("http://weixin.qq.com/q/"));
      Map<String, Object> permanent = client.post(url,
          Map.of("action_name", "QR_LIMIT_SCENE", "action_info", Map.of("scene", Map.of("scene_id", 42))));
      assertFalse(permanent.containsKey("expire_seconds"));
      assertEquals(40097, errcode(client.post(url,
          Map.of("action_name", "QR_SCENE", "action_info", Map.of("scene", Map.of("scene_str", "wrong field"))))));

      HttpResponse<byte[]> picture = client.getRaw("/cgi-bin/showqrcode?ticket=" + temporary.get("ticket"));
      assertEquals(200, picture.statusCode());
      assertEquals(404, client.getRaw("/cgi-bin/showqrcode?ticket=unknown").statusCode());
    }
  }

  @Nested
  class JsSdkTicket {

    @Test
    void getticketAnswersANewTicketEachTimeAndCountsPerApp() {
      String url = "/cgi-bin/ticket/getticket?access_token=" + client.token(MP, MP_SECRET) + "&type=jsapi";
      assertNull(wechat.jsapiTicket(MP));
      Map<String, Object> first = client.get(url);
      assertEquals(0, errcode(first));
      assertEquals("ok", first.get("errmsg"));
      assertEquals(7200, first.get("expires_in"));
      assertEquals(first.get("ticket"), wechat.jsapiTicket(MP));
      Map<String, Object> second = client.get(url);
      assertNotEquals(first.get("ticket"), second.get("ticket"));
      assertEquals(second.get("ticket"), wechat.jsapiTicket(MP), "the current ticket is the last one answered");
      assertEquals(2, wechat.ticketFetchCount(MP));
      assertEquals(0, wechat.ticketFetchCount(MINI));
      assertEquals(1, wechat.tokenFetchCount(MP), "tickets are not tokens");
    }

    @Test
    void getticketErrorsAreNotCounted() {
      String token = client.token(MP, MP_SECRET);
      assertEquals(40001, errcode(client.get("/cgi-bin/ticket/getticket?access_token=forged&type=jsapi")));
      assertEquals(41001, errcode(client.get("/cgi-bin/ticket/getticket?type=jsapi")));
      assertEquals(40097, errcode(client.get("/cgi-bin/ticket/getticket?access_token=" + token + "&type=wx_card")));
      wechat.failNext("/cgi-bin/ticket/getticket", 1, 45009);
      assertEquals(45009, errcode(client.get("/cgi-bin/ticket/getticket?access_token=" + token + "&type=jsapi")));
      assertEquals(0, wechat.ticketFetchCount(MP));
      assertNull(wechat.jsapiTicket(MP));
      assertNotNull(client.get("/cgi-bin/ticket/getticket?access_token=" + token + "&type=jsapi").get("ticket"));
      assertEquals(1, wechat.ticketFetchCount(MP));
    }

    @Test
    void invalidatedTokensAnswer40001ButTheTicketStays() {
      String token = client.token(MP, MP_SECRET);
      String ticket = (String) client.get("/cgi-bin/ticket/getticket?access_token=" + token + "&type=jsapi")
          .get("ticket");
      wechat.invalidateAccessTokens();
      assertEquals(40001, errcode(client.get("/cgi-bin/ticket/getticket?access_token=" + token + "&type=jsapi")));
      assertEquals(ticket, wechat.jsapiTicket(MP));
      assertEquals(1, wechat.ticketFetchCount(MP));
    }

    @Test
    void jsapiSignatureIsTheDocumentedOne() {
      // The example of WeChat's JS-SDK documentation, appendix 1 (signature algorithm).
      assertEquals("0f9de62fce790f9a083d5c99e95740ceb90c27ed", FakeWeChatServer.jsapiSignature(
          "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
          "Wm3WZYTPz0wzccnW", 1414587457L, "http://mp.weixin.qq.com?params=value"));
      assertEquals(FakeWeChatServer.jsapiSignature("t", "n", 1L, "https://edamame.example/room/42"),
          FakeWeChatServer.jsapiSignature("t", "n", 1L, "https://edamame.example/room/42#chat"),
          "the fragment is not signed");
    }
  }

  @Nested
  class ServiceAccountUsers {

    private Map<String, Object> userInfo(String token, String openid) {
      return client.get("/cgi-bin/user/info?access_token=" + token + "&openid=" + openid + "&lang=zh_CN");
    }

    @Test
    void userInfoOfAFollowerFromAQrCode() {
      wechat.addFollower(MP, ANN, Instant.ofEpochSecond(1_700_000_000L), "room-42");
      Map<String, Object> user = userInfo(client.token(MP, MP_SECRET), "o-ann");
      assertEquals(0, errcode(user));
      assertEquals(1, user.get("subscribe"));
      assertEquals("o-ann", user.get("openid"));
      assertEquals("u-ann", user.get("unionid"));
      assertEquals(1_700_000_000, user.get("subscribe_time"));
      assertEquals("ADD_SCENE_QR_CODE", user.get("subscribe_scene"));
      assertEquals(0, user.get("qr_scene"));
      assertEquals("room-42", user.get("qr_scene_str"));
      assertEquals(List.of(), user.get("tagid_list"));
      assertFalse(user.containsKey("nickname"), "WeChat no longer answers nicknames here: " + user);
    }

    @Test
    void userInfoOfAFollowerWithoutUnionidOrQrCode() {
      wechat.addFollower(MP, WeChatUser.of("o-bob")).addFollower(MP, ANN, Instant.now(), "42");
      String token = client.token(MP, MP_SECRET);
      Map<String, Object> bob = userInfo(token, "o-bob");
      assertEquals(1, bob.get("subscribe"));
      assertFalse(bob.containsKey("unionid"), "no unionid without an Open Platform binding: " + bob);
      assertEquals("ADD_SCENE_OTHERS", bob.get("subscribe_scene"));
      Map<String, Object> ann = userInfo(token, "o-ann");
      assertEquals(42, ann.get("qr_scene"));
      assertEquals("", ann.get("qr_scene_str"));
    }

    @Test
    void unknownOpenidIs40003AndFollowersBelongToOneApp() {
      wechat.addFollower(MP, ANN);
      assertEquals(40003, errcode(userInfo(client.token(MP, MP_SECRET), "o-eve")));
      assertEquals(40003, errcode(userInfo(client.token(MINI, MINI_SECRET), "o-ann")), "another app's user");
      assertEquals(41009, errcode(client.get("/cgi-bin/user/info?access_token=" + client.token(MP, MP_SECRET))));
    }

    @Test
    void invalidTokenIs40001AndFailNextWorks() {
      wechat.addFollower(MP, ANN);
      String token = client.token(MP, MP_SECRET);
      assertEquals(40001, errcode(userInfo("forged", "o-ann")));
      wechat.failNext("/cgi-bin/user/info", 1, -1);
      assertEquals(-1, errcode(userInfo(token, "o-ann")));
      assertEquals(1, userInfo(token, "o-ann").get("subscribe"));
      wechat.invalidateAccessTokens();
      assertEquals(40001, errcode(userInfo(token, "o-ann")));
    }

    @Test
    void anUnfollowedUserAnswersSubscribe0AndNothingElse() {
      wechat.addFollower(MP, ANN).unfollow(MP, "o-ann");
      Map<String, Object> user = userInfo(client.token(MP, MP_SECRET), "o-ann");
      assertEquals(Map.of("subscribe", 0, "openid", "o-ann", "tagid_list", List.of()), user);
      assertThrows(IllegalArgumentException.class, () -> wechat.unfollow(MP, "o-eve"));
      wechat.addFollower(MP, ANN);
      assertEquals(1, userInfo(client.token(MP, MP_SECRET), "o-ann").get("subscribe"), "followed again");
    }
  }

  @Nested
  class Controls {

    @Test
    void failNextFailsThatManyRequestsOfThatPathThenRecovers() {
      wechat.failNext("/cgi-bin/token", 2, 45011);
      String url = "/cgi-bin/token?grant_type=client_credential&appid=" + MINI + "&secret=" + MINI_SECRET;
      Map<String, Object> limited = client.get(url);
      assertEquals(45011, errcode(limited));
      assertTrue(((String) limited.get("errmsg")).startsWith("api minute-quota reach limit"));
      assertEquals(45011, errcode(client.get(url)));
      assertNotNull(client.get(url).get("access_token"));
      assertEquals(1, wechat.tokenFetchCount(MINI));
    }

    @Test
    void failNextLeavesOneTimeCodesUnusedAndOtherPathsAlone() {
      wechat.addLoginCode(MINI, "js-busy", ANN);
      wechat.failNext("/sns/jscode2session", 1, -1);
      String url = "/sns/jscode2session?appid=" + MINI + "&secret=" + MINI_SECRET
          + "&js_code=js-busy&grant_type=authorization_code";
      assertEquals(-1, errcode(client.get(url)));
      String token = client.token(MINI, MINI_SECRET); // another path: not failed
      assertNotNull(token);
      assertEquals("o-ann", client.get(url).get("openid"), "the code survived the system error");
    }

    @Test
    void failNextWith40001AndRecordedErrors() {
      String url = "/cgi-bin/message/subscribe/send?access_token=" + client.token(MINI, MINI_SECRET);
      wechat.failNext("/cgi-bin/message/subscribe/send", 1, 40001);
      Map<String, Object> message = Map.of("touser", "o-ann", "template_id", "T1");
      assertEquals(40001, errcode(client.post(url, message)));
      assertEquals(0, errcode(client.post(url, message)));
      assertEquals(1, wechat.subscribeMessages().size(), "the failed one was not sent");
      List<RecordedRequest> recorded = wechat.requests("/cgi-bin/message/subscribe/send");
      assertEquals(List.of(40001, 0), recorded.stream().map(RecordedRequest::errcode).toList());
      assertEquals(MINI, recorded.get(0).appid());
      assertTrue(recorded.get(0).sequence() < recorded.get(1).sequence());
    }

    @Test
    void unknownPathIs404WithJsonAndGetOnAPostApiIs43002() {
      HttpResponse<byte[]> response = client.getRaw("/cgi-bin/nothing");
      assertEquals(404, response.statusCode());
      assertEquals(40066, errcode(WeChatClient.json(response)));
      String token = client.token(MINI, MINI_SECRET);
      assertEquals(43002, errcode(client.get("/cgi-bin/message/subscribe/send?access_token=" + token)));
    }

    @Test
    void malformedJsonIs47001() {
      String token = client.token(MINI, MINI_SECRET);
      HttpResponse<byte[]> response = client.postRaw("/cgi-bin/message/template/send?access_token=" + token,
          "not an object");
      assertEquals(47001, errcode(WeChatClient.json(response)));
    }

    @Test
    void latencyStillAnswersAndConcurrentRequestsAllSucceed() throws Exception {
      wechat.setLatency(Duration.ofMillis(20));
      List<Thread> threads = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Thread thread = new Thread(() -> client.token(MINI, MINI_SECRET));
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      assertEquals(8, wechat.tokenFetchCount(MINI));
    }

    @Test
    void clearRecordsForgetsRecordsButKeepsTokensValid() {
      String token = client.token(MINI, MINI_SECRET);
      wechat.clearRecords();
      assertEquals(0, wechat.tokenFetchCount(MINI));
      assertTrue(wechat.requests().isEmpty());
      assertEquals(0, errcode(client.post("/cgi-bin/message/subscribe/send?access_token=" + token,
          Map.of("touser", "o-ann", "template_id", "T1"))));
    }

    @Test
    void portIsKeptAndPngIsStable() {
      assertEquals(wechat.uri().getPort(), wechat.port());
      assertEquals("127.0.0.1", wechat.uri().getHost());
      String token = client.token(MINI, MINI_SECRET);
      byte[] a = client.postRaw("/wxa/getwxacodeunlimit?access_token=" + token, Map.of("scene", "a")).body();
      byte[] b = client.postRaw("/wxa/getwxacodeunlimit?access_token=" + token, Map.of("scene", "b")).body();
      assertArrayEquals(a, b);
    }
  }
}
