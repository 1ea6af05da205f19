package io.edamame.testing.wechat.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.edamame.testing.wechat.ContentCheck;
import io.edamame.testing.wechat.RecordedRequest;
import io.edamame.testing.wechat.SentMessage;
import io.edamame.testing.wechat.WeChatUser;

/**
 * The state and the request handling behind {@code FakeWeChatServer}. Thread-safe: the maps are concurrent, and the
 * one-time things (codes) are taken with {@code remove}, so a code raced by two requests is used once.
 */
public final class FakeWeChatEngine {

  public static final String TOKEN_PATH = "/cgi-bin/token";
  public static final String STABLE_TOKEN_PATH = "/cgi-bin/stable_token";
  public static final String JSCODE2SESSION_PATH = "/sns/jscode2session";
  public static final String PHONE_NUMBER_PATH = "/wxa/business/getuserphonenumber";
  public static final String WXACODE_UNLIMIT_PATH = "/wxa/getwxacodeunlimit";
  public static final String SUBSCRIBE_SEND_PATH = "/cgi-bin/message/subscribe/send";
  public static final String MSG_SEC_CHECK_PATH = "/wxa/msg_sec_check";
  public static final String TEMPLATE_SEND_PATH = "/cgi-bin/message/template/send";
  public static final String OAUTH2_ACCESS_TOKEN_PATH = "/sns/oauth2/access_token";
  public static final String USERINFO_PATH = "/sns/userinfo";
  public static final String QRCODE_CREATE_PATH = "/cgi-bin/qrcode/create";
  public static final String SHOW_QRCODE_PATH = "/cgi-bin/showqrcode";
  public static final String GET_TICKET_PATH = "/cgi-bin/ticket/getticket";
  public static final String USER_INFO_PATH = "/cgi-bin/user/info";

  static final int TOKEN_LIFETIME_SECONDS = 7200;
  private static final String JSON = "application/json; encoding=utf-8"; // sic, what WeChat sends
  private static final int NORMAL_LABEL = 100;
  private static final Set<String> QR_ACTIONS = Set.of("QR_SCENE", "QR_STR_SCENE", "QR_LIMIT_SCENE",
      "QR_LIMIT_STR_SCENE");
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
  };

  private final ObjectMapper mapper = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();
  private final byte[] png = Png.square(16);

  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> tokenFetches = new ConcurrentHashMap<>();
  /** Valid app access tokens (from both token APIs) to their appid. */
  private final Map<String, String> appTokens = new ConcurrentHashMap<>();
  /** The current stable_token per appid, with its issue time. */
  private final Map<String, IssuedToken> stableTokens = new ConcurrentHashMap<>();
  /** One-time codes; keys are {@code appid + '\n' + code}. */
  private final Map<String, WeChatUser> loginCodes = new ConcurrentHashMap<>();
  private final Map<String, OAuthGrant> oauthCodes = new ConcurrentHashMap<>();
  private final Map<String, String[]> phoneCodes = new ConcurrentHashMap<>();
  /** Valid OAuth2 (web page authorization) access tokens. */
  private final Map<String, OAuthGrant> userTokens = new ConcurrentHashMap<>();
  private final Map<String, Integer> riskyWords = new ConcurrentHashMap<>();
  private final Map<String, Integer> reviewWords = new ConcurrentHashMap<>();
  private final Set<String> qrTickets = ConcurrentHashMap.newKeySet();
  /** The last JS-SDK ticket answered per appid, and how many were answered. */
  private final Map<String, String> jsapiTickets = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> ticketFetches = new ConcurrentHashMap<>();
  /** Users a service account knows (followers, current or former); keys are {@code appid + '\n' + openid}. */
  private final Map<String, Follower> followers = new ConcurrentHashMap<>();
  private final List<Fault> faults = new ArrayList<>();

  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong msgIds = new AtomicLong(1_000_000_000L);
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<SentMessage> subscribeMessages = new CopyOnWriteArrayList<>();
  private final List<SentMessage> templateMessages = new CopyOnWriteArrayList<>();
  private final List<ContentCheck> contentChecks = new CopyOnWriteArrayList<>();
  private volatile Duration latency = Duration.ZERO;

  private HttpServer server;
  private ExecutorService executor;

  private record IssuedToken(String token, long issuedAtNanos) {
  }

  private record OAuthGrant(String appid, WeChatUser user, String scope) {
  }

  /**
   * What {@code /cgi-bin/user/info} knows of one user of one service account. A QR scene that is a number is
   * answered as {@code qr_scene}, another as {@code qr_scene_str}, as the two kinds of parametric codes report.
   */
  private record Follower(WeChatUser user, boolean subscribed, long subscribeTime, String qrScene) {
  }

  private static final class Fault {
    final String path;
    final int errcode;
    int remaining;

    Fault(String path, int remaining, int errcode) {
      this.path = path;
      this.remaining = remaining;
      this.errcode = errcode;
    }
  }

  /** What one handler answers: a JSON object or an image, and the errcode to record. */
  private record Reply(String contentType, byte[] body, int errcode, String appid) {
  }

  // ---- lifecycle

  public synchronized URI start(int port) {
    if (server != null) {
      throw new IllegalStateException("already started on " + uri());
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
    // A pool, not one thread: with latency set, requests must not wait for each other.
    executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "fake-wechat");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return uri();
  }

  public synchronized URI uri() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
      executor = null;
    }
  }

  // ---- test controls

  public void registerApp(String appid, String secret) {
    secrets.put(appid, secret);
  }

  public void addLoginCode(String appid, String jsCode, WeChatUser user) {
    loginCodes.put(key(appid, jsCode), user);
  }

  public void addOAuthCode(String appid, String code, WeChatUser user, String scope) {
    oauthCodes.put(key(appid, code), new OAuthGrant(appid, user, scope));
  }

  public void addPhoneCode(String appid, String code, String countryCode, String purePhoneNumber) {
    phoneCodes.put(key(appid, code), new String[] {countryCode, purePhoneNumber});
  }

  public void addRiskyWord(String word, int label) {
    riskyWords.put(word, label);
  }

  public void addReviewWord(String word, int label) {
    reviewWords.put(word, label);
  }

  public void addFollower(String appid, WeChatUser user, long subscribeTime, String qrScene) {
    followers.put(key(appid, user.openid()), new Follower(user, true, subscribeTime, qrScene));
  }

  public void unfollow(String appid, String openid) {
    Follower follower = followers.computeIfPresent(key(appid, openid),
        (k, f) -> new Follower(f.user(), false, f.subscribeTime(), f.qrScene()));
    if (follower == null) {
      throw new IllegalArgumentException("no follower " + openid + " of " + appid + ": addFollower first");
    }
  }

  public void invalidateAccessTokens() {
    appTokens.clear();
    stableTokens.clear();
    userTokens.clear();
  }

  public void failNext(String path, int times, int errcode) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + times);
    }
    synchronized (faults) {
      faults.add(new Fault(path, times, errcode));
    }
  }

  public void setLatency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("negative latency: " + latency);
    }
    this.latency = latency;
  }

  public int tokenFetchCount(String appid) {
    AtomicInteger count = tokenFetches.get(appid);
    return count == null ? 0 : count.get();
  }

  public int ticketFetchCount(String appid) {
    AtomicInteger count = ticketFetches.get(appid);
    return count == null ? 0 : count.get();
  }

  public String jsapiTicket(String appid) {
    return jsapiTickets.get(appid);
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public List<SentMessage> subscribeMessages() {
    return List.copyOf(subscribeMessages);
  }

  public List<SentMessage> templateMessages() {
    return List.copyOf(templateMessages);
  }

  public List<ContentCheck> contentChecks() {
    return List.copyOf(contentChecks);
  }

  public void clearRecords() {
    requests.clear();
    subscribeMessages.clear();
    templateMessages.clear();
    contentChecks.clear();
    tokenFetches.clear();
    ticketFetches.clear();
  }

  // ---- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Duration delay = latency;
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
      byte[] rawBody;
      try (InputStream in = exchange.getRequestBody()) {
        rawBody = in.readAllBytes();
      }
      Map<String, Object> body = Map.of();
      Reply reply;
      int status = 200;
      try {
        body = parseBody(rawBody);
        Integer injected = takeFault(path);
        if (injected != null) {
          throw new WeChatException(injected);
        }
        reply = route(method, path, query, body);
        if (reply == null) {
          status = 404;
          reply = error(40066, null);
        }
      } catch (WeChatException e) {
        reply = error(e.errcode, appidOf(query));
      }
      requests.add(new RecordedRequest(sequence.incrementAndGet(), method, path, Map.copyOf(query),
          Collections.unmodifiableMap(body), reply.appid() != null ? reply.appid() : appidOf(query),
          reply.errcode()));
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.sendResponseHeaders(status, reply.body().length);
      exchange.getResponseBody().write(reply.body());
    }
  }

  private Reply route(String method, String path, Map<String, String> q, Map<String, Object> body)
      throws WeChatException {
    return switch (path) {
      case TOKEN_PATH -> token(q);
      case STABLE_TOKEN_PATH -> stableToken(requirePost(method, body));
      case JSCODE2SESSION_PATH -> jscode2session(q);
      case PHONE_NUMBER_PATH -> phoneNumber(appidFromToken(q), requirePost(method, body));
      case WXACODE_UNLIMIT_PATH -> wxacodeUnlimit(appidFromToken(q), requirePost(method, body));
      case SUBSCRIBE_SEND_PATH -> sendMessage(appidFromToken(q), requirePost(method, body), false);
      case TEMPLATE_SEND_PATH -> sendMessage(appidFromToken(q), requirePost(method, body), true);
      case MSG_SEC_CHECK_PATH -> msgSecCheck(appidFromToken(q), requirePost(method, body));
      case OAUTH2_ACCESS_TOKEN_PATH -> oauth2AccessToken(q);
      case USERINFO_PATH -> userinfo(q);
      case QRCODE_CREATE_PATH -> qrcodeCreate(appidFromToken(q), requirePost(method, body));
      case GET_TICKET_PATH -> getTicket(appidFromToken(q), q);
      case USER_INFO_PATH -> userInfo(appidFromToken(q), q);
      case SHOW_QRCODE_PATH -> qrTickets.contains(String.valueOf(q.get("ticket")))
          ? new Reply("image/jpeg", png, 0, null) : null; // the real one serves a JPEG; clients only save it
      default -> null;
    };
  }

  // ---- access tokens

  private Reply token(Map<String, String> q) throws WeChatException {
    if (!"client_credential".equals(q.get("grant_type"))) {
      throw new WeChatException(40002);
    }
    String appid = checkApp(q.get("appid"), q.get("secret"));
    String token = newToken(appid, "AT");
    return json(appid, Map.of("access_token", token, "expires_in", TOKEN_LIFETIME_SECONDS));
  }

  private Reply stableToken(Map<String, Object> body) throws WeChatException {
    if (!"client_credential".equals(body.get("grant_type"))) {
      throw new WeChatException(40002);
    }
    String appid = checkApp(string(body, "appid"), string(body, "secret"));
    boolean force = Boolean.TRUE.equals(body.get("force_refresh"));
    // Without force_refresh, stable_token answers the token still valid, with the seconds it has left.
    IssuedToken current = stableTokens.get(appid);
    long now = System.nanoTime();
    if (force || current == null || !appTokens.containsKey(current.token())) {
      current = new IssuedToken(newToken(appid, "STABLE"), now);
      stableTokens.put(appid, current);
    } else {
      tokenFetches.computeIfAbsent(appid, a -> new AtomicInteger()).incrementAndGet();
    }
    long left = TOKEN_LIFETIME_SECONDS - TimeUnit.NANOSECONDS.toSeconds(now - current.issuedAtNanos());
    return json(appid, Map.of("access_token", current.token(), "expires_in", Math.max(1, left)));
  }

  private String newToken(String appid, String kind) {
    String token = kind + "_" + appid + "_" + randomHex(24);
    appTokens.put(token, appid);
    tokenFetches.computeIfAbsent(appid, a -> new AtomicInteger()).incrementAndGet();
    return token;
  }

  private String appidFromToken(Map<String, String> q) throws WeChatException {
    String token = q.get("access_token");
    if (token == null || token.isEmpty()) {
      throw new WeChatException(41001);
    }
    String appid = appTokens.get(token);
    if (appid == null) {
      throw new WeChatException(40001);
    }
    return appid;
  }

  private String checkApp(String appid, String secret) throws WeChatException {
    if (appid == null || appid.isEmpty()) {
      throw new WeChatException(41002);
    }
    String expected = secrets.get(appid);
    if (expected == null) {
      throw new WeChatException(40013);
    }
    if (secret == null || secret.isEmpty()) {
      throw new WeChatException(41004);
    }
    if (!expected.equals(secret)) {
      throw new WeChatException(40125);
    }
    return appid;
  }

  // ---- mini-program

  private Reply jscode2session(Map<String, String> q) throws WeChatException {
    // WxJava 4.7 also sends an access_token here (it builds this call like the others); WeChat ignores it, so do we.
    String appid = checkApp(q.get("appid"), q.get("secret"));
    if (!"authorization_code".equals(q.get("grant_type"))) {
      throw new WeChatException(40002);
    }
    WeChatUser user = takeCode(loginCodes, appid, q.get("js_code"));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("session_key", randomBase64(16));
    answer.put("openid", user.openid());
    if (user.unionid() != null) {
      answer.put("unionid", user.unionid());
    }
    return json(appid, answer);
  }

  private Reply phoneNumber(String appid, Map<String, Object> body) throws WeChatException {
    String[] phone = takeCode(phoneCodes, appid, string(body, "code"));
    String countryCode = phone[0];
    String pure = phone[1];
    Map<String, Object> info = new LinkedHashMap<>();
    // "phoneNumber: numbers outside mainland China carry their area code" (WeChat's documentation).
    info.put("phoneNumber", "86".equals(countryCode) ? pure : "+" + countryCode + " " + pure);
    info.put("purePhoneNumber", pure);
    info.put("countryCode", countryCode);
    info.put("watermark", Map.of("timestamp", System.currentTimeMillis() / 1000, "appid", appid));
    return json(appid, ok(Map.of("phone_info", info)));
  }

  private Reply wxacodeUnlimit(String appid, Map<String, Object> body) throws WeChatException {
    String scene = string(body, "scene");
    if (scene == null || scene.isEmpty() || scene.length() > 32) {
      throw new WeChatException(40169);
    }
    return new Reply("image/png", png, 0, appid);
  }

  private Reply sendMessage(String appid, Map<String, Object> body, boolean template) throws WeChatException {
    String toUser = string(body, "touser");
    if (toUser == null || toUser.isEmpty()) {
      throw new WeChatException(40003);
    }
    String templateId = string(body, "template_id");
    if (templateId == null || templateId.isEmpty()) {
      throw new WeChatException(40037);
    }
    Map<String, Object> payload = Collections.unmodifiableMap(body);
    if (template) {
      long msgid = msgIds.incrementAndGet();
      templateMessages.add(new SentMessage(appid, toUser, templateId, msgid, payload));
      return json(appid, ok(Map.of("msgid", msgid)));
    }
    subscribeMessages.add(new SentMessage(appid, toUser, templateId, 0, payload));
    return json(appid, ok(Map.of()));
  }

  private Reply msgSecCheck(String appid, Map<String, Object> body) throws WeChatException {
    String content = string(body, "content");
    if (content == null) {
      throw new WeChatException(40097);
    }
    int version = "2".equals(string(body, "version")) ? 2 : 1;
    String suggest = "pass";
    int label = NORMAL_LABEL;
    String keyword = null;
    for (Map.Entry<String, Integer> word : riskyWords.entrySet()) {
      if (content.contains(word.getKey())) {
        suggest = "risky";
        label = word.getValue();
        keyword = word.getKey();
        break;
      }
    }
    if (keyword == null && version == 2) { // version 1 only knows risky or not
      for (Map.Entry<String, Integer> word : reviewWords.entrySet()) {
        if (content.contains(word.getKey())) {
          suggest = "review";
          label = word.getValue();
          keyword = word.getKey();
          break;
        }
      }
    }
    if (version == 1) {
      contentChecks.add(new ContentCheck(appid, 1, content, 0, null, suggest, label));
      if (keyword != null) {
        throw new WeChatException(87014);
      }
      return json(appid, ok(Map.of()));
    }
    String openid = string(body, "openid");
    if (openid == null || openid.isEmpty()) {
      throw new WeChatException(40003);
    }
    int scene = intValue(body.get("scene"));
    if (scene < 1 || scene > 4) {
      throw new WeChatException(40097);
    }
    contentChecks.add(new ContentCheck(appid, 2, content, scene, openid, suggest, label));
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("strategy", "keyword");
    detail.put("errcode", 0);
    detail.put("suggest", suggest);
    detail.put("label", label);
    if (keyword != null) {
      detail.put("keyword", keyword);
      detail.put("prob", 90);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("detail", List.of(detail));
    answer.put("trace_id", randomHex(8) + "-" + randomHex(4));
    answer.put("result", Map.of("suggest", suggest, "label", label));
    return json(appid, ok(answer));
  }

  // ---- service account

  private Reply oauth2AccessToken(Map<String, String> q) throws WeChatException {
    String appid = checkApp(q.get("appid"), q.get("secret"));
    if (!"authorization_code".equals(q.get("grant_type"))) {
      throw new WeChatException(40002);
    }
    OAuthGrant grant = takeCode(oauthCodes, appid, q.get("code"));
    String token = "OAUTH_" + randomHex(24);
    userTokens.put(token, grant);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", token);
    answer.put("expires_in", TOKEN_LIFETIME_SECONDS);
    answer.put("refresh_token", "REFRESH_" + randomHex(24));
    answer.put("openid", grant.user().openid());
    answer.put("scope", grant.scope());
    if (grant.user().unionid() != null) {
      answer.put("unionid", grant.user().unionid());
    }
    return json(appid, answer);
  }

  private Reply userinfo(Map<String, String> q) throws WeChatException {
    String token = q.get("access_token");
    if (token == null || token.isEmpty()) {
      throw new WeChatException(41001);
    }
    OAuthGrant grant = userTokens.get(token);
    if (grant == null) {
      throw new WeChatException(40001);
    }
    WeChatUser user = grant.user();
    if (!user.openid().equals(q.get("openid"))) {
      throw new WeChatException(40003);
    }
    if (!grant.scope().contains("snsapi_userinfo")) {
      throw new WeChatException(48001);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("openid", user.openid());
    answer.put("nickname", user.nickname() == null ? "" : user.nickname());
    // Since 2021 WeChat no longer gives sex and region: 0 and empty strings.
    answer.put("sex", 0);
    answer.put("province", "");
    answer.put("city", "");
    answer.put("country", "");
    answer.put("headimgurl", user.headImgUrl() == null ? "" : user.headImgUrl());
    answer.put("privilege", List.of());
    if (user.unionid() != null) {
      answer.put("unionid", user.unionid());
    }
    return json(grant.appid(), answer);
  }

  private Reply qrcodeCreate(String appid, Map<String, Object> body) throws WeChatException {
    String action = string(body, "action_name");
    if (action == null || !QR_ACTIONS.contains(action)) {
      throw new WeChatException(40097);
    }
    Object scene = body.get("action_info") instanceof Map<?, ?> info && info.get("scene") instanceof Map<?, ?> s
        ? s.get(action.contains("STR") ? "scene_str" : "scene_id") : null;
    if (scene == null || scene.toString().isEmpty()) {
      throw new WeChatException(40097);
    }
    String ticket = "gQ" + randomHex(30);
    qrTickets.add(ticket);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("ticket", ticket);
    if (!action.startsWith("QR_LIMIT")) {
      // Temporary codes: 60 s unless asked, at most 30 days.
      int expire = body.containsKey("expire_seconds") ? intValue(body.get("expire_seconds")) : 60;
      answer.put("expire_seconds", Math.min(Math.max(expire, 1), 2_592_000));
    }
    answer.put("url", "http://weixin.qq.com/q/" + ticket.substring(2, 24));
    return json(appid, answer);
  }

  private Reply getTicket(String appid, Map<String, String> q) throws WeChatException {
    // Only the JS-SDK ticket; wx_card tickets (the card API) are not faked.
    if (!"jsapi".equals(q.get("type"))) {
      throw new WeChatException(40097);
    }
    // A new ticket on every fetch, so that a test sees whether the code under test caches it (WeChat rate-limits
    // this call and asks callers to cache the ticket for its 7200 s).
    String ticket = "JSAPI_" + randomHex(24);
    jsapiTickets.put(appid, ticket);
    ticketFetches.computeIfAbsent(appid, a -> new AtomicInteger()).incrementAndGet();
    return json(appid, ok(Map.of("ticket", ticket, "expires_in", TOKEN_LIFETIME_SECONDS)));
  }

  private Reply userInfo(String appid, Map<String, String> q) throws WeChatException {
    String openid = q.get("openid");
    if (openid == null || openid.isEmpty()) {
      throw new WeChatException(41009);
    }
    Follower follower = followers.get(key(appid, openid));
    if (follower == null) {
      throw new WeChatException(40003);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    // "subscribe 0: the user does not follow the account, and nothing else can be fetched" (WeChat's documentation).
    answer.put("subscribe", follower.subscribed() ? 1 : 0);
    answer.put("openid", openid);
    if (!follower.subscribed()) {
      answer.put("tagid_list", List.of());
      return json(appid, answer);
    }
    // No nickname, headimgurl or language: WeChat stopped giving them here at the end of 2021.
    answer.put("subscribe_time", follower.subscribeTime());
    if (follower.user().unionid() != null) {
      answer.put("unionid", follower.user().unionid());
    }
    answer.put("remark", "");
    answer.put("groupid", 0);
    answer.put("tagid_list", List.of());
    String scene = follower.qrScene();
    answer.put("subscribe_scene", scene == null ? "ADD_SCENE_OTHERS" : "ADD_SCENE_QR_CODE");
    boolean numeric = scene != null && scene.matches("[0-9]{1,9}");
    answer.put("qr_scene", numeric ? Integer.parseInt(scene) : 0);
    answer.put("qr_scene_str", scene == null || numeric ? "" : scene);
    return json(appid, answer);
  }

  // ---- helpers

  private static String key(String appid, String code) {
    return appid + '\n' + code;
  }

  private static <T> T takeCode(Map<String, T> codes, String appid, String code) throws WeChatException {
    if (code == null || code.isEmpty()) {
      throw new WeChatException(41008);
    }
    T value = codes.remove(key(appid, code)); // one-time, as WeChat's codes are
    if (value == null) {
      throw new WeChatException(40029);
    }
    return value;
  }

  private Integer takeFault(String path) {
    synchronized (faults) {
      for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
        Fault fault = it.next();
        if (fault.path.equals(path)) {
          if (--fault.remaining == 0) {
            it.remove();
          }
          return fault.errcode;
        }
      }
    }
    return null;
  }

  private static Map<String, Object> requirePost(String method, Map<String, Object> body) throws WeChatException {
    if (!"POST".equals(method)) {
      throw new WeChatException(43002);
    }
    return body;
  }

  private String appidOf(Map<String, String> query) {
    String appid = query.get("appid");
    if (appid != null) {
      return appid;
    }
    String token = query.get("access_token");
    return token == null ? null : appTokens.get(token);
  }

  private Map<String, Object> parseBody(byte[] raw) throws WeChatException {
    if (raw.length == 0) {
      return Map.of();
    }
    try {
      return mapper.readValue(raw, MAP);
    } catch (IOException e) {
      throw new WeChatException(47001);
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.put(name, value);
    }
    return query;
  }

  private static String string(Map<String, Object> body, String name) {
    Object value = body.get(name);
    return value == null ? null : value.toString();
  }

  private static int intValue(Object value) {
    if (value instanceof Number number) {
      return number.intValue();
    }
    try {
      return value == null ? 0 : Integer.parseInt(value.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Map<String, Object> ok(Map<String, Object> fields) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("errcode", 0);
    answer.put("errmsg", "ok");
    answer.putAll(fields);
    return answer;
  }

  private Reply json(String appid, Map<String, Object> answer) {
    try {
      return new Reply(JSON, mapper.writeValueAsBytes(answer), 0, appid);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + answer, e);
    }
  }

  private Reply error(int errcode, String appid) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("errcode", errcode);
    answer.put("errmsg", WeChatErrors.message(errcode) + ", rid: " + randomHex(4) + "-" + randomHex(4));
    Reply reply = json(appid, answer);
    return new Reply(reply.contentType(), reply.body(), errcode, appid);
  }

  private String randomHex(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  private String randomBase64(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return java.util.Base64.getEncoder().encodeToString(value);
  }
}
