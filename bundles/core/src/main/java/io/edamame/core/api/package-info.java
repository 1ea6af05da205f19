/**
 * The contract of the Edamame core that plugin bundles and integrators code against: tenants, users,
 * rooms and their lifecycle, the access check, the per-tenant plugin registry, callers and tokens, health
 * indicators, errors and events.
 */
@Export
@Version("1.3.0")
package io.edamame.core.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
