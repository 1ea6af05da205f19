package io.edamame.testing.kurento.impl;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.edamame.testing.kurento.KurentoError;

/**
 * The {@code invoke} operations of the fake's media objects. Operation names are those kurento-client sends: the
 * Java method name, so a property {@code foo} is read with {@code getFoo} and written with {@code setFoo}, as the
 * KMS code generated from the kmd files accepts them. Operations that would need media (stats, flowing state)
 * answer as an idle server would.
 */
final class MediaObjectOperations {

  /** Returned by an operation group that does not know the operation, so the next group gets a chance. */
  private static final JsonNode UNHANDLED = new TextNode("unhandled");
  private static final JsonNode VOID = NullNode.getInstance();

  private static final List<String> MEDIA_TYPES = List.of("AUDIO", "VIDEO", "DATA");
  private static final String DEFAULT_DESCRIPTION = "default";

  private MediaObjectOperations() {
  }

  static JsonNode invoke(Call call, FakeMediaObject object, String operation, JsonNode params) {
    if (object.type.isElement() && (operation.equals("connect") || operation.equals("disconnect"))) {
      // Touches two elements: each link list locks itself, so no thread holds two object monitors.
      return connectOrDisconnect(call, object, operation, params);
    }
    JsonNode result;
    synchronized (object) {
      result = mediaObject(object, operation, params);
      if (result == UNHANDLED && object.type == MediaObjectType.SERVER_MANAGER) {
        result = serverManager(call, operation, params);
      }
      if (result == UNHANDLED && (object.type == MediaObjectType.MEDIA_PIPELINE
          || object.type.isA(MediaObjectType.HUB))) {
        result = gstreamerDot(operation);
      }
      if (result == UNHANDLED && object.type.isElement()) {
        result = mediaElement(call, object, operation, params);
      }
      if (result == UNHANDLED && object.type.isA(MediaObjectType.SDP_ENDPOINT)) {
        result = sdpEndpoint(call, object, operation, params);
      }
      if (result == UNHANDLED && object.type.isA(MediaObjectType.WEB_RTC_ENDPOINT)) {
        result = webRtcEndpoint(call, object, operation, params);
      }
      if (result == UNHANDLED && object.type.isA(MediaObjectType.URI_ENDPOINT)) {
        result = uriEndpoint(call, object, operation, params);
      }
      if (result == UNHANDLED && object.type.isA(MediaObjectType.HUB)) {
        result = hub(object, operation);
      }
      if (result == UNHANDLED) {
        result = Properties.access(object, operation, params, UNHANDLED);
      }
    }
    if (result == UNHANDLED) {
      int count = params == null ? 0 : params.size();
      throw KmsException.of(KurentoError.MEDIA_OBJECT_METHOD_NOT_FOUND, "Method '" + operation + "' with " + count
          + " parameters not found in " + object.type.remoteName());
    }
    return result;
  }

  // ---- MediaObject

  private static JsonNode mediaObject(FakeMediaObject object, String operation, JsonNode params) {
    switch (operation) {
      case "getId":
        return new TextNode(object.id);
      case "getName":
        return new TextNode(object.name());
      case "setName":
        object.property("name", requireText(params, "name"));
        return VOID;
      case "getCreationTime":
        return Json.NODES.numberNode((int) object.creationTimeSeconds);
      case "getTags":
        return KmsInstance.tagsOf(object);
      case "addTag":
        object.putTag(requireText(params, "key").asText(), requireText(params, "value").asText());
        return VOID;
      case "getTag": {
        String key = requireText(params, "key").asText();
        String value = object.tag(key);
        if (value == null) {
          throw KmsException.of(KurentoError.MEDIA_OBJECT_TAG_KEY_NOT_FOUND, "Tag key not found");
        }
        return new TextNode(value);
      }
      case "removeTag":
        // KMS only logs a warning for a missing key.
        object.removeTag(requireText(params, "key").asText());
        return VOID;
      case "getChildren": {
        ArrayNode children = Json.array();
        for (FakeMediaObject child : object.children) {
          if (!child.isReleased()) {
            children.add(child.id);
          }
        }
        return children;
      }
      case "getParent":
        return object.parent == null ? VOID : new TextNode(object.parent.id);
      case "getMediaPipeline": {
        FakeMediaObject pipeline = object.pipeline();
        return pipeline == null ? VOID : new TextNode(pipeline.id);
      }
      default:
        return UNHANDLED;
    }
  }

  // ---- ServerManager

  private static JsonNode serverManager(Call call, String operation, JsonNode params) {
    KmsInstance instance = call.instance;
    switch (operation) {
      case "getInfo":
        return serverInfo();
      case "getPipelines": {
        ArrayNode pipelines = Json.array();
        for (FakeMediaObject pipeline : instance.pipelines()) {
          // KMS's MediaSet::getPipelines refs every pipeline into the asking session.
          instance.ref(call.sessionIdOrNew(), pipeline);
          pipelines.add(pipeline.id);
        }
        return pipelines;
      }
      case "getSessions": {
        ArrayNode sessions = Json.array();
        instance.sessionIds().forEach(sessions::add);
        return sessions;
      }
      case "getMetadata":
        return new TextNode("{}");
      case "getKmd": {
        String module = requireText(params, "moduleName").asText();
        if (!List.of("core", "elements", "filters").contains(module)) {
          throw KmsException.of(KurentoError.SERVER_MANAGER_ERROR_KMD_NOT_FOUND, "Module '" + module + "' not found");
        }
        // The real answer is the module's full kmd.json; clients only parse what they need from it.
        ObjectNode kmd = Json.object();
        kmd.put("name", module);
        kmd.put("version", FakeServerInfo.VERSION);
        kmd.set("remoteClasses", Json.array());
        return new TextNode(Json.write(kmd));
      }
      case "getCpuCount":
        return Json.NODES.numberNode(Runtime.getRuntime().availableProcessors());
      case "getUsedCpu":
        requireParam(params, "interval");
        return Json.NODES.numberNode(1.5f);
      case "getUsedMemory":
        // KMS answers in KiB.
        return Json.NODES.numberNode(
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024);
      default:
        return UNHANDLED;
    }
  }

  private static ObjectNode serverInfo() {
    ObjectNode info = Json.complex("ServerInfo");
    info.put("version", FakeServerInfo.VERSION);
    ArrayNode modules = Json.array();
    for (Map.Entry<String, List<String>> module : FakeServerInfo.MODULES.entrySet()) {
      ObjectNode moduleInfo = Json.complex("ModuleInfo");
      moduleInfo.put("version", FakeServerInfo.VERSION);
      moduleInfo.put("name", module.getKey());
      moduleInfo.put("generationTime", FakeServerInfo.GENERATION_TIME);
      ArrayNode factories = Json.array();
      module.getValue().forEach(factories::add);
      moduleInfo.set("factories", factories);
      modules.add(moduleInfo);
    }
    info.set("modules", modules);
    info.put("type", "KMS");
    ArrayNode capabilities = Json.array();
    capabilities.add("transactions");
    info.set("capabilities", capabilities);
    return info;
  }

  private static JsonNode gstreamerDot(String operation) {
    return switch (operation) {
      case "getGstreamerDot" -> new TextNode("digraph pipeline {}");
      case "dumpGstreamerDot" -> VOID;
      default -> UNHANDLED;
    };
  }

  // ---- MediaElement

  private static JsonNode mediaElement(Call call, FakeMediaObject object, String operation, JsonNode params) {
    switch (operation) {
      case "getSourceConnections":
        return connections(object.sourceLinks(), params);
      case "getSinkConnections":
        return connections(object.sinkLinks(), params);
      case "isMediaFlowingIn":
      case "isMediaFlowingOut":
      case "isMediaTranscoding":
        requireParam(params, "mediaType");
        // No media ever flows through the fake.
        return Json.NODES.booleanNode(false);
      case "getStats":
        return Json.object();
      case "getGstreamerDot":
        return new TextNode("digraph element {}");
      case "dumpGstreamerDot":
        return VOID;
      case "setAudioFormat":
      case "setVideoFormat":
        requireParam(params, "caps");
        return VOID;
      default:
        return UNHANDLED;
    }
  }

  private static JsonNode connectOrDisconnect(Call call, FakeMediaObject object, String operation,
      JsonNode params) {
    FakeMediaObject sink = call.instance.find(requireText(params, "sink").asText());
    if (!sink.type.isElement()) {
      throw KmsException.of(KurentoError.MARSHALL_ERROR, "'sink' parameter should be a MediaElement");
    }
    if (sink.pipeline() != object.pipeline()) {
      throw KmsException.of(KurentoError.MEDIA_OBJECT_ILLEGAL_PARAM_ERROR,
          "Cannot connect elements of different pipelines");
    }
    String mediaType = optionalText(params, "mediaType");
    String sourceDescription = optionalText(params, "sourceMediaDescription");
    String sinkDescription = optionalText(params, "sinkMediaDescription");
    for (String type : mediaType == null ? MEDIA_TYPES : List.of(mediaType)) {
      FakeMediaObject.Link link = new FakeMediaObject.Link(object, sink, type,
          sourceDescription == null ? DEFAULT_DESCRIPTION : sourceDescription,
          sinkDescription == null ? DEFAULT_DESCRIPTION : sinkDescription);
      if (operation.equals("connect")) {
        object.addSinkLink(link);
        sink.addSourceLink(link);
      } else {
        Predicate<FakeMediaObject.Link> same = l -> l.sink() == sink
            && l.source() == object && l.mediaType().equals(link.mediaType())
            && (sourceDescription == null || l.sourceDescription().equals(sourceDescription))
            && (sinkDescription == null || l.sinkDescription().equals(sinkDescription));
        sink.removeSourceLinks(same);
        if (object.removeSinkLinks(same).isEmpty()) {
          continue;
        }
      }
      ObjectNode data = Json.object();
      data.put("sink", sink.id);
      data.put("mediaType", type);
      data.put("sourceMediaDescription", link.sourceDescription());
      data.put("sinkMediaDescription", link.sinkDescription());
      call.instance.emit(call, object,
          operation.equals("connect") ? "ElementConnected" : "ElementDisconnected", data);
    }
    return VOID;
  }

  private static ArrayNode connections(List<FakeMediaObject.Link> links, JsonNode params) {
    String mediaType = optionalText(params, "mediaType");
    String description = optionalText(params, "description");
    ArrayNode result = Json.array();
    for (FakeMediaObject.Link link : links) {
      if (link.source().isReleased() || link.sink().isReleased()
          || (mediaType != null && !mediaType.equals(link.mediaType()))) {
        continue;
      }
      if (description != null && !description.equals(link.sourceDescription())
          && !description.equals(link.sinkDescription())) {
        continue;
      }
      ObjectNode data = Json.complex("ElementConnectionData");
      data.put("source", link.source().id);
      data.put("sink", link.sink().id);
      data.put("type", link.mediaType());
      data.put("sourceDescription", link.sourceDescription());
      data.put("sinkDescription", link.sinkDescription());
      result.add(data);
    }
    return result;
  }

  // ---- SdpEndpoint

  private static JsonNode sdpEndpoint(Call call, FakeMediaObject endpoint, String operation, JsonNode params) {
    switch (operation) {
      case "processOffer": {
        String offer = requireText(params, "offer").asText();
        SdpFactory.Sdp parsed = SdpFactory.parse(offer, "offer");
        if (endpoint.localSdp != null) {
          throw KmsException.of(KurentoError.SDP_END_POINT_ALREADY_NEGOTIATED, "Endpoint already negotiated");
        }
        endpoint.remoteSdp = offer;
        endpoint.localSdp = SdpFactory.answer(parsed, flag(endpoint, "recvonly"), flag(endpoint, "sendonly"));
        call.instance.emit(call, endpoint, "MediaSessionStarted", Json.object());
        return new TextNode(endpoint.localSdp);
      }
      case "generateOffer": {
        if (endpoint.localSdp != null) {
          throw KmsException.of(KurentoError.SDP_END_POINT_ALREADY_NEGOTIATED, "Endpoint already negotiated");
        }
        JsonNode options = params == null ? null : params.get("options");
        boolean audio = options == null || !options.has("offerToReceiveAudio")
            || options.get("offerToReceiveAudio").asBoolean();
        boolean video = options == null || !options.has("offerToReceiveVideo")
            || options.get("offerToReceiveVideo").asBoolean();
        endpoint.localSdp = SdpFactory.offer(audio, video, flag(endpoint, "useDataChannels"),
            flag(endpoint, "recvonly"), flag(endpoint, "sendonly"));
        endpoint.offerGenerated = true;
        return new TextNode(endpoint.localSdp);
      }
      case "processAnswer": {
        String answer = requireText(params, "answer").asText();
        if (answer.isBlank()) {
          throw KmsException.of(KurentoError.SDP_PARSE_ERROR, "Empty answer not valid");
        }
        if (!endpoint.offerGenerated) {
          throw KmsException.of(KurentoError.SDP_END_POINT_NOT_OFFER_GENERATED,
              "Offer not generated. It is not possible to process an answer.");
        }
        SdpFactory.parse(answer, "answer");
        if (endpoint.answerProcessed) {
          throw KmsException.of(KurentoError.SDP_END_POINT_ANSWER_ALREADY_PROCCESED, "Sdp Answer already processed");
        }
        endpoint.remoteSdp = answer;
        endpoint.answerProcessed = true;
        call.instance.emit(call, endpoint, "MediaSessionStarted", Json.object());
        return new TextNode(endpoint.localSdp);
      }
      case "getLocalSessionDescriptor":
        if (endpoint.localSdp == null) {
          throw KmsException.of(KurentoError.SDP_END_POINT_NO_LOCAL_SDP_ERROR, "No local SDP");
        }
        return new TextNode(endpoint.localSdp);
      case "getRemoteSessionDescriptor":
        if (endpoint.remoteSdp == null) {
          throw KmsException.of(KurentoError.SDP_END_POINT_NO_REMOTE_SDP_ERROR, "No remote SDP");
        }
        return new TextNode(endpoint.remoteSdp);
      case "requestKeyframe":
        return endpoint.type.isA(MediaObjectType.BASE_RTP_ENDPOINT) ? VOID : UNHANDLED;
      default:
        return UNHANDLED;
    }
  }

  // ---- WebRtcEndpoint

  private static JsonNode webRtcEndpoint(Call call, FakeMediaObject endpoint, String operation, JsonNode params) {
    switch (operation) {
      case "gatherCandidates": {
        if (endpoint.localSdp == null) {
          // The ICE agent gets its streams from the SDP negotiation; before it there is nothing to gather for.
          throw KmsException.of(KurentoError.ICE_GATHER_CANDIDATES_ERROR, "Error gathering candidates");
        }
        if (!endpoint.candidatesGathered) {
          endpoint.candidatesGathered = true;
          for (SdpFactory.Candidate candidate : SdpFactory.candidates(SdpFactory.parse(endpoint.localSdp, "SDP"))) {
            ObjectNode iceCandidate = Json.complex("IceCandidate");
            iceCandidate.put("candidate", candidate.candidate());
            iceCandidate.put("sdpMid", candidate.sdpMid());
            iceCandidate.put("sdpMLineIndex", candidate.sdpMLineIndex());
            ObjectNode data = Json.object();
            data.set("candidate", iceCandidate);
            call.instance.emit(call, endpoint, "IceCandidateFound", data);
          }
          call.instance.emit(call, endpoint, "IceGatheringDone", Json.object());
        }
        return VOID;
      }
      case "addIceCandidate": {
        JsonNode candidate = requireParam(params, "candidate");
        if (!candidate.isObject() || Json.text(candidate, "candidate") == null) {
          throw KmsException.of(KurentoError.MARSHALL_ERROR, "'candidate' parameter should be an IceCandidate");
        }
        // Nothing to connect to: the call log keeps what was added, for the tests to read.
        return VOID;
      }
      case "createDataChannel":
        if (!flag(endpoint, "useDataChannels")) {
          throw KmsException.of(KurentoError.MEDIA_OBJECT_OPERATION_NOT_SUPPORTED,
              "Data channels are not enabled in this endpoint");
        }
        return VOID;
      case "closeDataChannel":
        requireParam(params, "channelId");
        return VOID;
      case "getICECandidatePairs":
      case "getIceConnectionState":
      case "getDtlsConnectionState":
        return Json.array();
      default:
        return UNHANDLED;
    }
  }

  // ---- UriEndpoint, RecorderEndpoint, PlayerEndpoint

  private static JsonNode uriEndpoint(Call call, FakeMediaObject endpoint, String operation, JsonNode params) {
    boolean recorder = endpoint.type == MediaObjectType.RECORDER_ENDPOINT;
    boolean player = endpoint.type == MediaObjectType.PLAYER_ENDPOINT;
    switch (operation) {
      case "getUri":
        return new TextNode(Json.text(endpoint.constructorParams, "uri"));
      case "getState":
        return new TextNode(endpoint.uriState);
      case "record":
        if (!recorder) {
          return UNHANDLED;
        }
        if (!endpoint.uriState.equals("START")) {
          changeState(call, endpoint, "START");
          endpoint.recordingStarted = true;
          call.instance.emit(call, endpoint, "Recording", Json.object());
        }
        return VOID;
      case "pause":
        if (endpoint.uriState.equals("START")) {
          changeState(call, endpoint, "PAUSE");
          if (recorder) {
            call.instance.emit(call, endpoint, "Paused", Json.object());
          }
        }
        return VOID;
      case "stop":
      case "stopAndWait":
        if (operation.equals("stopAndWait") && !recorder) {
          return UNHANDLED;
        }
        if (!endpoint.uriState.equals("STOP")) {
          changeState(call, endpoint, "STOP");
          if (recorder && endpoint.recordingStarted) {
            endpoint.recordingStarted = false;
            finishRecording(call, endpoint);
          }
        }
        return VOID;
      case "play":
        if (!player) {
          return UNHANDLED;
        }
        if (!endpoint.uriState.equals("START")) {
          changeState(call, endpoint, "START");
          scheduleEndOfStream(call.instance, endpoint);
        }
        return VOID;
      case "getPosition":
        return player ? Json.NODES.numberNode(0L) : UNHANDLED;
      case "setPosition":
        if (!player) {
          return UNHANDLED;
        }
        requireParam(params, "position");
        return VOID;
      case "getVideoInfo": {
        if (!player) {
          return UNHANDLED;
        }
        ObjectNode info = Json.complex("VideoInfo");
        info.put("isSeekable", false);
        info.put("seekableInit", 0L);
        info.put("seekableEnd", 0L);
        info.put("duration", 0L);
        return info;
      }
      case "getElementGstreamerDot":
        return player ? new TextNode("digraph player {}") : UNHANDLED;
      default:
        return UNHANDLED;
    }
  }

  private static void changeState(Call call, FakeMediaObject endpoint, String state) {
    endpoint.uriState = state;
    ObjectNode data = Json.object();
    data.put("state", state);
    call.instance.emit(call, endpoint, "UriEndpointStateChanged", data);
  }

  /**
   * Writes a small file where the recording would be, so callers can check it exists and has a size, then raises
   * Stopped. A file that cannot be written raises Error instead, as a failing GStreamer sink would.
   */
  private static void finishRecording(Call call, FakeMediaObject recorder) {
    String uri = Json.text(recorder.constructorParams, "uri");
    if (uri != null && uri.startsWith("file:")) {
      try {
        Path file = Path.of(URI.create(uri));
        Files.write(file, FakeRecording.contentFor(uri, Json.text(recorder.constructorParams, "mediaProfile")));
      } catch (IOException | IllegalArgumentException e) {
        ObjectNode data = Json.object();
        data.put("description", "Cannot write recording to " + uri + ": " + e.getMessage());
        data.put("errorCode", KurentoError.URI_PATH_FILE_NOT_FOUND.code());
        data.put("type", "RESOURCE_ERROR_OPEN_WRITE");
        call.instance.emit(call, recorder, "Error", data);
        return;
      }
    }
    call.instance.emit(call, recorder, "Stopped", Json.object());
  }

  private static void scheduleEndOfStream(KmsInstance instance, FakeMediaObject player) {
    if (instance.options.playerEndOfStreamAfter() == null) {
      return;
    }
    instance.scheduler.schedule(() -> {
      synchronized (player) {
        if (instance.isDead() || player.isReleased() || !player.uriState.equals("START")) {
          return;
        }
      }
      instance.emit(null, player, "EndOfStream", Json.object());
    }, instance.options.playerEndOfStreamAfter().toNanos(), TimeUnit.NANOSECONDS);
  }

  // ---- Hubs

  private static JsonNode hub(FakeMediaObject hub, String operation) {
    return switch (operation) {
      // Dispatcher.connect(source, sink), DispatcherOneToMany.setSource/removeSource: routing only, no media.
      case "connect" -> hub.type == MediaObjectType.DISPATCHER ? VOID : UNHANDLED;
      case "setSource", "removeSource" -> hub.type == MediaObjectType.DISPATCHER_ONE_TO_MANY ? VOID : UNHANDLED;
      default -> UNHANDLED;
    };
  }

  // ---- parameters

  private static boolean flag(FakeMediaObject object, String constructorParam) {
    JsonNode value = object.constructorParams.get(constructorParam);
    return value != null && value.asBoolean();
  }

  static JsonNode requireParam(JsonNode params, String name) {
    JsonNode value = params == null ? null : params.get(name);
    if (value == null || value.isNull()) {
      throw KmsException.missingParam(name);
    }
    return value;
  }

  static JsonNode requireText(JsonNode params, String name) {
    JsonNode value = requireParam(params, name);
    if (!value.isTextual()) {
      throw KmsException.of(KurentoError.MARSHALL_ERROR, "'" + name + "' parameter should be a string");
    }
    return value;
  }

  private static String optionalText(JsonNode params, String name) {
    return Json.text(params, name);
  }
}
