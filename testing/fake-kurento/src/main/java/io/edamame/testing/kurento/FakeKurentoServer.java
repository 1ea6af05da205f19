package io.edamame.testing.kurento;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.edamame.testing.kurento.impl.FakeKurentoServerEngine;
import io.edamame.testing.kurento.impl.Options;

/**
 * A fake Kurento Media Server for tests. It speaks KMS's JSON-RPC 2.0 over WebSocket on 127.0.0.1, well enough that
 * the official {@code org.kurento:kurento-client} drives it unchanged: pipelines and elements with KMS-shaped ids,
 * SDP offer/answer, ICE candidate events, recorder and player state with their events, tags, the ServerManager,
 * transactions, sessions and reconnection. No media is ever processed.
 *
 * <p>Besides the protocol it gives tests control: leak accounting ({@link #liveObjectCount()}, {@link
 * #createdCount(String)}, {@link #releasedCount(String)}), the log of calls ({@link #invocations(String)}), fault
 * injection ({@link #failNext(String, int, KurentoError)}), latency ({@link #setLatency(Duration)}), and the ways a
 * media server goes away: {@link #dropConnections()} (network blip, same server), {@link #crash()} and {@link
 * #restart()} (a new server process that knows nothing), {@link #stopListening()}.
 *
 * <pre>{@code
 * try (FakeKurentoServer kms = new FakeKurentoServer()) {
 *   KurentoClient client = KurentoClient.create(kms.start().toString());
 *   MediaPipeline pipeline = client.createMediaPipeline();
 *   ...
 *   pipeline.release();
 *   assertEquals(0, kms.liveObjectCount());
 * }
 * }</pre>
 *
 * <p>Thread-safe: many clients may use it at once, and tests may query and steer it while they do.
 */
public final class FakeKurentoServer implements AutoCloseable {

  private final FakeKurentoServerEngine engine;

  /** A server with the defaults: path {@code /kurento}, 1 MB frames, the last 10,000 calls logged. */
  public FakeKurentoServer() {
    this(builder());
  }

  private FakeKurentoServer(Builder builder) {
    this.engine = new FakeKurentoServerEngine(new Options(builder.path, builder.maxFrameBytes,
        builder.maxMessageBytes, builder.callLogCapacity, builder.playerEndOfStreamAfter, builder.strictRelease));
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- lifecycle

  /** Starts listening on an ephemeral port of 127.0.0.1; returns the URI to give kurento-client. */
  public URI start() {
    return start(0);
  }

  /** Starts listening on the given port of 127.0.0.1 (0 for an ephemeral one); returns the client URI. */
  public URI start(int port) {
    return engine.start(port);
  }

  /** The URI clients connect to, {@code ws://127.0.0.1:<port>/kurento}; the port stays the same across restarts. */
  public URI uri() {
    return engine.uri();
  }

  public int port() {
    return engine.port();
  }

  /** The id this server process answers {@code connect} with; a {@link #restart()} makes a new one. */
  public String serverId() {
    return engine.serverId();
  }

  public boolean isListening() {
    return engine.isListening();
  }

  /**
   * Stops accepting connections; open ones go on, and all state is kept. Combine with {@link #dropConnections()}
   * for an unreachable server, and end with {@link #resumeListening()} (same server) or {@link #restart()}.
   */
  public void stopListening() {
    engine.stopListening();
  }

  /** Listens again on the same port as the same server: sessions and objects are still there. */
  public void resumeListening() {
    engine.resumeListening();
  }

  /**
   * Ends every client connection without a WebSocket close frame (TCP FIN) and keeps listening, objects and
   * sessions: a proxy restart or a network blip. kurento-client reconnects at once, resumes its session and
   * reports {@code reconnected(true)}.
   */
  public void dropConnections() {
    engine.dropConnections();
  }

  /**
   * Resets every client connection (TCP RST), as a firewall, a NAT that lost its state or a vanished host
   * answers. Beware: kurento-client 7.3.0 takes the resulting "Connection reset" as fatal. Its Netty handler
   * closes the client for good ({@code KurentoClient.isClosed()} turns true), the listener hears {@code
   * disconnected()} and no reconnection follows; the application has to create a new KurentoClient.
   */
  public void resetConnections() {
    engine.resetConnections();
  }

  /**
   * The media server process dies: the OS closes its connections (FIN, no close frame), the port stops listening,
   * and all objects, sessions and subscriptions are forgotten. {@link #restart()} brings up a new process on the
   * same port.
   */
  public void crash() {
    engine.crash();
  }

  /**
   * Listens again on the same port as a new server process: a new {@link #serverId()}, no sessions, no objects
   * (anything still alive is forgotten, as after {@link #crash()}). A client that had a session finds it unknown
   * and reports {@code reconnected(false)}.
   */
  public void restart() {
    engine.restart();
  }

  /** Closes all connections with a close frame and stops listening. */
  @Override
  public void close() {
    engine.close();
  }

  // ---- leak accounting

  /** The media objects alive now (not released, not forgotten by a crash), the ServerManager excepted. */
  public List<LiveObject> liveObjects() {
    return engine.liveObjects();
  }

  public int liveObjectCount() {
    return liveObjects().size();
  }

  /** Alive objects of one type, by its remote class name, e.g. {@code "WebRtcEndpoint"}. */
  public int liveObjectCount(String type) {
    return (int) liveObjects().stream().filter(object -> object.type().equals(type)).count();
  }

  public Optional<LiveObject> liveObject(String id) {
    return liveObjects().stream().filter(object -> object.id().equals(id)).findFirst();
  }

  /** Objects of the type created since this fake was made (crashes do not reset it); null counts all types. */
  public long createdCount(String type) {
    return engine.createdCount(type);
  }

  /**
   * Objects of the type released since this fake was made: explicitly, as children of a released pipeline, or
   * because the last session referencing them closed. Objects lost in a crash are not counted.
   */
  public long releasedCount(String type) {
    return engine.releasedCount(type);
  }

  /** The client sessions this server process knows. */
  public List<String> sessionIds() {
    return engine.sessionIds();
  }

  /**
   * Expires a session as KMS's session garbage collector does for clients that stay away too long (not modeled in
   * time here): its references are dropped and the objects only it used are released.
   */
  public void expireSession(String sessionId) {
    engine.expireSession(sessionId);
  }

  /** WebSocket connections open now. */
  public int connectionsOpen() {
    return engine.connectionsOpen();
  }

  // ---- calls

  /** The most recent requests answered, oldest first (bounded by {@link Builder#callLogCapacity(int)}). */
  public List<RecordedCall> calls() {
    return engine.calls();
  }

  /** The {@code invoke} calls of one operation, e.g. {@code "addIceCandidate"}, oldest first. */
  public List<RecordedCall> invocations(String operation) {
    return calls().stream()
        .filter(call -> call.method().equals("invoke") && operation.equals(call.operation()))
        .toList();
  }

  /** The ICE candidate lines added to one endpoint with {@code addIceCandidate}, in order. */
  public List<String> addedIceCandidates(String endpointId) {
    return invocations("addIceCandidate").stream()
        .filter(call -> endpointId.equals(call.objectId()) && !call.failed())
        .map(call -> call.params().get("candidate"))
        .filter(Map.class::isInstance)
        .map(candidate -> String.valueOf(((Map<?, ?>) candidate).get("candidate")))
        .toList();
  }

  public void clearCalls() {
    engine.clearCalls();
  }

  // ---- faults, latency and events

  /**
   * Makes the next {@code times} requests matching {@code operation} fail with the error. {@code operation} is an
   * invoke operation ({@code "processOffer"}), the JSON-RPC method of other requests ({@code "create"}, {@code
   * "release"}, {@code "subscribe"}, {@code "connect"}, {@code "ping"}), or {@code "create:<Type>"}.
   */
  public void failNext(String operation, int times, KurentoError error) {
    failNext(operation, times, error.code(), "Injected failure: " + error.name());
  }

  /** As {@link #failNext(String, int, KurentoError)}, with any code and message. */
  public void failNext(String operation, int times, int code, String message) {
    engine.failNext(Objects.requireNonNull(operation), times, code, Objects.requireNonNull(message));
  }

  /**
   * Makes the next {@code times} requests matching {@code operation} go unanswered: they are carried out, but no
   * response is sent, so the client runs into its request timeout.
   */
  public void ignoreNext(String operation, int times) {
    engine.ignoreNext(Objects.requireNonNull(operation), times);
  }

  public void clearFaults() {
    engine.clearFaults();
  }

  /** Delays every request by this long before it is handled (for benchmarks); zero, the default, for none. */
  public void setLatency(Duration latency) {
    engine.setLatency(latency);
  }

  /**
   * Raises an event on a live object as KMS would (to every subscription of that type), e.g. {@code
   * "MediaFlowInStateChanged"} with {@code state} and {@code mediaType}. {@code data} holds the event's own fields;
   * source, type, tags and timestamps are added.
   *
   * @throws IllegalArgumentException if the object is unknown or its type does not declare the event
   */
  public void raiseEvent(String objectId, String eventType, Map<String, ?> data) {
    engine.raiseEvent(objectId, eventType, data);
  }

  /** Options fixed at construction. */
  public static final class Builder {
    private String path = "/kurento";
    private int maxFrameBytes = 1_000_000;
    private int maxMessageBytes = 4_000_000;
    private int callLogCapacity = 10_000;
    private Duration playerEndOfStreamAfter;
    private boolean strictRelease;

    private Builder() {
    }

    /** The WebSocket path, {@code /kurento} as KMS's default configuration has it. */
    public Builder path(String path) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("The path starts with /: " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * The largest frame accepted from a client (default 1,000,000 bytes, the limit kurento-client applies to what
     * it receives); a larger one closes the connection with 1009.
     */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /** The largest message accepted over all its fragments (default 4,000,000 bytes). */
    public Builder maxMessageBytes(int maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /** How many recent calls {@link #calls()} keeps (default 10,000); 0 turns the log off for benchmarks. */
    public Builder callLogCapacity(int callLogCapacity) {
      this.callLogCapacity = callLogCapacity;
      return this;
    }

    /** Makes a playing PlayerEndpoint raise EndOfStream after this long; by default it plays forever. */
    public Builder playerEndOfStreamAfter(Duration delay) {
      this.playerEndOfStreamAfter = delay;
      return this;
    }

    /**
     * Makes {@code release} of an unknown or already released object fail with MEDIA_OBJECT_NOT_FOUND, to catch
     * double releases. KMS itself (and this fake by default) answers such a release with success.
     */
    public Builder strictRelease(boolean strictRelease) {
      this.strictRelease = strictRelease;
      return this;
    }

    public FakeKurentoServer build() {
      return new FakeKurentoServer(this);
    }
  }
}
