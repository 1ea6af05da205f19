/**
 * A protocol-level fake of Kurento Media Server for tests: {@link io.edamame.testing.kurento.FakeKurentoServer}
 * speaks Kurento's JSON-RPC over WebSocket on loopback, so that the official kurento-client drives it unchanged,
 * and lets tests count objects, read the calls made, inject faults and simulate restarts. It handles no media.
 */
@Export
@Version("1.0.0")
package io.edamame.testing.kurento;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
