package io.edamame.testing.kurento;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The RFC 6455 layer, driven frame by frame. */
class WebSocketProtocolTest {

  private static final String PING_REQUEST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"interval\":240000}}";

  private FakeKurentoServer kms;

  @BeforeEach
  void start() {
    kms = FakeKurentoServer.builder().maxFrameBytes(64 * 1024).build();
    kms.start();
  }

  @AfterEach
  void stop() {
    kms.close();
  }

  @Test
  void handshakeAnswersTheAcceptKeyOfRfc6455() throws IOException {
    // The example of RFC 6455 section 1.3.
    try (RawWebSocketClient client = RawWebSocketClient.handshake(kms.uri(), "GET /kurento HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")) {

      assertTrue(client.handshakeResponse.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
      assertTrue(client.handshakeResponse.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
      assertTrue(!client.handshakeResponse.contains("Sec-WebSocket-Extensions"), "no extension is accepted");
    }
  }

  @Test
  void aRequestWithoutTheWebSocketHeadersIsABadRequest() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.handshake(kms.uri(),
        "GET /kurento HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {

      assertTrue(client.handshakeResponse.startsWith("HTTP/1.1 400 "), client.handshakeResponse);
      assertTrue(client.serverClosedConnection());
    }
  }

  @Test
  void aKeyThatIsNotSixteenBytesIsABadRequest() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.handshake(kms.uri(), "GET /kurento HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n")) {

      assertTrue(client.handshakeResponse.startsWith("HTTP/1.1 400 "), client.handshakeResponse);
    }
  }

  @Test
  void anotherPathIsNotFoundAndAnotherVersionIsRefusedWithTheSupportedOne() throws IOException {
    String upgrade = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    try (RawWebSocketClient wrongPath = RawWebSocketClient.handshake(kms.uri(),
            "GET /other HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n");
        RawWebSocketClient wrongVersion = RawWebSocketClient.handshake(kms.uri(),
            "GET /kurento HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 8\r\n\r\n")) {

      assertTrue(wrongPath.handshakeResponse.startsWith("HTTP/1.1 404 "), wrongPath.handshakeResponse);
      assertTrue(wrongVersion.handshakeResponse.startsWith("HTTP/1.1 426 "), wrongVersion.handshakeResponse);
      assertTrue(wrongVersion.handshakeResponse.contains("Sec-WebSocket-Version: 13"));
    }
  }

  @Test
  void aFragmentedMessageIsReassembledEvenWithAPingBetweenItsFragments() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      byte[] request = PING_REQUEST.getBytes(StandardCharsets.UTF_8);
      client.sendFrame(false, RawWebSocketClient.TEXT, Arrays.copyOfRange(request, 0, 10), true);
      client.sendFrame(false, RawWebSocketClient.CONTINUATION, Arrays.copyOfRange(request, 10, 30), true);
      client.sendFrame(true, RawWebSocketClient.PING, "between".getBytes(StandardCharsets.UTF_8), true);
      client.sendFrame(true, RawWebSocketClient.CONTINUATION, Arrays.copyOfRange(request, 30, request.length), true);

      RawWebSocketClient.Frame pong = client.readFrame();
      assertEquals(RawWebSocketClient.PONG, pong.opcode());
      assertEquals("between", pong.text());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"value\":\"pong\"}}", client.readText());
    }
  }

  @Test
  void aMultiByteCharacterSplitAcrossFragmentsSurvives() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      client.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"create\",\"params\":{\"type\":\"MediaPipeline\"}}");
      String pipeline = JsonRpcProtocolTest.value(client.readText());
      byte[] request = ("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"invoke\",\"params\":{\"object\":\"" + pipeline
          + "\",\"operation\":\"setName\",\"operationParams\":{\"name\":\"直播间\"}}}").getBytes(StandardCharsets.UTF_8);
      int split = indexOf(request, "直播间".getBytes(StandardCharsets.UTF_8)) + 1; // inside the first character

      client.sendFrame(false, RawWebSocketClient.TEXT, Arrays.copyOfRange(request, 0, split), true);
      client.sendFrame(true, RawWebSocketClient.CONTINUATION, Arrays.copyOfRange(request, split, request.length), true);
      client.readText();

      assertEquals("直播间", kms.invocations("setName").get(0).params().get("name"));
    }
  }

  @Test
  void anOversizedFrameClosesWith1009BeforeItsPayloadIsRead() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      client.sendHeaderOnly(RawWebSocketClient.TEXT, 10L * 1024 * 1024);

      RawWebSocketClient.Frame close = client.readFrame();
      assertEquals(RawWebSocketClient.CLOSE, close.opcode());
      assertEquals(1009, close.closeCode());
    }
  }

  @Test
  void aFragmentedMessageOverTheMessageLimitClosesWith1009() throws IOException {
    try (FakeKurentoServer small = FakeKurentoServer.builder().maxFrameBytes(1000).maxMessageBytes(1500).build()) {
      small.start();
      try (RawWebSocketClient client = RawWebSocketClient.connect(small.uri())) {
        client.sendFrame(false, RawWebSocketClient.TEXT, new byte[1000], true);
        client.sendFrame(false, RawWebSocketClient.CONTINUATION, new byte[1000], true);

        RawWebSocketClient.Frame close = client.readFrame();
        assertEquals(1009, close.closeCode());
      }
    }
  }

  @Test
  void anUnmaskedClientFrameIsAProtocolError() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      client.sendFrame(true, RawWebSocketClient.TEXT, PING_REQUEST.getBytes(StandardCharsets.UTF_8), false);

      assertEquals(1002, client.readFrame().closeCode());
    }
  }

  @Test
  void reservedBitsWithoutAnExtensionAreAProtocolError() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      // RSV1: a compressed frame, though permessage-deflate was never agreed.
      client.sendFrame(true, 0x40, RawWebSocketClient.TEXT, PING_REQUEST.getBytes(StandardCharsets.UTF_8), true);

      assertEquals(1002, client.readFrame().closeCode());
    }
  }

  @Test
  void binaryFramesAreUnsupportedData() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      client.sendFrame(true, RawWebSocketClient.BINARY, new byte[] {1, 2, 3}, true);

      assertEquals(1003, client.readFrame().closeCode());
    }
  }

  @Test
  void invalidUtf8IsInvalidPayload() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      client.sendFrame(true, RawWebSocketClient.TEXT, new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}, true);

      assertEquals(1007, client.readFrame().closeCode());
    }
  }

  @Test
  void aContinuationWithoutAStartIsAProtocolError() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      client.sendFrame(true, RawWebSocketClient.CONTINUATION, "{}".getBytes(StandardCharsets.UTF_8), true);

      assertEquals(1002, client.readFrame().closeCode());
    }
  }

  @Test
  void pingIsAnsweredWithItsPayload() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      byte[] payload = RawWebSocketClient.randomBytes(125);
      client.sendFrame(true, RawWebSocketClient.PING, payload, true);

      RawWebSocketClient.Frame pong = client.readFrame();
      assertEquals(RawWebSocketClient.PONG, pong.opcode());
      assertArrayEquals(payload, pong.payload());
    }
  }

  @Test
  void theClosingHandshakeEchoesTheCodeAndEndsTheConnection() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      client.sendFrame(true, RawWebSocketClient.CLOSE, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}, true);

      RawWebSocketClient.Frame close = client.readFrame();
      assertEquals(RawWebSocketClient.CLOSE, close.opcode());
      assertEquals(1000, close.closeCode());
      assertTrue(client.serverClosedConnection());
      Await.until("the connection is gone", () -> kms.connectionsOpen() == 0);
    }
  }

  @Test
  void closingTheServerSendsGoingAway() throws IOException {
    try (RawWebSocketClient client = RawWebSocketClient.connect(kms.uri())) {
      kms.close();

      assertEquals(1001, client.readFrame().closeCode());
    }
  }

  @Test
  void theServerListensOnLoopbackOnlyAndCanStopListening() throws IOException {
    assertTrue(kms.uri().toString().startsWith("ws://127.0.0.1:"));

    kms.stopListening();

    assertFalse(kms.isListening());
    // Not a bare TCP connect: on a busy machine another process may take the freed port at once, so the
    // check is that no WebSocket of ours answers there.
    assertThrows(IOException.class, () -> RawWebSocketClient.connect(kms.uri()).close());
    kms.resumeListening();
    RawWebSocketClient.connect(kms.uri()).close();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(Arrays.copyOfRange(haystack, i, i + needle.length), needle)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
