package io.edamame.redis.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Edamame Redis",
        description = "The Redis that the nodes of an Edamame cluster share. Without this configuration the node "
                + "runs alone: no RedisPubSub service, no cross-node messages.")
public @interface RedisConfiguration {

    String PID = "io.edamame.redis";

    @AttributeDefinition(name = "URI",
            description = "redis://[[username]:password@]host[:port][/database], rediss:// for TLS, or "
                    + "redis-sentinel://host:port[,host:port]/database#masterId. The URI is published as a "
                    + "service property: prefer .password for the password.")
    String uri();

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "Overrides a password in the URI. Its name starts with a dot, so it is not published "
                    + "as a service property.")
    String _password() default "";

    @AttributeDefinition(name = "Timeout (milliseconds)", min = "1",
            description = "Connect timeout, and how long a command (PUBLISH, SUBSCRIBE) waits for Redis's answer.")
    long timeout_millis() default 2000;
}
