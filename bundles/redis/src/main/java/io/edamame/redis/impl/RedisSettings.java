package io.edamame.redis.impl;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.time.Duration;
import java.util.Set;

/** The validated form of a {@link RedisConfiguration}. */
record RedisSettings(RedisURI uri, String redactedUri, Duration timeout) {

    /** Shown to Redis ({@code CLIENT LIST}) unless the URI names the client itself. */
    static final String DEFAULT_CLIENT_NAME = "edamame";

    private static final String EXPECTED = "expected redis://[[username]:password@]host[:port][/database], rediss://… "
            + "or redis-sentinel://…";

    /** Unix sockets ({@code redis-socket}) would need Netty's native transports, which this bundle leaves out. */
    private static final Set<String> SCHEMES = Set.of(RedisURI.URI_SCHEME_REDIS, RedisURI.URI_SCHEME_REDIS_SECURE,
            RedisURI.URI_SCHEME_REDIS_SENTINEL, RedisURI.URI_SCHEME_REDIS_SENTINEL_SECURE);

    /**
     * @throws IllegalArgumentException naming the property and what is wrong with it; the message never
     *         contains the URI itself, since it may hold a password
     */
    static RedisSettings of(RedisConfiguration config) {
        String text = config.uri() == null ? "" : config.uri().trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("uri: missing; " + EXPECTED);
        }
        int colon = text.indexOf("://");
        String scheme = colon < 0 ? "" : text.substring(0, colon);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("uri: scheme '" + scheme + "' is not supported; " + EXPECTED);
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (RuntimeException e) {
            // Not chained: the parser's message and stack may quote the URI with its password.
            throw new IllegalArgumentException("uri: not a valid Redis URI; " + EXPECTED);
        }
        if (config.timeout_millis() <= 0) {
            throw new IllegalArgumentException("timeout.millis: must be positive, is " + config.timeout_millis());
        }
        Duration timeout = Duration.ofMillis(config.timeout_millis());
        uri.setTimeout(timeout);
        String password = config._password();
        if (password != null && !password.isEmpty()) {
            String username = uri.getCredentialsProvider() instanceof StaticCredentialsProvider fromUri
                    ? fromUri.resolveCredentialsNow().getUsername() : null;
            uri.setCredentialsProvider(new StaticCredentialsProvider(username, password.toCharArray()));
        }
        if (uri.getClientName() == null) {
            uri.setClientName(DEFAULT_CLIENT_NAME);
        }
        return new RedisSettings(uri, redact(text), timeout);
    }

    /**
     * The URI as the operator wrote it, with the user information masked but for the user name: everything
     * between {@code ://} and the last {@code @}, so that a password holding a {@code /} or {@code @} is masked
     * whole. (Lettuce's own masking keeps the password's length and adds query parameters.)
     */
    static String redact(String uri) {
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (start < 0 || at < start + 3) {
            return uri;
        }
        String userInfo = uri.substring(start + 3, at);
        int colon = userInfo.indexOf(':');
        // Lettuce reads user information without a colon as a password alone.
        String masked = colon > 0 ? userInfo.substring(0, colon) + ":***" : "***";
        return uri.substring(0, start + 3) + masked + uri.substring(at);
    }
}
