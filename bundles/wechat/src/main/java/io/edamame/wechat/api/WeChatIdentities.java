package io.edamame.wechat.api;

import io.edamame.core.api.ExternalIdentity;

/**
 * The external identities the WeChat plugin gives users. WeChat gives every app its own openid for a person, so
 * an openid is stored with its app; the unionid is the same across the apps of one Open Platform account, which
 * is how a mini-program user and an H5 user of the same tenant become one Edamame user.
 */
public final class WeChatIdentities {

    /** Provider of unionids. */
    public static final String UNIONID_PROVIDER = "wechat-unionid";

    private static final String OPENID_PREFIX = "wechat-openid:";

    private WeChatIdentities() {
    }

    /** Provider of the openids of one app, {@code wechat-openid:<appId>}. */
    public static String openidProvider(String appId) {
        return OPENID_PREFIX + appId;
    }

    public static ExternalIdentity openid(String appId, String openid) {
        return new ExternalIdentity(openidProvider(appId), openid);
    }

    public static ExternalIdentity unionid(String unionid) {
        return new ExternalIdentity(UNIONID_PROVIDER, unionid);
    }
}
