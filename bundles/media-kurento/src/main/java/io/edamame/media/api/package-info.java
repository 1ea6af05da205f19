/**
 * What other bundles and clients of the media plugin rely on: its error codes (also the JSON-RPC error
 * codes of the signaling protocol, docs/MEDIA-PROTOCOL.md), its per-tenant settings and its events.
 */
@Export
@Version("1.0.0")
package io.edamame.media.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
