package io.edamame.danmaku.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Each tenant's list of sensitive words, as an OSGi service. The built-in sensitive-word filter
 * needs exactly one and compiles each tenant's list once, until its {@link #version} changes.
 *
 * <p>A consumer type: the danmaku bundle will ship one backed by its database and REST API, and an
 * integrator may register their own (a moderation service they already run) in its place.
 */
@ConsumerType
public interface SensitiveWordSource {

    /**
     * A number that changes whenever the tenant's list changes. It is read for every danmaku, so it
     * must be cheap (from memory). The filter reads it before {@link #words}, so a change between
     * the two calls only causes one more rebuild.
     */
    long version(long tenantId);

    /** The tenant's words; blank entries are ignored, matching is case-insensitive for ASCII. */
    List<String> words(long tenantId);
}
