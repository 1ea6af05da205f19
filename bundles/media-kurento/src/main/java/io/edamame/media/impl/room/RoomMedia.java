package io.edamame.media.impl.room;

import io.edamame.core.api.RoomType;
import io.edamame.media.impl.kms.MediaServer;
import io.edamame.media.impl.kms.MediaServers;
import org.kurento.client.Composite;
import org.kurento.client.HubPort;
import org.kurento.client.MediaPipeline;
import org.kurento.client.MediaProfileSpecType;
import org.kurento.client.MediaType;
import org.kurento.client.RecorderEndpoint;
import org.kurento.client.WebRtcEndpoint;

/**
 * The Kurento objects of one live room on one media server: its pipeline and, when the room records,
 * a {@link Composite} that mixes every publisher into a {@link RecorderEndpoint}. Valid only while
 * its server keeps the {@link MediaServer#generation()} it was built in.
 */
final class RoomMedia {

    final MediaServer server;
    final long generation;
    final MediaPipeline pipeline;
    final RoomType type;
    /** Null when the room does not record. */
    Composite mixer;
    HubPort mixerOut;
    RecorderEndpoint recorder;
    long recordingId;
    /** Endpoints made here and not released yet, for the server's load. */
    private final java.util.concurrent.atomic.AtomicInteger endpoints = new java.util.concurrent.atomic.AtomicInteger();

    private RoomMedia(MediaServer server, long generation, MediaPipeline pipeline, RoomType type) {
        this.server = server;
        this.generation = generation;
        this.pipeline = pipeline;
        this.type = type;
    }

    /** Creates the room's pipeline, tagged for the sweep; {@code registered} learns its id first. */
    static RoomMedia create(MediaServer server, RoomKey room, RoomType type, String nodeId,
                            java.util.function.Consumer<String> registered) {
        long generation = server.generation();
        MediaPipeline pipeline = server.client().createMediaPipeline();
        server.addLoad(1);
        registered.accept(pipeline.getId());
        RoomMedia media = new RoomMedia(server, generation, pipeline, type);
        try {
            pipeline.addTag(MediaServers.NODE_TAG, nodeId);
            pipeline.addTag(MediaServers.ROOM_TAG, room.tag());
        } catch (RuntimeException e) {
            media.release();
            throw e;
        }
        return media;
    }

    boolean isValid() {
        return server.generation() == generation && server.client() != null;
    }

    boolean audioOnly() {
        return type == RoomType.AUDIO_SLIDES;
    }

    /** The media a publisher sends into the room: audio only in {@code AUDIO_SLIDES} rooms. */
    MediaType[] mediaTypes() {
        return audioOnly() ? new MediaType[] {MediaType.AUDIO} : new MediaType[] {MediaType.AUDIO, MediaType.VIDEO};
    }

    WebRtcEndpoint newWebRtcEndpoint() {
        WebRtcEndpoint endpoint = new WebRtcEndpoint.Builder(pipeline).build();
        endpoints.incrementAndGet();
        server.addLoad(1);
        return endpoint;
    }

    /** Connects {@code source} to {@code sink} for the room's media types. */
    void connect(org.kurento.client.MediaElement source, org.kurento.client.MediaElement sink) {
        for (MediaType type : mediaTypes()) {
            source.connect(sink, type);
        }
    }

    /** Starts the mixer and its recorder, writing to {@code uri}. */
    void startRecording(String uri, long id) {
        mixer = new Composite.Builder(pipeline).build();
        mixerOut = new HubPort.Builder(mixer).build();
        recorder = new RecorderEndpoint.Builder(pipeline, uri).withMediaProfile(profile()).stopOnEndOfStream().build();
        connect(mixerOut, recorder);
        recorder.record();
        recordingId = id;
    }

    MediaProfileSpecType profile() {
        return audioOnly() ? MediaProfileSpecType.WEBM_AUDIO_ONLY : MediaProfileSpecType.WEBM;
    }

    /** A port of the mixer for one publisher, or null when the room does not record. */
    HubPort mixerPortFor(WebRtcEndpoint publisher) {
        if (mixer == null) {
            return null;
        }
        HubPort port = new HubPort.Builder(mixer).build();
        connect(publisher, port);
        return port;
    }

    /** Stops the recorder and waits until the media server has written the file. */
    void stopRecording() {
        if (recorder != null) {
            recorder.stopAndWait();
        }
    }

    /** Releases an endpoint of this room; quietly, since it may be gone with its server. */
    void release(WebRtcEndpoint endpoint) {
        if (endpoint != null && isValid()) {
            if (endpoints.decrementAndGet() >= 0) {
                server.addLoad(-1);
            }
            releaseQuietly(endpoint);
        }
    }

    /** Releases the pipeline and, with it, every object in it. */
    void release() {
        if (isValid()) {
            server.addLoad(-1 - Math.max(0, endpoints.getAndSet(0)));
            releaseQuietly(pipeline);
        }
    }

    static void releaseQuietly(org.kurento.client.MediaObject object) {
        try {
            object.release();
        } catch (RuntimeException e) {
            // Already released, or its server is gone: either way it no longer exists.
        }
    }
}
