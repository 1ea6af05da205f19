package io.edamame.testing.kurento;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A deliberately dumb WebSocket client for the raw protocol tests: it writes exactly the frames a test builds
 * (masked or not, fragmented, oversized) and reads the server's frames one by one.
 */
final class RawWebSocketClient implements Closeable {

  static final int TEXT = 0x1;
  static final int CONTINUATION = 0x0;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** A frame as read from the server. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  final String handshakeResponse;

  private RawWebSocketClient(Socket socket, String handshakeResponse) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.handshakeResponse = handshakeResponse;
  }

  /** Connects and performs a correct handshake; fails unless the server switches protocols. */
  static RawWebSocketClient connect(URI uri) throws IOException {
    String key = Base64.getEncoder().encodeToString(randomBytes(16));
    RawWebSocketClient client = handshake(uri, "GET " + uri.getPath() + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
    if (!client.handshakeResponse.startsWith("HTTP/1.1 101")) {
      client.close();
      throw new IOException("Handshake refused: " + client.handshakeResponse);
    }
    return client;
  }

  /** Sends the given request head and reads the response head (and a body, if Content-Length says so). */
  static RawWebSocketClient handshake(URI uri, String request) throws IOException {
    Socket socket = new Socket("127.0.0.1", uri.getPort());
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String response = head.toString(StandardCharsets.ISO_8859_1);
    for (String line : response.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        int length = Integer.parseInt(line.substring(15).trim());
        response += new String(in.readNBytes(length), StandardCharsets.UTF_8);
      }
    }
    return new RawWebSocketClient(socket, response);
  }

  void sendText(String text) throws IOException {
    sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
    sendFrame(fin, 0, opcode, payload, masked);
  }

  void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | rsv | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      frame.write(maskBit | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(maskBit | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift));
      }
    }
    byte[] body = payload.clone();
    if (masked) {
      byte[] mask = randomBytes(4);
      frame.write(mask);
      for (int i = 0; i < body.length; i++) {
        body[i] ^= mask[i & 3];
      }
    }
    frame.write(body);
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Writes only a frame header announcing {@code length} bytes, as a client starting a huge frame would. */
  void sendHeaderOnly(int opcode, long length) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    frame.write(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame.write((int) (length >>> shift));
    }
    frame.write(randomBytes(4));
    out.write(frame.toByteArray());
    out.flush();
  }

  Frame readFrame() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    if ((second & 0x80) != 0) {
      throw new IOException("Server frames must not be masked");
    }
    long length = second & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame((first & 0x80) != 0, first & 0x0F, payload);
  }

  /** Reads the next text message, skipping nothing: fails if the next frame is something else. */
  String readText() throws IOException {
    Frame frame = readFrame();
    if (frame.opcode() != TEXT || !frame.fin()) {
      throw new IOException("Expected a final text frame, got opcode " + frame.opcode());
    }
    return frame.text();
  }

  /** Sends a text message and returns the next text message received. */
  String readTextAfter(String text) throws IOException {
    sendText(text);
    return readText();
  }

  /** True when the server closed the TCP connection (end of stream) within the socket timeout. */
  boolean serverClosedConnection() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
