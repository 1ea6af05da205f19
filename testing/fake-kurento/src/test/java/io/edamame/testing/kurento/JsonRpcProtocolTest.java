package io.edamame.testing.kurento;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Kurento's JSON-RPC as KMS answers it, request by request on a raw WebSocket. */
class JsonRpcProtocolTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeKurentoServer kms;
  private RawWebSocketClient client;

  @BeforeEach
  void start() throws IOException {
    kms = new FakeKurentoServer();
    kms.start();
    client = RawWebSocketClient.connect(kms.uri());
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    kms.close();
  }

  static JsonNode parse(String message) throws IOException {
    return JSON.readTree(message);
  }

  /** The {@code result.value} of a response, as text. */
  static String value(String response) throws IOException {
    JsonNode value = parse(response).path("result").path("value");
    if (value.isMissingNode()) {
      throw new AssertionError("No result value in " + response);
    }
    return value.asText();
  }

  private JsonNode call(RawWebSocketClient on, int id, String method, String params) throws IOException {
    on.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
        + (params == null ? "" : ",\"params\":" + params) + "}");
    JsonNode response = parse(on.readText());
    assertEquals(id, response.path("id").asInt(), response.toString());
    return response;
  }

  private JsonNode call(int id, String method, String params) throws IOException {
    return call(client, id, method, params);
  }

  @Test
  void connectWithoutASessionOpensOneAndNamesTheServer() throws IOException {
    JsonNode result = call(1, "connect", null).path("result");

    assertTrue(result.path("sessionId").asText().matches("[0-9a-f-]{36}"), result.toString());
    assertEquals(kms.serverId(), result.path("serverId").asText());
  }

  @Test
  void connectNamingASessionThisServerDoesNotKnowIsInvalidSession() throws IOException {
    JsonNode error = call(1, "connect", "{\"sessionId\":\"from-another-server\"}").path("error");

    assertEquals(40007, error.path("code").asInt());
    assertEquals("INVALID_SESSION", error.path("data").path("type").asText());
  }

  @Test
  void connectNamingAKnownSessionResumesIt() throws IOException {
    String session = call(1, "create", "{\"type\":\"MediaPipeline\",\"constructorParams\":{}}")
        .path("result").path("sessionId").asText();

    try (RawWebSocketClient second = RawWebSocketClient.connect(kms.uri())) {
      JsonNode result = call(second, 1, "connect", "{\"sessionId\":\"" + session + "\"}").path("result");

      assertEquals(session, result.path("sessionId").asText());
    }
  }

  @Test
  void pingAnswersPongAndEchoesTheSession() throws IOException {
    assertEquals("{\"value\":\"pong\"}", call(1, "ping", "{\"interval\":240000}").path("result").toString());

    JsonNode withSession = call(2, "ping", "{\"sessionId\":\"s1\"}").path("result");
    assertEquals("pong", withSession.path("value").asText());
    assertEquals("s1", withSession.path("sessionId").asText());
  }

  @Test
  void requestsNamingNoSessionRunInTheSessionTheirConnectionCarries() throws IOException {
    JsonNode created = call(1, "create", "{\"type\":\"MediaPipeline\"}").path("result");
    String session = created.path("sessionId").asText();

    JsonNode name = call(2, "invoke", "{\"object\":\"" + created.path("value").asText()
        + "\",\"operation\":\"getName\"}").path("result");

    assertEquals(session, name.path("sessionId").asText());
    assertEquals(List.of(session), kms.sessionIds());
  }

  @Test
  void describeGivesTypeAndHierarchy() throws IOException {
    String pipeline = value(client.readTextAfter("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"create\","
        + "\"params\":{\"type\":\"MediaPipeline\"}}"));
    String recorder = value(client.readTextAfter("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"create\",\"params\":"
        + "{\"type\":\"RecorderEndpoint\",\"constructorParams\":{\"mediaPipeline\":\"" + pipeline
        + "\",\"uri\":\"file:///tmp/x.webm\"}}}"));

    JsonNode result = call(3, "describe", "{\"object\":\"" + recorder + "\"}").path("result");

    assertEquals("RecorderEndpoint", result.path("type").asText());
    assertEquals("kurento.RecorderEndpoint", result.path("qualifiedType").asText());
    assertEquals("[\"kurento.UriEndpoint\",\"kurento.Endpoint\",\"kurento.MediaElement\",\"kurento.MediaObject\"]",
        result.path("hierarchy").toString());
    assertEquals("ServerManager", call(4, "describe", "{\"object\":\"manager_ServerManager\"}")
        .path("result").path("type").asText());
  }

  @Test
  void errorsCarryKurentosCodesAndTypes() throws IOException {
    JsonNode unknownObject = call(1, "invoke", "{\"object\":\"nope_kurento.MediaPipeline\",\"operation\":\"getName\"}");
    JsonNode unknownType = call(2, "create", "{\"type\":\"HologramEndpoint\"}");
    String pipeline = value(client.readTextAfter("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"create\","
        + "\"params\":{\"type\":\"MediaPipeline\"}}"));
    JsonNode unknownOperation = call(4, "invoke", "{\"object\":\"" + pipeline + "\",\"operation\":\"fly\"}");
    JsonNode unknownEvent = call(5, "subscribe", "{\"object\":\"" + pipeline + "\",\"type\":\"IceCandidateFound\"}");
    JsonNode missingParent = call(6, "create", "{\"type\":\"WebRtcEndpoint\",\"constructorParams\":{}}");

    assertEquals(40101, unknownObject.path("error").path("code").asInt());
    assertEquals("MEDIA_OBJECT_NOT_FOUND", unknownObject.path("error").path("data").path("type").asText());
    assertEquals(40100, unknownType.path("error").path("code").asInt());
    assertEquals(40105, unknownOperation.path("error").path("code").asInt());
    assertEquals(40106, unknownEvent.path("error").path("code").asInt());
    assertEquals(40001, missingParent.path("error").path("code").asInt());
    assertTrue(kms.calls().stream().filter(RecordedCall::failed).count() >= 5);
  }

  @Test
  void jsonRpcLevelErrors() throws IOException {
    client.sendText("{not json");
    JsonNode parseError = parse(client.readText());
    JsonNode unknownMethod = call(2, "fly", "{}");

    assertEquals(-32700, parseError.path("error").path("code").asInt());
    assertTrue(parseError.path("id").isNull());
    assertEquals(-32601, unknownMethod.path("error").path("code").asInt());
  }

  @Test
  void notificationsGetNoResponse() throws IOException {
    client.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":{}}");

    assertEquals(7, call(7, "ping", null).path("id").asInt());
  }

  @Test
  void releaseOfAnUnknownObjectSucceedsAsOnKms() throws IOException {
    JsonNode response = call(1, "release", "{\"object\":\"gone_kurento.MediaPipeline\"}");

    assertFalse(response.has("error"), response.toString());
  }

  @Test
  void aTransactionResolvesNewRefsAndStopsAtTheFirstError() throws IOException {
    JsonNode result = call(1, "transaction", "{\"operations\":["
        + "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"create\",\"params\":{\"type\":\"MediaPipeline\"}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"create\",\"params\":{\"type\":\"WebRtcEndpoint\","
        + "\"constructorParams\":{\"mediaPipeline\":\"newref:0\"}}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"invoke\",\"params\":{\"object\":\"newref:1\","
        + "\"operation\":\"processOffer\",\"operationParams\":{\"offer\":\"not sdp\"}}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"create\",\"params\":{\"type\":\"MediaPipeline\"}}]}")
        .path("result");

    JsonNode responses = result.path("value");
    assertEquals(3, responses.size(), "the fourth operation never ran: " + responses);
    String pipeline = responses.get(0).path("result").path("value").asText();
    assertTrue(responses.get(1).path("result").path("value").asText().startsWith(pipeline + "/"));
    assertEquals(40201, responses.get(2).path("error").path("code").asInt());
    assertEquals(2, responses.get(2).path("id").asInt());
    assertEquals(2, kms.liveObjectCount());
  }

  @Test
  void eventsGoToTheConnectionThatLastCarriedTheSession() throws IOException {
    String pipeline = value(client.readTextAfter("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"create\","
        + "\"params\":{\"type\":\"MediaPipeline\"}}"));
    String session = kms.sessionIds().get(0);
    call(2, "subscribe", "{\"object\":\"manager_ServerManager\",\"type\":\"ObjectCreated\"}");

    try (RawWebSocketClient second = RawWebSocketClient.connect(kms.uri())) {
      call(second, 1, "connect", "{\"sessionId\":\"" + session + "\"}");
      call(second, 2, "create", "{\"type\":\"PassThrough\",\"constructorParams\":{\"mediaPipeline\":\""
          + pipeline + "\"}}");

      JsonNode event = parse(second.readText());
      assertEquals("onEvent", event.path("method").asText());
      JsonNode value = event.path("params").path("value");
      assertEquals("ObjectCreated", value.path("type").asText());
      assertEquals("manager_ServerManager", value.path("object").asText());
      assertTrue(value.path("data").path("object").asText().endsWith("_kurento.PassThrough"));
      assertTrue(value.path("data").path("timestampMillis").isTextual());
    }
  }

  @Test
  void closeSessionReleasesWhatOnlyThatSessionReferenced() throws IOException {
    call(1, "create", "{\"type\":\"MediaPipeline\"}");
    String session = kms.sessionIds().get(0);

    call(2, "closeSession", "{\"sessionId\":\"" + session + "\"}");

    assertEquals(0, kms.liveObjectCount());
    assertEquals(List.of(), kms.sessionIds());
  }

  @Test
  void anIgnoredRequestIsCarriedOutButNeverAnswered() throws IOException {
    kms.ignoreNext("create", 1);
    client.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"create\",\"params\":{\"type\":\"MediaPipeline\"}}");

    assertEquals(2, call(2, "ping", null).path("id").asInt(), "the create was not answered");
    assertEquals(1, kms.liveObjectCount());
  }

  @Test
  void withLatencyConcurrentRequestsAreAllAnswered() throws IOException {
    kms.setLatency(Duration.ofMillis(20));
    for (int id = 1; id <= 20; id++) {
      client.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
    }

    Set<Integer> answered = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      answered.add(parse(client.readText()).path("id").asInt());
    }
    assertEquals(20, answered.size());
    assertNotEquals(0, kms.calls().size());
  }
}
