package io.edamame.testing.kurento.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The server side of the RFC 6455 opening handshake (section 4.2): reads the HTTP upgrade request and decides the
 * answer. Anything that is not a well-formed WebSocket version 13 upgrade to our path is refused with an HTTP error,
 * so a client pointed at the wrong URL fails loudly instead of hanging.
 */
final class WebSocketHandshake {

  /** RFC 6455 section 1.3: appended to the client's key before hashing. */
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** Longest request head we read; a browser's is well under 2 KiB. */
  static final int MAX_HEAD_BYTES = 8192;

  /** The outcome: the response head to write, and whether the connection continues as a WebSocket. */
  record Result(boolean accepted, String response) {
  }

  private WebSocketHandshake() {
  }

  static Result answer(InputStream in, String expectedPath) throws IOException {
    String head = readHead(in);
    if (head == null) {
      return refuse(400, "Bad Request", "Request head missing or longer than " + MAX_HEAD_BYTES + " bytes");
    }
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      return refuse(400, "Bad Request", "Malformed request line");
    }
    if (!"GET".equals(requestLine[0])) {
      return refuse(400, "Bad Request", "A WebSocket upgrade is a GET");
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        return refuse(400, "Bad Request", "Malformed header line");
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    String path = requestLine[1];
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    if (!path.equals(expectedPath)) {
      return refuse(404, "Not Found", "No WebSocket endpoint at " + path + "; the media server listens on "
          + expectedPath);
    }
    if (!headers.containsKey("host")) {
      return refuse(400, "Bad Request", "Host header missing");
    }
    if (!containsToken(headers.get("upgrade"), "websocket")) {
      return refuse(400, "Bad Request", "Upgrade: websocket missing");
    }
    if (!containsToken(headers.get("connection"), "upgrade")) {
      return refuse(400, "Bad Request", "Connection: Upgrade missing");
    }
    String key = headers.get("sec-websocket-key");
    if (key == null || !isValidKey(key)) {
      return refuse(400, "Bad Request", "Sec-WebSocket-Key missing or not 16 base64-encoded bytes");
    }
    if (!"13".equals(headers.get("sec-websocket-version"))) {
      // RFC 6455 section 4.4: tell the client which version we speak.
      return new Result(false, "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    }
    // No extension is accepted (kurento-client offers permessage-deflate), so frames stay uncompressed and RSV
    // bits must stay clear.
    return new Result(true, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + acceptFor(key) + "\r\n\r\n");
  }

  static String acceptFor(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-1", e);
    }
  }

  private static boolean isValidKey(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean containsToken(String headerValue, String token) {
    if (headerValue == null) {
      return false;
    }
    for (String part : headerValue.split(",")) {
      if (part.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  /** Reads up to and excluding the blank line; leaves whatever follows in the stream. Null when too long or cut. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (head.size() < MAX_HEAD_BYTES) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
      }
    }
    return null;
  }

  private static Result refuse(int status, String reason, String message) {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    return new Result(false, "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + message);
  }
}
