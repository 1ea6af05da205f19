package io.edamame.testing.kurento.impl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the fake says it is: the KMS version its protocol follows and the modules and factories it offers. */
final class FakeServerInfo {

  static final String VERSION = "7.3.0";
  static final String GENERATION_TIME = "Jan  1 2025 00:00:00";
  static final Map<String, List<String>> MODULES;

  static {
    Map<String, List<String>> modules = new LinkedHashMap<>();
    modules.put("core", List.of("MediaPipeline", "PassThrough", "HubPort"));
    modules.put("elements", List.of("WebRtcEndpoint", "RtpEndpoint", "RecorderEndpoint", "PlayerEndpoint",
        "Composite", "Dispatcher", "DispatcherOneToMany"));
    MODULES = Map.copyOf(modules);
  }

  private FakeServerInfo() {
  }
}
