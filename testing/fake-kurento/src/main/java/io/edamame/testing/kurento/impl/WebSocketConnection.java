package io.edamame.testing.kurento.impl;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted WebSocket connection after the handshake: reads client frames (RFC 6455 section 5) on its own
 * thread and hands complete text messages to the handler; sends text frames from any thread. Writes are serialized
 * per connection only, so a slow client never holds up another.
 */
final class WebSocketConnection {

  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);

  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  static final int CLOSE_NORMAL = 1000;
  static final int CLOSE_GOING_AWAY = 1001;
  static final int CLOSE_PROTOCOL_ERROR = 1002;
  static final int CLOSE_UNSUPPORTED_DATA = 1003;
  static final int CLOSE_ABNORMAL = 1006;
  static final int CLOSE_INVALID_PAYLOAD = 1007;
  static final int CLOSE_TOO_BIG = 1009;

  /** How long a closing connection waits for the client's close frame before dropping the socket. */
  private static final int CLOSE_WAIT_MILLIS = 2000;

  private static final AtomicLong IDS = new AtomicLong();

  /** Receives what the connection reads; called on the connection's reader thread. */
  interface Handler {
    void onText(WebSocketConnection connection, String message);

    void onClosed(WebSocketConnection connection, int code);
  }

  private final long id = IDS.incrementAndGet();
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int maxFrameBytes;
  private final int maxMessageBytes;
  private final Handler handler;
  private final Object writeLock = new Object();
  private final AtomicBoolean closeSent = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Output shut down without a close frame; whatever still comes in is read and thrown away. */
  private volatile boolean dropped;

  /** What the protocol layer keeps with the connection (the server instance it talks to). */
  private final AtomicReference<Object> attachment =
      new AtomicReference<>();

  /** The KMS session this connection carries, once a response named one: events for it go out here. */
  private volatile String sessionId;

  WebSocketConnection(Socket socket, InputStream in, int maxFrameBytes, int maxMessageBytes, Handler handler)
      throws IOException {
    this.socket = socket;
    this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    this.maxFrameBytes = maxFrameBytes;
    this.maxMessageBytes = maxMessageBytes;
    this.handler = handler;
  }

  long id() {
    return id;
  }

  boolean owns(Socket candidate) {
    return socket == candidate;
  }

  String sessionId() {
    return sessionId;
  }

  void sessionId(String sessionId) {
    this.sessionId = sessionId;
  }

  /** The attachment, set to {@code ifAbsent} if there was none yet. */
  @SuppressWarnings("unchecked")
  <T> T attachment(T ifAbsent) {
    attachment.compareAndSet(null, ifAbsent);
    return (T) attachment.get();
  }

  Object attachment() {
    return attachment.get();
  }

  boolean isOpen() {
    return !closed.get() && !closeSent.get() && !dropped;
  }

  /** Sends one text message as a single frame; false when the connection is closing or the write failed. */
  boolean sendText(String text) {
    if (!isOpen()) {
      return false;
    }
    try {
      writeFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (IOException e) {
      log.debug("WebSocket {}: send failed, dropping the connection: {}", id, e.toString());
      abort();
      return false;
    }
  }

  /** Starts the closing handshake: sends a close frame; the reader thread ends the connection. */
  void close(int code, String reason) {
    if (closed.get() || dropped || !closeSent.compareAndSet(false, true)) {
      return;
    }
    try {
      writeFrame(OP_CLOSE, closePayload(code, reason));
      socket.setSoTimeout(CLOSE_WAIT_MILLIS);
    } catch (IOException e) {
      abort();
    }
  }

  /**
   * Ends the TCP connection without a WebSocket close frame: FIN now, as the OS does for the sockets of a process
   * that died; the socket closes once the client has closed its side too (or after a short wait).
   */
  void drop() {
    if (closed.get() || dropped) {
      return;
    }
    dropped = true;
    try {
      socket.setSoTimeout(CLOSE_WAIT_MILLIS);
      // Not under the write lock: a writer stuck on a client that does not read must not block the drop. Its
      // write fails instead, and the connection is reset.
      socket.shutdownOutput();
    } catch (IOException e) {
      abort();
    }
  }

  /** Resets the TCP connection at once (RST), as a firewall or a vanished host answers. */
  void abort() {
    if (closed.compareAndSet(false, true)) {
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // closing anyway
      }
      closeQuietly();
    }
  }

  /** Reads frames until the connection ends. Runs on the connection's own thread. */
  void readLoop() {
    int closeCode = CLOSE_ABNORMAL;
    ByteArrayOutputStream message = null;
    try {
      while (!closed.get()) {
        int first = in.read();
        if (first < 0) {
          break;
        }
        boolean fin = (first & 0x80) != 0;
        int rsv = first & 0x70;
        int opcode = first & 0x0F;
        int second = readByte();
        boolean masked = (second & 0x80) != 0;
        long length = second & 0x7F;
        if (length == 126) {
          length = (readByte() << 8) | readByte();
        } else if (length == 127) {
          length = 0;
          for (int i = 0; i < 8; i++) {
            length = (length << 8) | readByte();
          }
          if (length < 0) {
            fail(CLOSE_PROTOCOL_ERROR, "Frame length with the most significant bit set");
            closeCode = CLOSE_PROTOCOL_ERROR;
            break;
          }
        }
        if (rsv != 0) {
          // No extension was negotiated, so RSV1-3 must be clear (section 5.2).
          closeCode = fail(CLOSE_PROTOCOL_ERROR, "RSV bits set without a negotiated extension");
          break;
        }
        if (!masked) {
          // Section 5.1: a server closes the connection on an unmasked client frame.
          closeCode = fail(CLOSE_PROTOCOL_ERROR, "Client frames must be masked");
          break;
        }
        boolean control = (opcode & 0x8) != 0;
        if (control && (!fin || length > 125)) {
          closeCode = fail(CLOSE_PROTOCOL_ERROR, "Control frames must be final and at most 125 bytes");
          break;
        }
        if (length > maxFrameBytes) {
          closeCode = fail(CLOSE_TOO_BIG, "Frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
          break;
        }
        byte[] mask = readFully(4);
        byte[] payload = readFully((int) length);
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i & 3];
        }
        switch (opcode) {
          case OP_TEXT, OP_CONTINUATION -> {
            if ((opcode == OP_TEXT) == (message != null)) {
              closeCode = fail(CLOSE_PROTOCOL_ERROR, opcode == OP_TEXT
                  ? "New data frame while a fragmented message is unfinished" : "Continuation without a start");
              return;
            }
            if (message == null) {
              message = new ByteArrayOutputStream(payload.length);
            }
            if ((long) message.size() + payload.length > maxMessageBytes) {
              closeCode = fail(CLOSE_TOO_BIG, "Message exceeds the limit of " + maxMessageBytes + " bytes");
              return;
            }
            message.write(payload);
            if (fin) {
              String text = decodeUtf8(message.toByteArray());
              message = null;
              if (text == null) {
                closeCode = fail(CLOSE_INVALID_PAYLOAD, "Text message is not valid UTF-8");
                return;
              }
              if (!dropped) {
                handler.onText(this, text);
              }
            }
          }
          case OP_BINARY -> {
            closeCode = fail(CLOSE_UNSUPPORTED_DATA, "Kurento's protocol is text only");
            return;
          }
          case OP_PING -> {
            if (!dropped) {
              writeFrame(OP_PONG, payload);
            }
          }
          case OP_PONG -> {
            // unsolicited pongs are allowed and ignored (section 5.5.3)
          }
          case OP_CLOSE -> {
            closeCode = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : CLOSE_NORMAL;
            if (!dropped && closeSent.compareAndSet(false, true)) {
              // Echo the code to complete the closing handshake (section 5.5.1).
              writeFrame(OP_CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
            }
            return;
          }
          default -> {
            closeCode = fail(CLOSE_PROTOCOL_ERROR, "Unknown opcode " + opcode);
            return;
          }
        }
      }
    } catch (SocketTimeoutException e) {
      log.debug("WebSocket {}: the client did not close in time", id);
    } catch (IOException e) {
      if (!closed.get()) {
        log.debug("WebSocket {}: connection lost: {}", id, e.toString());
      }
    } finally {
      closed.set(true);
      closeQuietly();
      handler.onClosed(this, closeCode);
    }
  }

  /** Fails the connection (section 7.1.7): close frame with the code, then the socket once the client is done. */
  private int fail(int code, String reason) {
    log.debug("WebSocket {}: closing with {}: {}", id, code, reason);
    if (!dropped && closeSent.compareAndSet(false, true)) {
      try {
        writeFrame(OP_CLOSE, closePayload(code, reason));
        socket.shutdownOutput();
        // Read on (and discard) until the client closes, so that unread input does not turn our close into a
        // reset that could destroy the close frame before the client reads it.
        socket.setSoTimeout(CLOSE_WAIT_MILLIS);
        byte[] sink = new byte[8192];
        long deadline = System.nanoTime() + CLOSE_WAIT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline && in.read(sink) >= 0) {
          // discard
        }
      } catch (IOException e) {
        // the client went away first
      }
    }
    return code;
  }

  private void writeFrame(int opcode, byte[] payload) throws IOException {
    synchronized (writeLock) {
      out.write(0x80 | opcode);
      if (payload.length < 126) {
        out.write(payload.length);
      } else if (payload.length <= 0xFFFF) {
        out.write(126);
        out.write(payload.length >>> 8);
        out.write(payload.length);
      } else {
        out.write(127);
        long length = payload.length;
        for (int shift = 56; shift >= 0; shift -= 8) {
          out.write((int) (length >>> shift));
        }
      }
      out.write(payload);
      out.flush();
    }
  }

  private static byte[] closePayload(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, 123);
    byte[] payload = new byte[2 + length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, length);
    return payload;
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("Connection closed inside a frame header");
    }
    return b;
  }

  private byte[] readFully(int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("Connection closed inside a frame");
    }
    return bytes;
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  @Override
  public String toString() {
    return "WebSocket " + id;
  }
}
