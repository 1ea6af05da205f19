/**
 * The node's Redis as other Edamame bundles see it: publish to a pub/sub channel through
 * {@link io.edamame.redis.api.RedisPubSub}, receive through {@link io.edamame.redis.api.RedisMessageListener}
 * whiteboard services. The Redis client library is private to the bundle that implements this package.
 */
@Export
@Version("1.0.0")
package io.edamame.redis.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
