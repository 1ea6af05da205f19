package io.edamame.testing.kurento;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kurento.client.Continuation;
import org.kurento.client.ElementConnectionData;
import org.kurento.client.EndOfStreamEvent;
import org.kurento.client.ErrorEvent;
import org.kurento.client.IceCandidate;
import org.kurento.client.IceCandidateFoundEvent;
import org.kurento.client.KurentoClient;
import org.kurento.client.MediaFlowInStateChangedEvent;
import org.kurento.client.MediaFlowState;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaProfileSpecType;
import org.kurento.client.MediaType;
import org.kurento.client.PlayerEndpoint;
import org.kurento.client.RecorderEndpoint;
import org.kurento.client.ServerInfo;
import org.kurento.client.ServerManager;
import org.kurento.client.Tag;
import org.kurento.client.Transaction;
import org.kurento.client.UriEndpointState;
import org.kurento.client.WebRtcEndpoint;
import org.kurento.client.internal.server.KurentoServerException;

/** The official kurento-client 7.3.0, unchanged, against the fake: what media-kurento will rely on. */
class KurentoClientInteropTest {

  /** A Chrome-like offer: audio, video and a data channel, bundled. */
  static final String BROWSER_OFFER = String.join("\r\n",
      "v=0",
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
      "s=-",
      "t=0 0",
      "a=group:BUNDLE 0 1 2",
      "a=msid-semantic: WMS stream",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
      "c=IN IP4 0.0.0.0",
      "a=ice-ufrag:abcd",
      "a=ice-pwd:abcdefghijklmnopqrstuvwx",
      "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
      "a=setup:actpass",
      "a=mid:0",
      "a=sendrecv",
      "a=rtcp-mux",
      "a=rtpmap:111 opus/48000/2",
      "a=rtpmap:0 PCMU/8000",
      "m=video 9 UDP/TLS/RTP/SAVPF 96",
      "c=IN IP4 0.0.0.0",
      "a=setup:actpass",
      "a=mid:1",
      "a=sendonly",
      "a=rtcp-mux",
      "a=rtpmap:96 VP8/90000",
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
      "c=IN IP4 0.0.0.0",
      "a=setup:actpass",
      "a=mid:2",
      "a=sctp-port:5000",
      "");

  private FakeKurentoServer kms;
  private KurentoClient client;

  @BeforeEach
  void start() {
    kms = FakeKurentoServer.builder().playerEndOfStreamAfter(Duration.ofMillis(50)).strictRelease(false).build();
    client = KurentoClient.create(kms.start().toString());
  }

  @AfterEach
  void stop() {
    client.destroy();
    kms.close();
  }

  @Test
  void pipelineAndEndpointsHaveKmsShapedIdsAndDescribeThemselves() {
    MediaPipeline pipeline = client.createMediaPipeline();
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline).build();

    assertTrue(pipeline.getId().matches("[0-9a-f-]{36}_kurento\\.MediaPipeline"), pipeline.getId());
    assertTrue(endpoint.getId().matches(java.util.regex.Pattern.quote(pipeline.getId())
        + "/[0-9a-f-]{36}_kurento\\.WebRtcEndpoint"), endpoint.getId());
    assertEquals(pipeline, endpoint.getMediaPipeline());
    assertEquals(pipeline, endpoint.getParent());
    assertEquals(List.of(endpoint), pipeline.getChildren());
    assertEquals(endpoint.getId(), endpoint.getName(), "KMS names an object after its id");
    endpoint.setName("alice");
    assertEquals("alice", endpoint.getName());
    assertEquals(2, kms.liveObjectCount());
    assertEquals(1, kms.liveObjectCount("WebRtcEndpoint"));
    assertEquals(pipeline.getId(), kms.liveObject(endpoint.getId()).orElseThrow().parentId());
  }

  @Test
  void processOfferAnswersEveryMLineWithTheMirroredDirection() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();

    String answer = endpoint.processOffer(BROWSER_OFFER);

    assertTrue(answer.startsWith("v=0\r\n"), answer);
    List<String> mLines = answer.lines().filter(line -> line.startsWith("m=")).toList();
    assertEquals(3, mLines.size(), answer);
    assertTrue(mLines.get(0).startsWith("m=audio 9 UDP/TLS/RTP/SAVPF 111 0"), answer);
    assertTrue(mLines.get(1).startsWith("m=video"), answer);
    assertTrue(mLines.get(2).startsWith("m=application"), answer);
    String[] sections = answer.split("m=");
    assertTrue(sections[1].contains("a=sendrecv"), "audio was offered sendrecv");
    assertTrue(sections[2].contains("a=recvonly"), "video was offered sendonly");
    assertTrue(sections[1].contains("a=mid:0") && sections[2].contains("a=mid:1") && sections[3].contains("a=mid:2"));
    assertTrue(answer.contains("a=group:BUNDLE 0 1 2"));
    assertTrue(answer.contains("a=ice-ufrag:") && answer.contains("a=ice-pwd:"));
    assertTrue(answer.contains("a=fingerprint:sha-256 "));
    assertTrue(answer.contains("a=setup:active"), "an actpass offer is answered active");
    assertEquals(answer, endpoint.getLocalSessionDescriptor());
    assertEquals(BROWSER_OFFER, endpoint.getRemoteSessionDescriptor());
    assertEquals(1, kms.invocations("processOffer").size());
  }

  @Test
  void recvonlyEndpointAnswersRecvonly() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).recvonly().build();

    String answer = endpoint.processOffer(BROWSER_OFFER);

    String audio = answer.split("m=")[1];
    assertTrue(audio.contains("a=recvonly"), answer);
  }

  @Test
  void badSdpFailsWithSdpParseError() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();

    KurentoServerException notSdp = assertThrows(KurentoServerException.class,
        () -> endpoint.processOffer("hello"));
    KurentoServerException noMedia = assertThrows(KurentoServerException.class,
        () -> endpoint.processOffer("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"));

    assertEquals(KurentoError.SDP_PARSE_ERROR.code(), notSdp.getCode());
    assertEquals(KurentoError.SDP_PARSE_ERROR.code(), noMedia.getCode());
    assertTrue(kms.invocations("processOffer").stream().allMatch(RecordedCall::failed));
  }

  @Test
  void secondOfferOnANegotiatedEndpointFails() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();
    endpoint.processOffer(BROWSER_OFFER);

    KurentoServerException e = assertThrows(KurentoServerException.class, () -> endpoint.processOffer(BROWSER_OFFER));

    assertEquals(KurentoError.SDP_END_POINT_ALREADY_NEGOTIATED.code(), e.getCode());
  }

  @Test
  void generateOfferThenProcessAnswer() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).sendonly().build();
    KurentoServerException early = assertThrows(KurentoServerException.class,
        () -> endpoint.processAnswer(BROWSER_OFFER));

    String offer = endpoint.generateOffer();
    String local = endpoint.processAnswer("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=recvonly\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n");

    assertEquals(KurentoError.SDP_END_POINT_NOT_OFFER_GENERATED.code(), early.getCode());
    assertTrue(offer.contains("m=audio") && offer.contains("m=video") && offer.contains("a=sendonly"), offer);
    assertEquals(offer, local);
  }

  @Test
  void gatherCandidatesRaisesIceCandidateFoundThenIceGatheringDone() throws Exception {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    endpoint.addIceCandidateFoundListener(event -> events.add(event));
    endpoint.addIceGatheringDoneListener(event -> events.add("done"));
    endpoint.processOffer(BROWSER_OFFER);

    endpoint.gatherCandidates();

    // kurento-client hands each notification to its own pool thread: listeners see events in no fixed order.
    List<IceCandidateFoundEvent> candidates = new ArrayList<>();
    boolean done = false;
    while (!done || candidates.size() < 6) {
      Object event = events.poll(20, TimeUnit.SECONDS);
      assertNotNull(event, "still waiting after " + candidates.size() + " candidates, done=" + done);
      if ("done".equals(event)) {
        done = true;
      } else {
        candidates.add((IceCandidateFoundEvent) event);
      }
    }
    candidates.sort(java.util.Comparator.comparing(event -> event.getCandidate().getCandidate()));
    assertEquals(6, candidates.size(), "two candidates for each of the three m-lines");
    IceCandidate first = candidates.get(0).getCandidate();
    assertTrue(first.getCandidate().startsWith("candidate:1 1 UDP "), first.getCandidate());
    assertEquals("0", first.getSdpMid());
    assertEquals(0, first.getSdpMLineIndex());
    assertEquals("2", candidates.get(5).getCandidate().getSdpMid());
    assertEquals(2, candidates.get(5).getCandidate().getSdpMLineIndex());
    assertEquals(endpoint, candidates.get(0).getSource());
    assertEquals("IceCandidateFound", candidates.get(0).getType());
    assertNotNull(candidates.get(0).getTimestampMillis());
  }

  @Test
  void gatherCandidatesBeforeNegotiationFails() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();

    KurentoServerException e = assertThrows(KurentoServerException.class, endpoint::gatherCandidates);

    assertEquals(KurentoError.ICE_GATHER_CANDIDATES_ERROR.code(), e.getCode());
  }

  @Test
  void addedIceCandidatesAreRecordedPerEndpoint() {
    MediaPipeline pipeline = client.createMediaPipeline();
    WebRtcEndpoint alice = new WebRtcEndpoint.Builder(pipeline).build();
    WebRtcEndpoint bob = new WebRtcEndpoint.Builder(pipeline).build();

    alice.addIceCandidate(new IceCandidate("candidate:1 1 UDP 2122260223 192.0.2.1 50000 typ host", "0", 0));
    bob.addIceCandidate(new IceCandidate("candidate:2 1 UDP 2122260223 192.0.2.2 50001 typ host", "0", 0));
    alice.addIceCandidate(new IceCandidate("candidate:3 1 TCP 1518280447 192.0.2.1 9 typ host", "1", 1));

    assertEquals(List.of("candidate:1 1 UDP 2122260223 192.0.2.1 50000 typ host",
        "candidate:3 1 TCP 1518280447 192.0.2.1 9 typ host"), kms.addedIceCandidates(alice.getId()));
    assertEquals(List.of("candidate:2 1 UDP 2122260223 192.0.2.2 50001 typ host"), kms.addedIceCandidates(bob.getId()));
    Map<String, Object> sent = kms.invocations("addIceCandidate").get(2).params();
    assertEquals(Map.of("__module__", "kurento", "__type__", "IceCandidate", "candidate",
        "candidate:3 1 TCP 1518280447 192.0.2.1 9 typ host", "sdpMid", "1", "sdpMLineIndex", 1), sent.get("candidate"));
  }

  @Test
  void addIceCandidateOnAReleasedEndpointFailsWithObjectNotFound() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();
    endpoint.release();

    KurentoServerException e = assertThrows(KurentoServerException.class,
        () -> endpoint.addIceCandidate(new IceCandidate("candidate:1 1 UDP 1 192.0.2.1 1 typ host", "0", 0)));

    assertEquals(KurentoError.MEDIA_OBJECT_NOT_FOUND.code(), e.getCode());
  }

  @Test
  void unknownObjectFailsWithObjectNotFound() {
    MediaPipeline ghost = client.getById("00000000-0000-0000-0000-000000000000_kurento.MediaPipeline",
        MediaPipeline.class);

    KurentoServerException e = assertThrows(KurentoServerException.class, ghost::getName);

    assertEquals(40101, e.getCode());
    assertTrue(e.getServerMessage().contains("not found"), e.getServerMessage());
  }

  @Test
  void connectRecordsConnectionsPerMediaTypeAndRaisesElementConnected() throws Exception {
    MediaPipeline pipeline = client.createMediaPipeline();
    WebRtcEndpoint presenter = new WebRtcEndpoint.Builder(pipeline).build();
    WebRtcEndpoint viewer = new WebRtcEndpoint.Builder(pipeline).build();
    BlockingQueue<String> connected = new LinkedBlockingQueue<>();
    presenter.addElementConnectedListener(event -> connected.add(event.getMediaType() + "->" + event.getSink().getId()));

    presenter.connect(viewer);
    presenter.connect(viewer, MediaType.VIDEO, "default", "default");

    List<ElementConnectionData> sinks = presenter.getSinkConnections();
    assertEquals(3, sinks.size(), "connect without a type connects audio, video and data");
    assertEquals(List.of(MediaType.VIDEO), viewer.getSourceConnections(MediaType.VIDEO).stream()
        .map(ElementConnectionData::getType).toList());
    assertEquals(presenter, viewer.getSourceConnections(MediaType.AUDIO).get(0).getSource());
    Set<String> events = new java.util.HashSet<>();
    while (events.size() < 3) {
      String event = connected.poll(20, TimeUnit.SECONDS);
      assertNotNull(event, "ElementConnected so far: " + events);
      events.add(event);
    }
    assertEquals(Set.of("AUDIO->" + viewer.getId(), "VIDEO->" + viewer.getId(), "DATA->" + viewer.getId()), events);

    presenter.disconnect(viewer, MediaType.AUDIO);
    assertEquals(2, presenter.getSinkConnections().size());
    viewer.release();
    assertEquals(List.of(), presenter.getSinkConnections(), "releasing the sink drops its connections");
  }

  @Test
  void connectingElementsOfDifferentPipelinesFails() {
    WebRtcEndpoint a = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();
    WebRtcEndpoint b = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();

    KurentoServerException e = assertThrows(KurentoServerException.class, () -> a.connect(b));

    assertEquals(KurentoError.MEDIA_OBJECT_ILLEGAL_PARAM_ERROR.code(), e.getCode());
  }

  @Test
  void recorderWritesTheFileOnStopAndRaisesItsEvents(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("room-42.webm");
    MediaPipeline pipeline = client.createMediaPipeline();
    RecorderEndpoint recorder = new RecorderEndpoint.Builder(pipeline, file.toUri().toString())
        .withMediaProfile(MediaProfileSpecType.WEBM).stopOnEndOfStream().build();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    recorder.addRecordingListener(event -> events.add("Recording"));
    recorder.addStoppedListener(event -> events.add("Stopped"));
    recorder.addUriEndpointStateChangedListener(event -> events.add("state " + event.getState()));

    recorder.record();
    assertEquals(UriEndpointState.START, recorder.getState());
    assertFalse(Files.exists(file), "nothing is written before the recording ends");
    recorder.stopAndWait();

    assertEquals(UriEndpointState.STOP, recorder.getState());
    assertTrue(Files.size(file) > 0);
    byte[] head = Files.readAllBytes(file);
    assertEquals(0x1A, head[0], "a WebM file starts with the EBML magic");
    List<String> received = new ArrayList<>();
    while (received.size() < 4) {
      String event = events.poll(20, TimeUnit.SECONDS);
      assertNotNull(event, "events so far: " + received);
      received.add(event);
    }
    // Sent in this order, but kurento-client may hand them to listeners in any order.
    assertEquals(Set.of("state START", "Recording", "state STOP", "Stopped"), Set.copyOf(received));
    assertEquals(file.toUri().toString(), recorder.getUri());
  }

  @Test
  void recorderThatCannotWriteRaisesError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("missing-directory").resolve("out.mp4");
    RecorderEndpoint recorder = new RecorderEndpoint.Builder(client.createMediaPipeline(), file.toUri().toString())
        .build();
    BlockingQueue<ErrorEvent> errors = new LinkedBlockingQueue<>();
    recorder.addErrorListener(errors::add);

    recorder.record();
    recorder.stop();

    ErrorEvent error = errors.poll(20, TimeUnit.SECONDS);
    assertNotNull(error);
    assertTrue(error.getDescription().contains(file.getFileName().toString()), error.getDescription());
    assertFalse(Files.exists(file));
  }

  @Test
  void playerRaisesEndOfStreamWhenConfigured() throws Exception {
    PlayerEndpoint player = new PlayerEndpoint.Builder(client.createMediaPipeline(), "file:///media/intro.webm")
        .build();
    CompletableFuture<EndOfStreamEvent> endOfStream = new CompletableFuture<>();
    player.addEndOfStreamListener(endOfStream::complete);

    player.play();

    assertEquals(player, endOfStream.get(20, TimeUnit.SECONDS).getSource());
    assertEquals(0L, player.getPosition());
    assertFalse(player.getVideoInfo().getIsSeekable());
  }

  @Test
  void releasingAPipelineReleasesItsChildren() {
    MediaPipeline pipeline = client.createMediaPipeline();
    for (int i = 0; i < 3; i++) {
      new WebRtcEndpoint.Builder(pipeline).build();
    }
    new RecorderEndpoint.Builder(pipeline, "file:///tmp/never-written.webm").build();
    assertEquals(5, kms.liveObjectCount());

    pipeline.release();

    assertEquals(0, kms.liveObjectCount());
    assertEquals(3, kms.createdCount("WebRtcEndpoint"));
    assertEquals(3, kms.releasedCount("WebRtcEndpoint"));
    assertEquals(1, kms.releasedCount("RecorderEndpoint"));
    assertEquals(1, kms.releasedCount("MediaPipeline"));
    assertEquals(5, kms.releasedCount(null));
  }

  @Test
  void releaseOfAnAlreadyReleasedObjectSucceedsAsOnKms() {
    MediaPipeline pipeline = client.createMediaPipeline();
    pipeline.release();

    MediaPipeline again = client.getById(pipeline.getId(), MediaPipeline.class);
    again.release();

    assertEquals(1, kms.releasedCount("MediaPipeline"));
    assertFalse(kms.calls().get(kms.calls().size() - 1).failed());
  }

  @Test
  void strictReleaseReportsDoubleRelease() {
    try (FakeKurentoServer strict = FakeKurentoServer.builder().strictRelease(true).build()) {
      KurentoClient strictClient = KurentoClient.create(strict.start().toString());
      try {
        MediaPipeline pipeline = strictClient.createMediaPipeline();
        pipeline.release();

        MediaPipeline again = strictClient.getById(pipeline.getId(), MediaPipeline.class);
        KurentoServerException e = assertThrows(KurentoServerException.class, again::release);

        assertEquals(KurentoError.MEDIA_OBJECT_NOT_FOUND.code(), e.getCode());
      } finally {
        strictClient.destroy();
      }
    }
  }

  @Test
  void serverManagerListsPipelinesAndDescribesTheServer() {
    MediaPipeline first = client.createMediaPipeline();
    MediaPipeline second = client.createMediaPipeline();
    new WebRtcEndpoint.Builder(first).build();
    ServerManager manager = client.getServerManager();

    List<MediaPipeline> pipelines = manager.getPipelines();
    ServerInfo info = manager.getInfo();

    assertEquals(Set.of(first, second), Set.copyOf(pipelines));
    assertEquals("7.3.0", info.getVersion());
    assertTrue(info.getModules().stream().anyMatch(module -> module.getName().equals("elements")
        && module.getFactories().contains("WebRtcEndpoint")));
    assertTrue(manager.getCpuCount() > 0);
    assertTrue(manager.getUsedMemory() > 0);
    assertTrue(manager.getUsedCpu(500) >= 0);
    assertEquals(List.of(client.getSessionId()), manager.getSessions());
    assertTrue(manager.getKmd("core").contains("\"core\""));
    assertEquals(KurentoError.SERVER_MANAGER_ERROR_KMD_NOT_FOUND.code(),
        assertThrows(KurentoServerException.class, () -> manager.getKmd("chroma")).getCode());
    assertNotNull(manager.getMetadata());
  }

  @Test
  void tagsAreStoredPerObjectAndSentInEventsWhenAsked() throws Exception {
    MediaPipeline pipeline = client.createMediaPipeline();
    pipeline.addTag("tenant", "acme");
    pipeline.addTag("room", "42");

    assertEquals("acme", pipeline.getTag("tenant"));
    assertEquals(List.of("tenant=acme", "room=42"), pipeline.getTags().stream()
        .map(tag -> tag.getKey() + "=" + tag.getValue()).toList());
    assertEquals(Map.of("tenant", "acme", "room", "42"), kms.liveObject(pipeline.getId()).orElseThrow().tags());
    KurentoServerException missing = assertThrows(KurentoServerException.class, () -> pipeline.getTag("nope"));
    assertEquals(KurentoError.MEDIA_OBJECT_TAG_KEY_NOT_FOUND.code(), missing.getCode());
    pipeline.removeTag("room");
    assertEquals(1, pipeline.getTags().size());

    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline).build();
    endpoint.addTag("user", "alice");
    endpoint.setSendTagsInEvents(true);
    CompletableFuture<List<Tag>> tagsInEvent = new CompletableFuture<>();
    endpoint.addIceGatheringDoneListener(event -> tagsInEvent.complete(event.getTags()));
    endpoint.processOffer(BROWSER_OFFER);
    endpoint.gatherCandidates();
    assertTrue(endpoint.getSendTagsInEvents());
    List<Tag> tags = tagsInEvent.get(20, TimeUnit.SECONDS);
    assertEquals("user", tags.get(0).getKey());
    assertEquals("alice", tags.get(0).getValue());
  }

  @Test
  void propertiesAnswerKmsDefaultsAndKeepWhatIsSet() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();

    assertEquals(1200, endpoint.getMtu());
    assertEquals(500, endpoint.getMaxVideoSendBandwidth());
    assertTrue(endpoint.getIceTcp());
    endpoint.setMaxVideoRecvBandwidth(2000);
    endpoint.setStunServerAddress("192.0.2.10");
    endpoint.setStunServerPort(3478);
    assertEquals(2000, endpoint.getMaxVideoRecvBandwidth());
    assertEquals("192.0.2.10", endpoint.getStunServerAddress());
    assertEquals(3478, endpoint.getStunServerPort());
    assertFalse(endpoint.isMediaFlowingIn(MediaType.VIDEO));
    assertEquals(Map.of(), endpoint.getStats());
  }

  @Test
  void faultsInjectedForAnOperationHitTheNextCallsOnly() {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();
    kms.failNext("processOffer", 1, KurentoError.SDP_END_POINT_PROCESS_OFFER_ERROR);
    kms.failNext("create:WebRtcEndpoint", 1, KurentoError.NOT_ENOUGH_RESOURCES);

    KurentoServerException offerFailure = assertThrows(KurentoServerException.class,
        () -> endpoint.processOffer(BROWSER_OFFER));
    KurentoServerException createFailure = assertThrows(KurentoServerException.class,
        () -> new WebRtcEndpoint.Builder(endpoint.getMediaPipeline()).build());

    assertEquals(KurentoError.SDP_END_POINT_PROCESS_OFFER_ERROR.code(), offerFailure.getCode());
    assertEquals(KurentoError.NOT_ENOUGH_RESOURCES.code(), createFailure.getCode());
    assertTrue(endpoint.processOffer(BROWSER_OFFER).startsWith("v=0"));
    assertNotNull(new WebRtcEndpoint.Builder(endpoint.getMediaPipeline()).build());
  }

  @Test
  void raisedEventsReachTheClientsListeners() throws Exception {
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(client.createMediaPipeline()).build();
    CompletableFuture<MediaFlowInStateChangedEvent> flowing = new CompletableFuture<>();
    endpoint.addMediaFlowInStateChangedListener(flowing::complete);

    kms.raiseEvent(endpoint.getId(), "MediaFlowInStateChanged",
        Map.of("state", "FLOWING", "mediaType", "VIDEO", "padName", "default"));

    MediaFlowInStateChangedEvent event = flowing.get(20, TimeUnit.SECONDS);
    assertEquals(MediaFlowState.FLOWING, event.getState());
    assertEquals(MediaType.VIDEO, event.getMediaType());
  }

  @Test
  void aTransactionCreatesObjectsThatReferToEachOther() throws Exception {
    Transaction tx = client.beginTransaction();
    MediaPipeline pipeline = client.createMediaPipeline(tx);
    WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline).build(tx);

    tx.commit();

    assertTrue(endpoint.getId().startsWith(pipeline.getId() + "/"), endpoint.getId());
    assertEquals(pipeline, endpoint.getMediaPipeline());
    assertEquals(2, kms.liveObjectCount());
  }

  @Test
  void asynchronousCallsComplete() throws Exception {
    CompletableFuture<MediaPipeline> created = new CompletableFuture<>();
    client.createMediaPipeline(new Continuation<MediaPipeline>() {
      @Override
      public void onSuccess(MediaPipeline result) {
        created.complete(result);
      }

      @Override
      public void onError(Throwable cause) {
        created.completeExceptionally(cause);
      }
    });
    MediaPipeline pipeline = created.get(20, TimeUnit.SECONDS);

    CompletableFuture<Void> released = new CompletableFuture<>();
    pipeline.release(new Continuation<Void>() {
      @Override
      public void onSuccess(Void result) {
        released.complete(null);
      }

      @Override
      public void onError(Throwable cause) {
        released.completeExceptionally(cause);
      }
    });
    released.get(20, TimeUnit.SECONDS);

    assertEquals(0, kms.liveObjectCount());
  }

  @Test
  void destroyingTheClientClosesItsSessionAndKmsReleasesWhatOnlyItUsed() {
    MediaPipeline mine = client.createMediaPipeline();
    new WebRtcEndpoint.Builder(mine).build();
    KurentoClient other = KurentoClient.create(kms.uri().toString());
    MediaPipeline shared;
    try {
      shared = other.createMediaPipeline();
      client.getById(shared.getId(), MediaPipeline.class).getName(); // our session now references it too
    } finally {
      other.destroy();
    }
    assertEquals(3, kms.liveObjectCount(), "the shared pipeline is still referenced by our session");

    client.destroy();

    Await.until("closeSession released our objects", () -> kms.liveObjectCount() == 0);
    assertEquals(3, kms.releasedCount(null));
    assertEquals(2, kms.calls().stream().filter(call -> call.method().equals("closeSession")).count());
  }

  @Test
  void manyClientsCreatingConcurrentlyAreAllServed() throws Exception {
    MediaPipeline pipeline = client.createMediaPipeline();
    List<KurentoClient> clients = new CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        KurentoClient another = KurentoClient.create(kms.uri().toString());
        clients.add(another);
        MediaPipeline samePipeline = another.getById(pipeline.getId(), MediaPipeline.class);
        for (int t = 0; t < 2; t++) {
          results.add(threads.submit(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
              WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(samePipeline).build();
              endpoint.processOffer(BROWSER_OFFER);
              ids.add(endpoint.getId());
            }
            return ids;
          }));
        }
      }
      List<String> all = Collections.synchronizedList(new ArrayList<>());
      for (Future<List<String>> result : results) {
        all.addAll(result.get(60, TimeUnit.SECONDS));
      }

      assertEquals(200, Set.copyOf(all).size());
      assertEquals(200, kms.liveObjectCount("WebRtcEndpoint"));
      assertEquals(200, pipeline.getChildren().size());
    } finally {
      threads.shutdownNow();
      clients.forEach(KurentoClient::destroy);
    }
  }
}
