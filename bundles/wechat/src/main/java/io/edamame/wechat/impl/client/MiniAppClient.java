package io.edamame.wechat.impl.client;

import cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl;
import cn.binarywang.wx.miniapp.config.impl.WxMaDefaultConfigImpl;
import java.io.IOException;
import java.util.concurrent.locks.Lock;

/**
 * WxJava's mini-program service for one tenant's app, with its access token shared by every node
 * ({@link SharedCredential}) and fetched from the stable-token endpoint, which does not invalidate the token
 * other callers hold. A failed fetch starts the credential's back-off.
 */
public final class MiniAppClient extends WxMaServiceImpl {

    private final SharedCredential token;

    MiniAppClient(String apiUrl, String appId, String secret, SharedCredential token, WeChatHttp http,
                  int retryPauseMillis) {
        this.token = token;
        Config config = new Config(token);
        config.setAppid(appId);
        config.setSecret(secret);
        config.useStableAccessToken(true);
        config.setApiHostUrl(apiUrl);
        config.setApacheHttpClientBuilder(http);
        setWxMaConfig(config);
        // Busy (-1) is tried once more by WxJava, after our pause, not five times with growing sleeps; 45011 by
        // WeChatCalls. Not zero: with no retries at all, WxJava 4.7.0's loop replaces every error's errmsg (WeChat's
        // answer, with its rid) with its own "retries exceeded".
        setMaxRetryTimes(1);
        setRetrySleepMillis(retryPauseMillis);
    }

    @Override
    protected String doGetStableAccessTokenRequest(boolean forceRefresh) throws IOException {
        return Fetches.guard(token, forceRefresh, () -> super.doGetStableAccessTokenRequest(forceRefresh));
    }

    @Override
    protected String doGetAccessTokenRequest() throws IOException {
        return Fetches.guard(token, false, super::doGetAccessTokenRequest);
    }

    /** The shared token in WxJava's configuration. */
    private static final class Config extends WxMaDefaultConfigImpl {

        private final transient SharedCredential token;

        Config(SharedCredential token) {
            this.token = token;
        }

        @Override
        public String getAccessToken() {
            return token.value();
        }

        @Override
        public boolean isAccessTokenExpired() {
            return token.isExpired();
        }

        @Override
        public synchronized void updateAccessToken(String accessToken, int expiresInSeconds) {
            token.update(accessToken, expiresInSeconds);
        }

        @Override
        public void expireAccessToken() {
            token.expire();
        }

        @Override
        public Lock getAccessTokenLock() {
            return token.lock();
        }
    }
}
