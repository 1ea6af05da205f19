/**
 * What other bundles may rely on from the WeChat plugin: its error codes, its settings' names and the external
 * identities it gives users, so that an integrator's bundle can find the user behind an openid.
 */
@Version("1.0.0")
@Export
package io.edamame.wechat.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
