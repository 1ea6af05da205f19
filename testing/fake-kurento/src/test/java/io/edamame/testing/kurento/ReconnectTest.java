package io.edamame.testing.kurento;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kurento.client.IceGatheringDoneEvent;
import org.kurento.client.KurentoClient;
import org.kurento.client.KurentoConnectionListener;
import org.kurento.client.MediaPipeline;
import org.kurento.client.WebRtcEndpoint;
import org.kurento.client.internal.server.KurentoServerException;
import org.kurento.commons.exception.KurentoException;

/**
 * How kurento-client 7.3.0 lives through a lost media server. It reconnects by itself (forever, by default) and
 * then sends {@code connect} with its old session id: a server that knows the session answers with a result and
 * the listener hears {@code reconnected(true)}; a restarted server answers INVALID_SESSION (40007), the client
 * opens a new session and the listener hears {@code reconnected(false)}. KurentoConnectionListener reports the
 * start of every reconnection as {@code disconnected()}.
 */
class ReconnectTest {

  private FakeKurentoServer kms;
  private final List<KurentoClient> clients = new java.util.ArrayList<>();

  /** Records the listener's callbacks, in the order the client fires them. */
  static final class RecordingListener implements KurentoConnectionListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void connected() {
      events.add("connected");
    }

    @Override
    public void connectionFailed() {
      events.add("connectionFailed");
    }

    @Override
    public void disconnected() {
      events.add("disconnected");
    }

    @Override
    public void reconnected(boolean sameServer) {
      events.add("reconnected(" + sameServer + ")");
    }

    /** The next callback; fails if none comes before the deadline. */
    String next() throws InterruptedException {
      String event = events.poll(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertNotNull(event, "no connection callback came");
      return event;
    }
  }

  @BeforeEach
  void start() {
    kms = new FakeKurentoServer();
    kms.start();
  }

  @AfterEach
  void stop() {
    clients.forEach(KurentoClient::destroy);
    kms.close();
  }

  private KurentoClient connect(RecordingListener listener) throws InterruptedException {
    KurentoClient client = KurentoClient.create(kms.uri().toString(), listener);
    clients.add(client);
    assertEquals("connected", listener.next());
    return client;
  }

  @Test
  void aDroppedConnectionResumesTheSameSessionWithItsObjectsAndSubscriptions() throws Exception {
    RecordingListener listener = new RecordingListener();
    KurentoClient client = connect(listener);
    MediaPipeline pipeline = client.createMediaPipeline();
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline).build();
    CompletableFuture<IceGatheringDoneEvent> gatheringDone = new CompletableFuture<>();
    endpoint.addIceGatheringDoneListener(gatheringDone::complete);
    String session = client.getSessionId();
    String serverId = kms.serverId();

    kms.dropConnections();

    assertEquals("disconnected", listener.next());
    assertEquals("reconnected(true)", listener.next());
    assertEquals(session, client.getSessionId());
    assertEquals(serverId, kms.serverId());
    assertEquals(List.of(endpoint), pipeline.getChildren());
    assertEquals(2, kms.liveObjectCount());
    // The subscription made before the drop still delivers, now through the new connection.
    endpoint.processOffer(KurentoClientInteropTest.BROWSER_OFFER);
    endpoint.gatherCandidates();
    assertEquals(endpoint, gatheringDone.get(20, TimeUnit.SECONDS).getSource());
  }

  @Test
  void aCrashedAndRestartedServerIsANewServerThatForgotEverything() throws Exception {
    RecordingListener listener = new RecordingListener();
    KurentoClient client = connect(listener);
    MediaPipeline pipeline = client.createMediaPipeline();
    String oldSession = client.getSessionId();
    String oldServer = kms.serverId();

    kms.crash();
    assertEquals("disconnected", listener.next());
    assertEquals(0, kms.liveObjectCount());
    kms.restart();

    assertEquals("reconnected(false)", listener.next());
    assertNotEquals(oldServer, kms.serverId());
    assertNotEquals(oldSession, client.getSessionId());
    KurentoServerException gone = assertThrows(KurentoServerException.class, pipeline::getName);
    assertEquals(KurentoError.MEDIA_OBJECT_NOT_FOUND.code(), gone.getCode());
    MediaPipeline fresh = client.createMediaPipeline();
    assertEquals(List.of(fresh.getId()), kms.liveObjects().stream().map(LiveObject::id).toList());
    assertEquals(List.of(client.getSessionId()), kms.sessionIds(), "the new session holds the new pipeline");
    assertTrue(kms.calls().stream().anyMatch(call -> call.method().equals("connect")
        && call.errorCode() != null && call.errorCode() == KurentoError.INVALID_SESSION.code()),
        "the client first tried to resume its old session");
  }

  @Test
  void aClientThatNeverOpenedASessionCannotTellARestartedServerFromTheSameOne() throws Exception {
    RecordingListener listener = new RecordingListener();
    connect(listener);

    kms.crash();
    assertEquals("disconnected", listener.next());
    kms.restart();

    // Its connect carries no session id, so any server accepts it as a success.
    assertEquals("reconnected(true)", listener.next());
  }

  @Test
  void anUnreachableServerFailsTheConnectionAtCreation() throws Exception {
    kms.stopListening();
    RecordingListener listener = new RecordingListener();

    assertThrows(KurentoException.class, () -> clients.add(KurentoClient.create(kms.uri().toString(), listener)));

    assertEquals("connectionFailed", listener.next());
  }

  @Test
  void theClientKeepsRetryingWhileTheServerIsUnreachableAndResumesWhenItIsBack() throws Exception {
    RecordingListener listener = new RecordingListener();
    KurentoClient client = connect(listener);
    MediaPipeline pipeline = client.createMediaPipeline();

    kms.stopListening();
    kms.dropConnections();
    assertEquals("disconnected", listener.next());
    assertEquals(0, kms.connectionsOpen());
    kms.resumeListening();

    assertEquals("reconnected(true)", listener.next());
    assertEquals(pipeline.getId(), client.getServerManager().getPipelines().get(0).getId());
  }

  @Test
  void anExpiredSessionIsUnknownToTheSameServerAndItsObjectsAreReleased() throws Exception {
    RecordingListener listener = new RecordingListener();
    KurentoClient client = connect(listener);
    client.createMediaPipeline();
    String session = client.getSessionId();

    kms.stopListening();
    kms.dropConnections();
    assertEquals("disconnected", listener.next());
    kms.expireSession(session);
    kms.resumeListening();

    assertEquals("reconnected(false)", listener.next());
    assertEquals(0, kms.liveObjectCount());
  }

  @Test
  void aResetConnectionMakesKurentoClientCloseItselfForGood() throws Exception {
    RecordingListener listener = new RecordingListener();
    KurentoClient client = connect(listener);
    client.createMediaPipeline();

    kms.resetConnections();

    // kurento-client's Netty handler answers the "Connection reset" by closing the whole client.
    assertEquals("disconnected", listener.next());
    Await.until("the client closed itself", client::isClosed);
    assertThrows(RuntimeException.class, client::createMediaPipeline);
    assertEquals(0, kms.connectionsOpen());
  }
}
