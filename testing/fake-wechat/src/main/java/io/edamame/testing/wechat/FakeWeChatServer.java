package io.edamame.testing.wechat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import io.edamame.testing.wechat.impl.FakeWeChatEngine;

/**
 * A fake of WeChat's server API for tests, over plain HTTP on 127.0.0.1. It answers, with WeChat's paths, query
 * parameters, JSON field names and error codes, the calls a mini-program and service-account integration makes:
 * access tokens ({@code /cgi-bin/token}, {@code /cgi-bin/stable_token}), {@code /sns/jscode2session}, {@code
 * /wxa/business/getuserphonenumber}, {@code /wxa/getwxacodeunlimit} (a real PNG), {@code
 * /cgi-bin/message/subscribe/send}, {@code /wxa/msg_sec_check} (versions 1 and 2), {@code
 * /cgi-bin/message/template/send}, OAuth2 for H5 ({@code /sns/oauth2/access_token}, {@code /sns/userinfo}),
 * {@code /cgi-bin/qrcode/create} (and {@code /cgi-bin/showqrcode}), the JS-SDK ticket ({@code
 * /cgi-bin/ticket/getticket?type=jsapi}) and a service account's user info ({@code /cgi-bin/user/info}). Point
 * WxJava's API host at {@link #start()}'s URI (see the README).
 *
 * <p>Tests register apps and users, make failures happen ({@link #failNext(String, int, int)}, {@link
 * #invalidateAccessTokens()}) and read what was asked and sent ({@link #tokenFetchCount(String)}, {@link
 * #ticketFetchCount(String)}, {@link #jsapiTicket(String)}, {@link #subscribeMessages()}, {@link
 * #templateMessages()}, {@link #contentChecks()}, {@link #requests()}).
 *
 * <p>What WeChat pushes to a service account's own message endpoint (follow and scan events, user messages, in
 * plaintext or safe mode) is not sent by this server: the test sends it, built and signed by {@link WeChatPushes}.
 *
 * <pre>{@code
 * try (FakeWeChatServer wechat = new FakeWeChatServer()) {
 *   URI api = wechat.start();
 *   wechat.registerApp("wx1234", "secret");
 *   wechat.addLoginCode("wx1234", "code-1", new WeChatUser("openid-1", "unionid-1", "Ann", ""));
 *   // ... the code under test logs in with code-1 and sends a subscribe message ...
 *   assertEquals(1, wechat.tokenFetchCount("wx1234"));
 *   assertEquals("openid-1", wechat.subscribeMessages().get(0).toUser());
 * }
 * }</pre>
 *
 * <p>Codes (login, OAuth2, phone) are one-time, as WeChat's are: a second use answers 40029. Tokens never expire by
 * time; {@link #invalidateAccessTokens()} makes every issued one answer 40001. Thread-safe.
 */
public final class FakeWeChatServer implements AutoCloseable {

  /** OAuth2 scope that allows {@code /sns/userinfo}. */
  public static final String SCOPE_USERINFO = "snsapi_userinfo";
  /** OAuth2 scope that only gives the openid; {@code /sns/userinfo} then answers 48001. */
  public static final String SCOPE_BASE = "snsapi_base";

  /** msg_sec_check labels, from WeChat's documentation: 100 normal, 20001 political, 20002 porn, 20003 abuse... */
  public static final int LABEL_NORMAL = 100;
  public static final int LABEL_ABUSE = 20003;
  public static final int LABEL_ILLEGAL = 20006;

  private final FakeWeChatEngine engine = new FakeWeChatEngine();

  // ---- lifecycle

  /** Listens on an ephemeral port of 127.0.0.1; returns the base URI, {@code http://127.0.0.1:<port>}. */
  public URI start() {
    return start(0);
  }

  /** Listens on the given port of 127.0.0.1 (0 for an ephemeral one); returns the base URI. */
  public URI start(int port) {
    return engine.start(port);
  }

  /** The base URI: what replaces {@code https://api.weixin.qq.com} (and, for QR code pictures, mp.weixin.qq.com). */
  public URI uri() {
    return engine.uri();
  }

  public int port() {
    return uri().getPort();
  }

  @Override
  public void close() {
    engine.close();
  }

  // ---- apps and users

  /** An app (mini-program or service account) that may fetch tokens; other appids answer 40013, other secrets 40125. */
  public FakeWeChatServer registerApp(String appid, String secret) {
    engine.registerApp(Objects.requireNonNull(appid, "appid"), Objects.requireNonNull(secret, "secret"));
    return this;
  }

  /** A one-time {@code js_code} (from {@code wx.login}) that {@code /sns/jscode2session} of this app exchanges for the user. */
  public FakeWeChatServer addLoginCode(String appid, String jsCode, WeChatUser user) {
    engine.addLoginCode(appid, jsCode, Objects.requireNonNull(user, "user"));
    return this;
  }

  /**
   * A one-time web page authorization code that {@code /sns/oauth2/access_token} of this app exchanges, granted with
   * {@code scope} ({@link #SCOPE_USERINFO} or {@link #SCOPE_BASE}).
   */
  public FakeWeChatServer addOAuthCode(String appid, String code, WeChatUser user, String scope) {
    engine.addOAuthCode(appid, code, Objects.requireNonNull(user, "user"), Objects.requireNonNull(scope, "scope"));
    return this;
  }

  /** A one-time code (from the {@code getPhoneNumber} button) for a phone number, e.g. {@code ("86", "13800138000")}. */
  public FakeWeChatServer addPhoneCode(String appid, String code, String countryCode, String purePhoneNumber) {
    engine.addPhoneCode(appid, code, Objects.requireNonNull(countryCode), Objects.requireNonNull(purePhoneNumber));
    return this;
  }

  /** Text containing this word is {@code risky} with this label (version 2), or errcode 87014 (version 1). */
  public FakeWeChatServer addRiskyWord(String word, int label) {
    engine.addRiskyWord(Objects.requireNonNull(word), label);
    return this;
  }

  /** Text containing this word (and no risky word) is {@code review} with this label (version 2; version 1 passes it). */
  public FakeWeChatServer addReviewWord(String word, int label) {
    engine.addReviewWord(Objects.requireNonNull(word), label);
    return this;
  }

  /**
   * A user who follows this service account, as of now and from no QR code: {@code /cgi-bin/user/info} answers
   * {@code subscribe: 1}, the unionid if the user has one, and {@code subscribe_scene: ADD_SCENE_OTHERS}. An openid
   * not added this way answers 40003, as does the openid of another app's follower.
   */
  public FakeWeChatServer addFollower(String appid, WeChatUser user) {
    return addFollower(appid, user, Instant.now(), null);
  }

  /**
   * A user who followed this service account at {@code subscribedAt} ({@code subscribe_time}, in seconds), by
   * scanning a parametric QR code of scene {@code qrScene} ({@code subscribe_scene: ADD_SCENE_QR_CODE}; a scene of
   * digits is answered as {@code qr_scene}, another as {@code qr_scene_str}), or from elsewhere if {@code qrScene}
   * is {@code null}. Adding the same openid again replaces it (a follow after an unfollow).
   */
  public FakeWeChatServer addFollower(String appid, WeChatUser user, Instant subscribedAt, String qrScene) {
    engine.addFollower(Objects.requireNonNull(appid, "appid"), Objects.requireNonNull(user, "user"),
        subscribedAt.getEpochSecond(), qrScene);
    return this;
  }

  /**
   * The follower stopped following: {@code /cgi-bin/user/info} answers only {@code subscribe: 0}, the {@code
   * openid} and an empty {@code tagid_list} ("nothing else can be fetched", WeChat's documentation), so no unionid.
   *
   * @throws IllegalArgumentException if the openid was never added as a follower of this app
   */
  public FakeWeChatServer unfollow(String appid, String openid) {
    engine.unfollow(Objects.requireNonNull(appid, "appid"), Objects.requireNonNull(openid, "openid"));
    return this;
  }

  // ---- faults

  /**
   * Every access token issued so far (app tokens, stable tokens and OAuth2 user tokens) answers 40001 from now on,
   * as after a secret reset or a token fetched elsewhere. Fetching a new one works.
   */
  public void invalidateAccessTokens() {
    engine.invalidateAccessTokens();
  }

  /**
   * The next {@code times} requests to {@code path} (e.g. {@code "/cgi-bin/message/subscribe/send"}) answer {@code
   * errcode} with WeChat's errmsg, before anything else is done: no code is used, nothing recorded as sent. Typical:
   * 45011 (rate limit), 40001 (token no longer valid), -1 (system busy), 43101 (user did not subscribe).
   */
  public void failNext(String path, int times, int errcode) {
    engine.failNext(Objects.requireNonNull(path, "path"), times, errcode);
  }

  /** Every request waits this long before it is handled (default 0); requests are handled concurrently. */
  public void setLatency(Duration latency) {
    engine.setLatency(Objects.requireNonNull(latency, "latency"));
  }

  // ---- records

  /** Access tokens answered to this appid by {@code /cgi-bin/token} and {@code /cgi-bin/stable_token}. */
  public int tokenFetchCount(String appid) {
    return engine.tokenFetchCount(appid);
  }

  /** JS-SDK tickets answered to this appid by {@code /cgi-bin/ticket/getticket} (a new ticket each time). */
  public int ticketFetchCount(String appid) {
    return engine.ticketFetchCount(appid);
  }

  /**
   * The last JS-SDK ticket answered to this appid, or {@code null} if none was: the one a correct {@code wx.config}
   * signature is made with (see {@link #jsapiSignature}). Neither {@link #invalidateAccessTokens()} nor {@link
   * #clearRecords()} changes it.
   */
  public String jsapiTicket(String appid) {
    return engine.jsapiTicket(appid);
  }

  /**
   * The JS-SDK signature of a page, as WeChat's JS-SDK documentation defines it: the SHA-1 (lower-case hex) of
   * {@code jsapi_ticket=<ticket>&noncestr=<nonceStr>&timestamp=<timestamp>&url=<url>}, the URL without its {@code
   * #} fragment. For a test to recompute what the code under test gave the page for {@code wx.config}.
   */
  public static String jsapiSignature(String ticket, String nonceStr, long timestamp, String url) {
    int hash = url.indexOf('#');
    String page = hash < 0 ? url : url.substring(0, hash);
    String plain = "jsapi_ticket=" + ticket + "&noncestr=" + nonceStr + "&timestamp=" + timestamp + "&url=" + page;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(plain.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /** Subscribe messages accepted, oldest first. */
  public List<SentMessage> subscribeMessages() {
    return engine.subscribeMessages();
  }

  /** Template messages accepted, oldest first. */
  public List<SentMessage> templateMessages() {
    return engine.templateMessages();
  }

  /** msg_sec_check calls answered (not those failed by {@link #failNext}), oldest first. */
  public List<ContentCheck> contentChecks() {
    return engine.contentChecks();
  }

  /** Every request answered, oldest first, with what was answered. */
  public List<RecordedRequest> requests() {
    return engine.requests();
  }

  /** The requests answered on one path, oldest first. */
  public List<RecordedRequest> requests(String path) {
    return engine.requests().stream().filter(request -> request.path().equals(path)).toList();
  }

  /** Forgets recorded requests, messages, checks, token and ticket counts; apps, codes, tokens and tickets stay. */
  public void clearRecords() {
    engine.clearRecords();
  }
}
