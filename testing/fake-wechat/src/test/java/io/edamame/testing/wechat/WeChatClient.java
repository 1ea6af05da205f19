package io.edamame.testing.wechat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The raw HTTP a WeChat client library sends, with java.net.http, so that the tests see the wire. */
final class WeChatClient {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;

  WeChatClient(URI base) {
    this.base = base;
  }

  HttpResponse<byte[]> getRaw(String pathAndQuery) {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET().build());
  }

  HttpResponse<byte[]> postRaw(String pathAndQuery, Object body) {
    try {
      return send(HttpRequest.newBuilder(base.resolve(pathAndQuery))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body))).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> get(String pathAndQuery) {
    return json(getRaw(pathAndQuery));
  }

  Map<String, Object> post(String pathAndQuery, Object body) {
    return json(postRaw(pathAndQuery, body));
  }

  /** A fresh app access token, the way WxJava fetches one. */
  String token(String appid, String secret) {
    return (String) get("/cgi-bin/token?grant_type=client_credential&appid=" + appid + "&secret=" + secret)
        .get("access_token");
  }

  static Map<String, Object> json(HttpResponse<byte[]> response) {
    try {
      return MAPPER.readValue(response.body(), new TypeReference<Map<String, Object>>() {
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int errcode(Map<String, Object> answer) {
    Object errcode = answer.get("errcode");
    return errcode == null ? 0 : ((Number) errcode).intValue();
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
