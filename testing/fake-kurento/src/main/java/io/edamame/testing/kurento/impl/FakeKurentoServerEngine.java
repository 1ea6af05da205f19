package io.edamame.testing.kurento.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edamame.testing.kurento.LiveObject;
import io.edamame.testing.kurento.RecordedCall;

/**
 * The machinery behind {@code FakeKurentoServer}: the WebSocket listener, the current server instance, and the
 * test controls. Public only so that the API class in the exported package can reach it.
 */
public final class FakeKurentoServerEngine {

  private static final Logger log = LoggerFactory.getLogger(FakeKurentoServerEngine.class);
  private static final AtomicInteger SCHEDULER_THREADS = new AtomicInteger();

  private final Options options;
  private final Statistics statistics = new Statistics();
  private final CallLog callLog;
  private final FaultPlan faults = new FaultPlan();
  private final ScheduledExecutorService scheduler;
  private final WebSocketServer webSocketServer;
  private volatile KmsInstance instance;
  private volatile long latencyNanos;
  private volatile int port = -1;

  public FakeKurentoServerEngine(Options options) {
    this.options = options;
    this.callLog = new CallLog(options.callLogCapacity());
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(4, runnable -> {
      Thread thread = new Thread(runnable, "fake-kurento-scheduler-" + SCHEDULER_THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.scheduler = Executors.unconfigurableScheduledExecutorService(executor);
    this.instance = newInstance();
    KmsProtocol protocol = new KmsProtocol(() -> instance, callLog, faults, scheduler, () -> latencyNanos);
    this.webSocketServer = new WebSocketServer(options.path(), options.maxFrameBytes(), options.maxMessageBytes(),
        protocol);
  }

  public synchronized URI start(int requestedPort) {
    if (port >= 0) {
      throw new IllegalStateException("Already started on port " + port);
    }
    port = listen(requestedPort);
    log.info("Fake KMS {}: listening on {}", instance.serverId, uri());
    return uri();
  }

  public URI uri() {
    if (port < 0) {
      throw new IllegalStateException("Not started");
    }
    return URI.create("ws://127.0.0.1:" + port + options.path());
  }

  public int port() {
    return port;
  }

  public String serverId() {
    return instance.serverId;
  }

  public boolean isListening() {
    return webSocketServer.isListening();
  }

  public synchronized void stopListening() {
    webSocketServer.stopListening();
  }

  public synchronized void resumeListening() {
    requireStarted();
    if (!webSocketServer.isListening()) {
      listen(port);
    }
  }

  public void dropConnections() {
    webSocketServer.dropAll();
  }

  public void resetConnections() {
    webSocketServer.resetAll();
  }

  public synchronized void crash() {
    requireStarted();
    webSocketServer.stopListening();
    KmsInstance dead = instance;
    dead.kill();
    instance = newInstance();
    webSocketServer.dropAll();
    log.info("Fake KMS {}: crashed; all objects and sessions are gone", dead.serverId);
  }

  public synchronized void restart() {
    requireStarted();
    webSocketServer.stopListening();
    // Whatever the old process still held dies with it; a crash() before this already forgot it all.
    instance.kill();
    instance = newInstance();
    webSocketServer.dropAll();
    listen(port);
    log.info("Fake KMS {}: restarted on {}", instance.serverId, uri());
  }

  public synchronized void close() {
    webSocketServer.stopListening();
    webSocketServer.closeAll(WebSocketConnection.CLOSE_GOING_AWAY, "Media server shutting down");
    instance.kill();
    scheduler.shutdownNow();
  }

  public List<LiveObject> liveObjects() {
    return instance.liveObjects();
  }

  public long createdCount(String type) {
    return statistics.created(type);
  }

  public long releasedCount(String type) {
    return statistics.released(type);
  }

  public List<String> sessionIds() {
    return instance.sessionIds();
  }

  public void expireSession(String sessionId) {
    KmsInstance current = instance;
    Call call = new Call(current, null);
    current.closeSession(call, sessionId, false);
    call.runAfterResponse();
  }

  public int connectionsOpen() {
    return (int) webSocketServer.connections().stream().filter(WebSocketConnection::isOpen).count();
  }

  public List<RecordedCall> calls() {
    return callLog.calls();
  }

  public void clearCalls() {
    callLog.clear();
  }

  public void failNext(String operation, int times, int code, String message) {
    faults.add(operation, times, new FaultPlan.Fault(code, message));
  }

  public void ignoreNext(String operation, int times) {
    faults.add(operation, times, new FaultPlan.Fault(null, null));
  }

  public void clearFaults() {
    faults.clear();
  }

  public void setLatency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("Latency cannot be negative: " + latency);
    }
    latencyNanos = latency.toNanos();
  }

  public void raiseEvent(String objectId, String eventType, Map<String, ?> data) {
    KmsInstance current = instance;
    FakeMediaObject object = current.findOrNull(objectId);
    if (object == null) {
      throw new IllegalArgumentException("No live object " + objectId);
    }
    if (!object.type.supportsEvent(eventType)) {
      throw new IllegalArgumentException(object.type.remoteName() + " has no event " + eventType);
    }
    JsonNode fields = Json.MAPPER.valueToTree(data);
    current.emit(null, object, eventType, fields.isObject() ? (ObjectNode) fields : Json.object());
  }

  private KmsInstance newInstance() {
    return new KmsInstance(options, statistics, scheduler);
  }

  private int listen(int requestedPort) {
    try {
      return webSocketServer.listen(requestedPort);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + requestedPort, e);
    }
  }

  private void requireStarted() {
    if (port < 0) {
      throw new IllegalStateException("Not started");
    }
  }
}
