package io.edamame.wechat.impl.client;

import java.io.IOException;
import java.util.concurrent.locks.Lock;
import me.chanjar.weixin.common.enums.TicketType;
import me.chanjar.weixin.mp.api.impl.WxMpServiceImpl;
import me.chanjar.weixin.mp.config.WxMpHostConfig;
import me.chanjar.weixin.mp.config.impl.WxMpDefaultConfigImpl;

/**
 * WxJava's service account service for one tenant's app, with its access token and JS-SDK ticket shared by every
 * node ({@link SharedCredential}).
 */
public final class ServiceAccountClient extends WxMpServiceImpl {

    private final SharedCredential token;

    ServiceAccountClient(String apiUrl, String openUrl, String mpUrl, String appId, String secret, String messageToken,
                         String aesKey, SharedCredential token, SharedCredential jsapiTicket, WeChatHttp http,
                         int retryPauseMillis) {
        this.token = token;
        Config config = new Config(token, jsapiTicket);
        config.setAppId(appId);
        config.setSecret(secret);
        config.setToken(messageToken);
        config.setAesKey(aesKey);
        config.useStableAccessToken(true);
        config.setHostConfig(WxMpHostConfig.builder().apiHost(apiUrl).openHost(openUrl).mpHost(mpUrl).build());
        config.setApacheHttpClientBuilder(http);
        setWxMpConfigStorage(config);
        // Busy (-1) is tried once more by WxJava, after our pause; with no retries, WxJava 4.7.0 turns it into an
        // exception without errcode at once. 45011 is retried by WeChatCalls.
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

    /** The shared token and JS-SDK ticket in WxJava's configuration; other tickets stay WxJava's own. */
    private static final class Config extends WxMpDefaultConfigImpl {

        private static final long serialVersionUID = 1L;

        private final transient SharedCredential token;
        private final transient SharedCredential jsapiTicket;

        Config(SharedCredential token, SharedCredential jsapiTicket) {
            this.token = token;
            this.jsapiTicket = jsapiTicket;
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

        @Override
        public String getTicket(TicketType type) {
            return type == TicketType.JSAPI ? jsapiTicket.value() : super.getTicket(type);
        }

        @Override
        public Lock getTicketLock(TicketType type) {
            return type == TicketType.JSAPI ? jsapiTicket.lock() : super.getTicketLock(type);
        }

        @Override
        public boolean isTicketExpired(TicketType type) {
            return type == TicketType.JSAPI ? jsapiTicket.isExpired() : super.isTicketExpired(type);
        }

        @Override
        public synchronized void updateTicket(TicketType type, String ticket, int expiresInSeconds) {
            if (type == TicketType.JSAPI) {
                jsapiTicket.update(ticket, expiresInSeconds);
            } else {
                super.updateTicket(type, ticket, expiresInSeconds);
            }
        }

        @Override
        public void expireTicket(TicketType type) {
            if (type == TicketType.JSAPI) {
                jsapiTicket.expire();
            } else {
                super.expireTicket(type);
            }
        }
    }
}
