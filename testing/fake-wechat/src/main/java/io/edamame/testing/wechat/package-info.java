/**
 * A protocol-level fake of WeChat's server API for tests: {@link io.edamame.testing.wechat.FakeWeChatServer} answers
 * the api.weixin.qq.com paths a mini-program and service-account integration uses, over plain HTTP on loopback, so
 * that WxJava, pointed at it, runs unchanged; tests register apps and users, inject errors and read what was sent.
 * {@link io.edamame.testing.wechat.WeChatPushes} plays the other direction: WeChat's signed (and, in safe mode,
 * encrypted) pushes to a service account's message endpoint, and the checking of the endpoint's replies.
 *
 * <p>1.1.0 added the JS-SDK ticket, service-account user info and {@code WeChatPushes}.
 */
@Export
@Version("1.1.0")
package io.edamame.testing.wechat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
