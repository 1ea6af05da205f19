package io.edamame.testing.wechat;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * What WeChat sends to a service account's message endpoint (the "server URL" of its basic configuration), built and
 * signed the way WeChat's Official Account documentation describes, and the checking and decoding of what the
 * endpoint answers. The {@link FakeWeChatServer} answers the calls the platform makes; this class plays WeChat calling
 * the platform, so the test sends what it builds to the platform's endpoint itself, with any HTTP client:
 *
 * <pre>{@code
 * WeChatPushes wechat = new WeChatPushes("token", WeChatPushes.newEncodingAesKey(), "wxmp000001", "gh_0123456789ab");
 * String event = wechat.qrSubscribeEvent("o-ann", "room-42", "gQ...", 1_700_000_000L);
 * WeChatPushes.Push push = wechat.encrypted(event, 1_700_000_000L, "nonce-1");
 * HttpResponse<String> answer = http.send(HttpRequest.newBuilder(push.uri(endpoint))
 *     .header("Content-Type", WeChatPushes.CONTENT_TYPE)
 *     .POST(BodyPublishers.ofString(push.body())).build(), BodyHandlers.ofString());
 * Map<String, String> reply = wechat.decryptReply(answer.body());
 * assertEquals("o-ann", reply.get("ToUserName"));
 * }</pre>
 *
 * <p>It is written from the documentation alone (JDK {@code javax.crypto}, {@code MessageDigest} and DOM), not with
 * WxJava: it is the independent other side that checks the platform's use of WxJava, so a mistake shared by both
 * sides would go unseen. In particular it checks the appid at the end of an encrypted reply, which WxJava's {@code
 * WxCryptUtil} does not check on what it decrypts (the check is commented out in its sources).
 *
 * <p>The signatures ({@code signature}, {@code msg_signature}): the SHA-1, in lower-case hex, of the concatenation
 * of the token, the timestamp, the nonce (and for {@code msg_signature} the {@code Encrypt} value), sorted as
 * strings. Safe (AES) mode: the AES key is the Base64 decoding of the EncodingAESKey plus {@code "="} (32 bytes);
 * AES-256-CBC with the first 16 bytes of the key as IV; the plaintext is 16 random bytes, the length of the message
 * in 4 bytes big-endian, the message in UTF-8 and the appid, padded PKCS#7-style to a multiple of 32 bytes (not the
 * cipher's 16); the result in Base64.
 *
 * <p>Immutable and thread-safe. XML is read with a DOM parser that refuses DOCTYPEs, so no external entity.
 */
public final class WeChatPushes {

  /** The {@code Content-Type} of WeChat's POSTs to the endpoint, and of the XML replies it expects. */
  public static final String CONTENT_TYPE = "text/xml";

  /** WeChat's pad: PKCS#7, but to blocks of 32 bytes. */
  private static final int PAD_BLOCK = 32;
  private static final int RANDOM_BYTES = 16;
  /** The parser's default handler also prints "[Fatal Error]" to stderr; the exception says it all. */
  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException exception) {
    }

    @Override
    public void error(SAXParseException exception) throws SAXException {
      throw exception;
    }

    @Override
    public void fatalError(SAXParseException exception) throws SAXException {
      throw exception;
    }
  };

  private final String token;
  private final byte[] aesKey;
  private final String appid;
  private final String originalId;
  private final SecureRandom random = new SecureRandom();

  /**
   * One request of WeChat to the endpoint: the query parameters, in the order WeChat sends them, and the XML body
   * ({@code null} for the GET verification).
   */
  public record Push(Map<String, String> query, String body) {

    public Push {
      query = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(query, "query")));
    }

    /** The query, URL-encoded, without the {@code ?}: {@code signature=...&timestamp=...&nonce=...}. */
    public String queryString() {
      return query.entrySet().stream()
          .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
          .collect(Collectors.joining("&"));
    }

    /** The endpoint's URI with this query appended (after its own query, if it has one). */
    public URI uri(URI endpoint) {
      String uri = endpoint.toString();
      int hash = uri.indexOf('#');
      if (hash >= 0) {
        uri = uri.substring(0, hash);
      }
      return URI.create(uri + (endpoint.getRawQuery() == null ? "?" : "&") + queryString());
    }

    /** A copy with one query parameter set to {@code value}, or removed if {@code value} is {@code null}. */
    public Push withQuery(String name, String value) {
      Map<String, String> changed = new LinkedHashMap<>(query);
      if (value == null) {
        changed.remove(name);
      } else {
        changed.put(name, value);
      }
      return new Push(changed, body);
    }

    /** A copy with another body and the same query: e.g. a message changed after it was signed. */
    public Push withBody(String otherBody) {
      return new Push(query, otherBody);
    }

    /**
     * A copy whose {@code signature} and {@code msg_signature} (where present) are well-formed but wrong: one hex
     * digit changed. What an endpoint that checks signatures must refuse.
     */
    public Push forged() {
      Push forged = this;
      for (String name : List.of("signature", "msg_signature")) {
        String value = query.get(name);
        if (value != null && !value.isEmpty()) {
          char last = value.charAt(value.length() - 1);
          forged = forged.withQuery(name, value.substring(0, value.length() - 1) + (last == '0' ? '1' : '0'));
        }
      }
      return forged;
    }

    private static String encode(String value) {
      return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
  }

  /**
   * @param token the token of the service account's server configuration
   * @param encodingAesKey its EncodingAESKey (43 characters of Base64, see {@link #newEncodingAesKey()}), or {@code
   *     null} for an account in plaintext mode: then nothing can be encrypted or decrypted
   * @param appid the service account's appid, the trailer of every encrypted message
   * @param originalId its original id, {@code gh_...}: the {@code ToUserName} of what WeChat pushes
   * @throws IllegalArgumentException if the EncodingAESKey is not 43 characters decoding to 32 bytes
   */
  public WeChatPushes(String token, String encodingAesKey, String appid, String originalId) {
    this.token = Objects.requireNonNull(token, "token");
    this.appid = Objects.requireNonNull(appid, "appid");
    this.originalId = Objects.requireNonNull(originalId, "originalId");
    this.aesKey = encodingAesKey == null ? null : aesKey(encodingAesKey);
  }

  private static byte[] aesKey(String encodingAesKey) {
    if (encodingAesKey.length() != 43) {
      throw new IllegalArgumentException("an EncodingAESKey has 43 characters, not " + encodingAesKey.length());
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(encodingAesKey + "=");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the EncodingAESKey is not Base64: " + e.getMessage(), e);
    }
    if (key.length != 32) {
      throw new IllegalArgumentException("the EncodingAESKey decodes to " + key.length + " bytes, not 32");
    }
    return key;
  }

  /**
   * A new random EncodingAESKey: 43 characters, as the Official Account platform generates them (letters and digits
   * only, since the 32 bytes are drawn again until their Base64 has neither {@code +} nor {@code /}).
   */
  public static String newEncodingAesKey() {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    while (true) {
      random.nextBytes(key);
      String encoded = Base64.getEncoder().withoutPadding().encodeToString(key);
      if (encoded.chars().allMatch(Character::isLetterOrDigit)) {
        return encoded;
      }
    }
  }

  public String token() {
    return token;
  }

  public String appid() {
    return appid;
  }

  public String originalId() {
    return originalId;
  }

  /** Whether this account has an EncodingAESKey, so that {@link #encrypted} and encrypted replies work. */
  public boolean safeMode() {
    return aesKey != null;
  }

  // ---- the GET that verifies the server URL

  /**
   * The GET WeChat sends when the server URL is saved: {@code signature}, {@code echostr}, {@code timestamp}, {@code
   * nonce}. An endpoint that accepts it answers the echostr as it is, and nothing else.
   */
  public Push verification(String echostr, long timestamp, String nonce) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("signature", signature(token, Long.toString(timestamp), nonce));
    query.put("echostr", Objects.requireNonNull(echostr, "echostr"));
    query.put("timestamp", Long.toString(timestamp));
    query.put("nonce", nonce);
    return new Push(query, null);
  }

  /** The same GET with a wrong signature, as from someone who does not know the token: to be refused. */
  public Push forgedVerification(String echostr, long timestamp, String nonce) {
    return verification(echostr, timestamp, nonce).forged();
  }

  // ---- messages (plaintext XML, as in plaintext mode or inside Encrypt)

  /** A user followed the account (not from a parametric QR code): {@code MsgType event}, {@code Event subscribe}. */
  public String subscribeEvent(String openid, long createTime) {
    return message(openid, createTime, "event", "Event", "subscribe");
  }

  /**
   * A user who did not follow the account scanned a parametric QR code and followed it: {@code Event subscribe},
   * {@code EventKey qrscene_<scene>} and the code's {@code Ticket}.
   */
  public String qrSubscribeEvent(String openid, String scene, String ticket, long createTime) {
    return message(openid, createTime, "event", "Event", "subscribe", "EventKey", "qrscene_" + scene,
        "Ticket", ticket);
  }

  /**
   * A user who already follows the account scanned a parametric QR code: {@code Event SCAN}, {@code EventKey
   * <scene>} (without the {@code qrscene_} prefix) and the code's {@code Ticket}.
   */
  public String scanEvent(String openid, String scene, String ticket, long createTime) {
    return message(openid, createTime, "event", "Event", "SCAN", "EventKey", scene, "Ticket", ticket);
  }

  /** A user stopped following the account: {@code Event unsubscribe}. */
  public String unsubscribeEvent(String openid, long createTime) {
    return message(openid, createTime, "event", "Event", "unsubscribe");
  }

  /** A text message of a user: {@code MsgType text}, {@code Content}, {@code MsgId}. */
  public String textMessage(String openid, String content, long msgId, long createTime) {
    return message(openid, createTime, "text", "Content", content, "MsgId", msgId);
  }

  /** {@code ToUserName} the account, {@code FromUserName} the user, then the given elements; numbers stay bare. */
  private String message(String openid, long createTime, String msgType, Object... elements) {
    StringBuilder xml = new StringBuilder("<xml>");
    element(xml, "ToUserName", originalId);
    element(xml, "FromUserName", Objects.requireNonNull(openid, "openid"));
    element(xml, "CreateTime", createTime);
    element(xml, "MsgType", msgType);
    for (int i = 0; i < elements.length; i += 2) {
      element(xml, (String) elements[i], Objects.requireNonNull(elements[i + 1], (String) elements[i]));
    }
    return xml.append("</xml>").toString();
  }

  private static void element(StringBuilder xml, String name, Object value) {
    xml.append('<').append(name).append('>');
    if (value instanceof Number) {
      xml.append(value);
    } else {
      // A "]]>" inside the text ends one CDATA section and starts the next, so any text survives.
      xml.append("<![CDATA[").append(value.toString().replace("]]>", "]]]]><![CDATA[>")).append("]]>");
    }
    xml.append("</").append(name).append('>');
  }

  // ---- POSTs

  /**
   * The POST of {@code xml} in plaintext mode: query {@code signature}, {@code timestamp}, {@code nonce} and {@code
   * openid} (the message's {@code FromUserName}, left out if it has none), body the XML as it is.
   */
  public Push plaintext(String xml, long timestamp, String nonce) {
    return new Push(baseQuery(xml, timestamp, nonce), xml);
  }

  /**
   * The POST of {@code xml} in safe mode: the query of {@link #plaintext} plus {@code encrypt_type=aes} and {@code
   * msg_signature}, body {@code <xml><ToUserName>gh_...</ToUserName><Encrypt>...</Encrypt></xml>}.
   *
   * @throws IllegalStateException without an EncodingAESKey
   */
  public Push encrypted(String xml, long timestamp, String nonce) {
    String encrypt = encrypt(xml);
    Map<String, String> query = baseQuery(xml, timestamp, nonce);
    query.put("encrypt_type", "aes");
    query.put("msg_signature", signature(token, Long.toString(timestamp), nonce, encrypt));
    StringBuilder body = new StringBuilder("<xml>");
    element(body, "ToUserName", originalId);
    element(body, "Encrypt", encrypt);
    return new Push(query, body.append("</xml>").toString());
  }

  private Map<String, String> baseQuery(String xml, long timestamp, String nonce) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("signature", signature(token, Long.toString(timestamp), Objects.requireNonNull(nonce, "nonce")));
    query.put("timestamp", Long.toString(timestamp));
    query.put("nonce", nonce);
    String openid = xmlFields(xml).get("FromUserName");
    if (openid != null) {
      query.put("openid", openid);
    }
    return query;
  }

  // ---- replies of the endpoint

  /**
   * The fields of the endpoint's reply: a plain XML reply as it is, an encrypted one ({@code <Encrypt>}) after its
   * {@code MsgSignature} was checked and it was decrypted (see {@link #decryptReply}). An empty body or {@code
   * success}, which WeChat takes as "no reply", gives an empty map. Fields are as {@link #xmlFields} reads them.
   *
   * @throws IllegalArgumentException if the body is not XML, or an encrypted reply does not check out
   */
  public Map<String, String> decodeReply(String body) {
    if (isNoReply(body)) {
      return Map.of();
    }
    Map<String, String> outer = xmlFields(body);
    return outer.containsKey("Encrypt") ? decryptFields(outer) : outer;
  }

  /**
   * The fields of an encrypted reply, {@code <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>}: checks that
   * {@code MsgSignature} is the signature of the token, {@code TimeStamp}, {@code Nonce} and {@code Encrypt}, decrypts
   * {@code Encrypt}, checks the appid trailer and reads the XML inside. An empty body or {@code success} gives an
   * empty map, as WeChat takes it as "no reply".
   *
   * @throws IllegalArgumentException if the reply is plain XML, if a field is missing, if the signature, the padding,
   *     the length or the appid is wrong
   * @throws IllegalStateException without an EncodingAESKey
   */
  public Map<String, String> decryptReply(String body) {
    if (isNoReply(body)) {
      return Map.of();
    }
    Map<String, String> outer = xmlFields(body);
    if (!outer.containsKey("Encrypt")) {
      throw new IllegalArgumentException("the reply is not encrypted: " + body);
    }
    return decryptFields(outer);
  }

  private static boolean isNoReply(String body) {
    return body == null || body.isBlank() || body.strip().equals("success");
  }

  private Map<String, String> decryptFields(Map<String, String> outer) {
    String encrypt = outer.get("Encrypt");
    String msgSignature = required(outer, "MsgSignature");
    String timestamp = required(outer, "TimeStamp");
    String nonce = required(outer, "Nonce");
    String expected = signature(token, timestamp, nonce, encrypt);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        msgSignature.strip().getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("wrong MsgSignature " + msgSignature + ", expected " + expected);
    }
    return xmlFields(decrypt(encrypt));
  }

  private static String required(Map<String, String> fields, String name) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("the encrypted reply has no " + name + ": " + fields.keySet());
    }
    return value;
  }

  // ---- AES

  /**
   * {@code message} encrypted as WeChat does it, with 16 fresh random bytes in front: the value of an {@code
   * Encrypt} element.
   *
   * @throws IllegalStateException without an EncodingAESKey
   */
  public String encrypt(String message) {
    byte[] prefix = new byte[RANDOM_BYTES];
    random.nextBytes(prefix);
    return encrypt(prefix, message);
  }

  /** {@link #encrypt(String)} with the 16 leading bytes chosen by the caller, for known-answer tests. */
  String encrypt(byte[] prefix, String message) {
    if (prefix.length != RANDOM_BYTES) {
      throw new IllegalArgumentException("the random prefix has 16 bytes, not " + prefix.length);
    }
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    byte[] trailer = appid.getBytes(StandardCharsets.UTF_8);
    int length = RANDOM_BYTES + 4 + text.length + trailer.length;
    int pad = PAD_BLOCK - length % PAD_BLOCK; // 1 to 32: a full block of padding when already aligned
    ByteBuffer plain = ByteBuffer.allocate(length + pad);
    plain.put(prefix).putInt(text.length).put(text).put(trailer);
    while (plain.hasRemaining()) {
      plain.put((byte) pad);
    }
    return Base64.getEncoder().encodeToString(cipher(Cipher.ENCRYPT_MODE, plain.array()));
  }

  /**
   * The message inside an {@code Encrypt} value: decrypts, checks the padding (1 to 32 bytes of its own length) and
   * the length field, and that the trailer is this account's appid.
   *
   * @throws IllegalArgumentException if any of these is wrong
   * @throws IllegalStateException without an EncodingAESKey
   */
  public String decrypt(String encrypt) {
    byte[] encrypted;
    try {
      encrypted = Base64.getDecoder().decode(encrypt.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Encrypt is not Base64", e);
    }
    if (encrypted.length == 0 || encrypted.length % PAD_BLOCK != 0) {
      throw new IllegalArgumentException("Encrypt has " + encrypted.length + " bytes, not a multiple of 32");
    }
    byte[] plain = cipher(Cipher.DECRYPT_MODE, encrypted);
    int pad = plain[plain.length - 1] & 0xff;
    if (pad < 1 || pad > PAD_BLOCK) {
      throw new IllegalArgumentException("bad padding byte " + pad + ": wrong key, or not padded to 32 bytes");
    }
    for (int i = plain.length - pad; i < plain.length; i++) {
      if ((plain[i] & 0xff) != pad) {
        throw new IllegalArgumentException("bad padding: " + pad + " bytes of " + pad + " expected");
      }
    }
    int end = plain.length - pad;
    if (end < RANDOM_BYTES + 4) {
      throw new IllegalArgumentException("too short for the random bytes and the length: " + end + " bytes");
    }
    int length = ByteBuffer.wrap(plain, RANDOM_BYTES, 4).getInt();
    int start = RANDOM_BYTES + 4;
    if (length < 0 || length > end - start) {
      throw new IllegalArgumentException("the length field says " + length + " bytes, there are " + (end - start));
    }
    String trailer = new String(plain, start + length, end - start - length, StandardCharsets.UTF_8);
    if (!trailer.equals(appid)) {
      throw new IllegalArgumentException("the message was encrypted for appid '" + trailer + "', not " + appid);
    }
    return new String(plain, start, length, StandardCharsets.UTF_8);
  }

  private byte[] cipher(int mode, byte[] input) {
    if (aesKey == null) {
      throw new IllegalStateException("no EncodingAESKey: this account is in plaintext mode");
    }
    try {
      // NoPadding: the 32-byte pad is WeChat's own, done above; PKCS5Padding would add or strip a 16-byte one.
      Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
      cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(aesKey, 0, 16));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-CBC failed", e);
    }
  }

  // ---- helpers for tests

  /**
   * WeChat's signature of the given strings: sorted as strings, concatenated, SHA-1, lower-case hex. {@code
   * signature} is that of (token, timestamp, nonce); {@code msg_signature} and a reply's {@code MsgSignature} that of
   * (token, timestamp, nonce, Encrypt).
   */
  public static String signature(String... parts) {
    String[] sorted = parts.clone();
    for (String part : sorted) {
      Objects.requireNonNull(part, "a signed value is null");
    }
    Arrays.sort(sorted);
    try {
      byte[] joined = String.join("", sorted).getBytes(StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(joined);
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /**
   * The fields of a WeChat XML message ({@code <xml>...</xml>}), in document order: each leaf element's text (CDATA
   * or not) under its name, e.g. {@code ToUserName}, {@code MsgType}, {@code Content}. Nested elements are named by
   * their path with dots ({@code Image.MediaId}); names repeated among siblings are numbered from 0 ({@code
   * Articles.item[0].Title}, {@code Articles.item[1].Title}), a single one is not ({@code Articles.item.Title}).
   *
   * @throws IllegalArgumentException if it is not well-formed XML, or has a DOCTYPE (refused, so that no entity is
   *     ever resolved)
   */
  public static Map<String, String> xmlFields(String xml) {
    Element root = parse(Objects.requireNonNull(xml, "xml")).getDocumentElement();
    Map<String, String> fields = new LinkedHashMap<>();
    flatten(root, "", fields);
    return Collections.unmodifiableMap(fields);
  }

  private static void flatten(Element parent, String prefix, Map<String, String> fields) {
    List<Element> children = childElements(parent);
    Map<String, Integer> counts = new HashMap<>();
    for (Element child : children) {
      counts.merge(child.getTagName(), 1, Integer::sum);
    }
    Map<String, Integer> seen = new HashMap<>();
    for (Element child : children) {
      String name = child.getTagName();
      if (counts.get(name) > 1) {
        name += "[" + (seen.merge(name, 1, Integer::sum) - 1) + "]";
      }
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if (childElements(child).isEmpty()) {
        fields.put(path, child.getTextContent());
      } else {
        flatten(child, path, fields);
      }
    }
  }

  private static List<Element> childElements(Element parent) {
    List<Element> children = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element) {
        children.add(element);
      }
    }
    return children;
  }

  private static Document parse(String xml) {
    try {
      DocumentBuilder builder = newFactory().newDocumentBuilder();
      builder.setErrorHandler(THROWING);
      return builder.parse(new InputSource(new StringReader(xml)));
    } catch (SAXException | IOException e) {
      throw new IllegalArgumentException("not a WeChat XML message: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's DOM parser cannot be made safe", e);
    }
  }

  private static DocumentBuilderFactory newFactory() throws ParserConfigurationException {
    // The JDK's own parser, not whichever one the OSGi framework or the class path would find first.
    DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
    // No DOCTYPE at all: no external entities, no entity expansion (OWASP's XXE advice for DOM).
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    factory.setCoalescing(true);
    return factory;
  }
}
