package io.edamame.testing.kurento;

import java.util.Map;
import java.util.Set;

/**
 * A media object the fake holds, as seen at the time of the query.
 *
 * @param id the object reference clients use, shaped as KMS makes them
 *     ({@code <uuid>_kurento.MediaPipeline}, {@code <pipelineId>/<uuid>_kurento.WebRtcEndpoint})
 * @param type the remote class, e.g. {@code WebRtcEndpoint}
 * @param parentId the pipeline of an element, {@code null} for a pipeline
 * @param tags the tags set with {@code addTag}
 * @param sessionIds the client sessions holding a reference to it; KMS releases an object when the last one
 *     closes its session
 */
public record LiveObject(String id, String type, String parentId, Map<String, String> tags, Set<String> sessionIds) {

  public LiveObject {
    tags = Map.copyOf(tags);
    sessionIds = Set.copyOf(sessionIds);
  }
}
