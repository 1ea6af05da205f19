package io.edamame.redis.impl;

import java.lang.annotation.Annotation;

/** {@link RedisConfiguration} values as Declarative Services would pass them. */
final class RedisConfigs {

    private RedisConfigs() {
    }

    static RedisConfiguration config(String uri) {
        return config(uri, "", 2000);
    }

    static RedisConfiguration config(String uri, String password, long timeoutMillis) {
        return new RedisConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RedisConfiguration.class;
            }

            @Override
            public String uri() {
                return uri;
            }

            @Override
            public String _password() {
                return password;
            }

            @Override
            public long timeout_millis() {
                return timeoutMillis;
            }
        };
    }
}
