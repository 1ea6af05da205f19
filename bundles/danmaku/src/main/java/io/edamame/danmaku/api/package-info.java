/**
 * The contract of the danmaku bundle: the message a viewer sends ({@link DanmakuDraft}), the filter
 * chain that accepts, rewrites or rejects it ({@link DanmakuFilterChain}), the whiteboard extension
 * point other bundles register filters on ({@link DanmakuFilter}), the per-tenant settings the
 * built-in filters read ({@link DanmakuSettings}) and the error codes they reject with.
 */
@Export
@Version("1.0.0")
package io.edamame.danmaku.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
