package io.edamame.media.impl.kms;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Edamame media servers",
        description = "The Kurento Media Servers this node uses (etc/io.edamame.media.kurento.cfg)")
public @interface MediaServersConfig {

    String PID = "io.edamame.media.kurento";

    @AttributeDefinition(name = "Kurento URLs",
            description = "WebSocket URLs of the media servers; a room goes to the least-loaded one that is up")
    String[] kms_urls() default {"ws://127.0.0.1:8888/kurento"};

    @AttributeDefinition(name = "Longest wait between connection attempts, in seconds",
            description = "Attempts back off from 1 s, doubling up to this")
    int reconnect_max_seconds() default 30;

    @AttributeDefinition(name = "Time the client keeps reconnecting a lost connection, in seconds",
            description = "After this the server counts as down, and its rooms move to another one")
    int reconnect_window_seconds() default 10;

    @AttributeDefinition(name = "Node id",
            description = "Tags this node's pipelines, so that the node can release the ones it abandoned "
                    + "(a crash); empty: an id kept in the data directory")
    String node_id() default "";

    @AttributeDefinition(name = "Recordings location",
            description = "A file: URI (or another URI the media servers can write to) under which recordings "
                    + "are written as <tenant>/<room>/<id>.webm; empty: file:<karaf.data>/edamame/recordings. "
                    + "Replays are served over HTTP only from file: URIs this node can read too")
    String recordings_uri() default "";

    @AttributeDefinition(name = "Grace period of an empty room, in seconds",
            description = "A room nobody is in keeps its media this long, then it is released")
    int empty_room_grace_seconds() default 60;

    @AttributeDefinition(name = "Sweep interval, in seconds",
            description = "How often this node looks for its abandoned pipelines on each media server")
    int sweep_seconds() default 60;
}
