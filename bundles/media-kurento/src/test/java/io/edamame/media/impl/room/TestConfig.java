package io.edamame.media.impl.room;

import io.edamame.media.impl.kms.MediaServersConfig;
import java.lang.annotation.Annotation;

/** The plugin's configuration for tests: fast retries and sweeps, recordings in a folder of the test. */
record TestConfig(String[] urls, String recordingsUri, int graceSeconds, int sweepSeconds, String nodeId)
        implements MediaServersConfig {

    @Override
    public Class<? extends Annotation> annotationType() {
        return MediaServersConfig.class;
    }

    @Override
    public String[] kms_urls() {
        return urls;
    }

    @Override
    public int reconnect_max_seconds() {
        return 1;
    }

    @Override
    public int reconnect_window_seconds() {
        return 2;
    }

    @Override
    public String node_id() {
        return nodeId;
    }

    @Override
    public String recordings_uri() {
        return recordingsUri;
    }

    @Override
    public int empty_room_grace_seconds() {
        return graceSeconds;
    }

    @Override
    public int sweep_seconds() {
        return sweepSeconds;
    }
}
