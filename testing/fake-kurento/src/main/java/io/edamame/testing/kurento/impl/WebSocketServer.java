package io.edamame.testing.kurento.impl;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal RFC 6455 server on {@link ServerSocket}: one accept thread, one reader thread per connection. It binds
 * the loopback address only, so a test's fake media server is never reachable from the network.
 */
final class WebSocketServer {

  private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);

  private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  private static final int BIND_ATTEMPTS = 100;
  private static final int BIND_RETRY_MILLIS = 20;

  private final String path;
  private final int maxFrameBytes;
  private final int maxMessageBytes;
  private final WebSocketConnection.Handler handler;
  private final Set<WebSocketConnection> connections = ConcurrentHashMap.newKeySet();
  /** Every accepted socket until it is closed, including those still in the handshake. */
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  private volatile ServerSocket serverSocket;
  /** Set by closeAll: connections finishing their handshake afterwards are closed at once. */
  private volatile boolean closing;

  WebSocketServer(String path, int maxFrameBytes, int maxMessageBytes, WebSocketConnection.Handler handler) {
    this.path = path;
    this.maxFrameBytes = maxFrameBytes;
    this.maxMessageBytes = maxMessageBytes;
    this.handler = handler;
  }

  /** Binds 127.0.0.1 on the port (0 for an ephemeral one) and starts accepting; returns the bound port. */
  synchronized int listen(int port) throws IOException {
    if (serverSocket != null) {
      throw new IllegalStateException("Already listening on port " + serverSocket.getLocalPort());
    }
    ServerSocket socket = bind(port);
    serverSocket = socket;
    Thread acceptor = new Thread(() -> acceptLoop(socket), "fake-kurento-accept-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
    return socket.getLocalPort();
  }

  /**
   * Binds with SO_REUSEADDR, since a restart binds the port again while the old server side of the dropped
   * connections is in TIME_WAIT. Linux still refuses such a bind now and then for a moment, apparently while a
   * connection is passing into TIME_WAIT; a few short retries get past that.
   */
  private static ServerSocket bind(int port) throws IOException {
    int attemptsLeft = port == 0 ? 1 : BIND_ATTEMPTS;
    while (true) {
      ServerSocket socket = new ServerSocket();
      try {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return socket;
      } catch (BindException e) {
        socket.close();
        if (--attemptsLeft == 0) {
          throw e;
        }
        try {
          Thread.sleep(BIND_RETRY_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  boolean isListening() {
    return serverSocket != null;
  }

  /** Stops accepting new connections; open connections go on. */
  synchronized void stopListening() {
    ServerSocket socket = serverSocket;
    serverSocket = null;
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        log.debug("Closing the listening socket failed: {}", e.toString());
      }
    }
  }

  List<WebSocketConnection> connections() {
    return List.copyOf(connections);
  }

  /** Ends every connection with a FIN and no close frame, as the OS does when the server process dies. */
  void dropAll() {
    for (WebSocketConnection connection : connections) {
      connection.drop();
    }
    for (Socket socket : sockets) {
      if (connections.stream().noneMatch(connection -> connection.owns(socket))) {
        closeQuietly(socket);
      }
    }
  }

  /** Resets every connection (RST), also those still in the handshake. */
  void resetAll() {
    for (WebSocketConnection connection : connections) {
      connection.abort();
    }
    for (Socket socket : sockets) {
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // closing anyway
      }
      closeQuietly(socket);
    }
  }

  /** Closes every connection with a close frame, as a server shutting down cleanly does. */
  void closeAll(int code, String reason) {
    closing = true;
    for (WebSocketConnection connection : connections) {
      connection.close(code, reason);
    }
  }

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        synchronized (this) {
          // accept() may return just as stopListening() runs: a server that stopped listening serves no one.
          if (serverSocket != socket) {
            closeQuietly(client);
            continue;
          }
          sockets.add(client);
        }
        Thread reader = new Thread(() -> serve(client), "fake-kurento-ws-" + client.getPort());
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("Fake KMS on port {}: accept failed", socket.getLocalPort(), e);
        }
      }
    }
  }

  private void serve(Socket client) {
    try {
      serveAccepted(client);
    } finally {
      sockets.remove(client);
      closeQuietly(client);
    }
  }

  private void serveAccepted(Socket client) {
    WebSocketConnection connection;
    try {
      client.setTcpNoDelay(true);
      client.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
      InputStream in = new BufferedInputStream(client.getInputStream());
      WebSocketHandshake.Result handshake = WebSocketHandshake.answer(in, path);
      OutputStream out = client.getOutputStream();
      out.write(handshake.response().getBytes(StandardCharsets.UTF_8));
      out.flush();
      if (!handshake.accepted()) {
        client.close();
        return;
      }
      client.setSoTimeout(0);
      connection = new WebSocketConnection(client, in, maxFrameBytes, maxMessageBytes, handler);
    } catch (IOException e) {
      log.debug("WebSocket handshake with port {} failed: {}", client.getPort(), e.toString());
      closeQuietly(client);
      return;
    }
    connections.add(connection);
    if (closing) {
      connection.close(WebSocketConnection.CLOSE_GOING_AWAY, "Media server shutting down");
    }
    try {
      connection.readLoop();
    } finally {
      connections.remove(connection);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
