package io.edamame.wechat.testing;

import io.edamame.wechat.impl.WeChatConfig;
import java.lang.annotation.Annotation;
import java.net.URI;

/**
 * The bundle's configuration as Declarative Services would hand it over, pointed at a fake WeChat: the defaults of
 * {@link WeChatConfig} except where a test says otherwise, and a short retry pause.
 */
public final class TestConfig implements WeChatConfig {

    private String apiUrl;
    private String openUrl;
    private String mpUrl;
    private String publicUrl = "https://live.example.com";
    private int connectTimeoutMillis = 1000;
    private int readTimeoutMillis = 5000;
    private int retryPauseMillis = 1;
    private int tokenBackoffSeconds = 10;
    private int portalMaxBytes = 65_536;
    private int portalMaxSkewSeconds = 300;
    private int oauthStateTtlSeconds = 600;
    private int contentCheckTimeoutMillis = 3000;
    private int contentCheckMaxConcurrent = 8;

    private TestConfig(URI wechat) {
        this.apiUrl = wechat.toString();
        this.openUrl = wechat.toString();
        this.mpUrl = wechat.toString();
    }

    /** Every WeChat host at {@code wechat}. */
    public static TestConfig at(URI wechat) {
        return new TestConfig(wechat);
    }

    public TestConfig apiUrl(String url) {
        this.apiUrl = url;
        return this;
    }

    public TestConfig publicUrl(String url) {
        this.publicUrl = url;
        return this;
    }

    public TestConfig tokenBackoffSeconds(int seconds) {
        this.tokenBackoffSeconds = seconds;
        return this;
    }

    public TestConfig portalMaxBytes(int bytes) {
        this.portalMaxBytes = bytes;
        return this;
    }

    public TestConfig contentCheckTimeoutMillis(int millis) {
        this.contentCheckTimeoutMillis = millis;
        return this;
    }

    public TestConfig contentCheckMaxConcurrent(int checks) {
        this.contentCheckMaxConcurrent = checks;
        return this;
    }

    @Override
    public String api_url() {
        return apiUrl;
    }

    @Override
    public String open_url() {
        return openUrl;
    }

    @Override
    public String mp_url() {
        return mpUrl;
    }

    @Override
    public String public_url() {
        return publicUrl;
    }

    @Override
    public int http_connect_timeout_millis() {
        return connectTimeoutMillis;
    }

    @Override
    public int http_read_timeout_millis() {
        return readTimeoutMillis;
    }

    @Override
    public int http_max_connections() {
        return 16;
    }

    @Override
    public int retry_pause_millis() {
        return retryPauseMillis;
    }

    @Override
    public int token_failure_backoff_seconds() {
        return tokenBackoffSeconds;
    }

    @Override
    public int portal_max_bytes() {
        return portalMaxBytes;
    }

    @Override
    public int portal_max_skew_seconds() {
        return portalMaxSkewSeconds;
    }

    @Override
    public int oauth_state_ttl_seconds() {
        return oauthStateTtlSeconds;
    }

    @Override
    public int content_check_timeout_millis() {
        return contentCheckTimeoutMillis;
    }

    @Override
    public int content_check_max_concurrent() {
        return contentCheckMaxConcurrent;
    }

    @Override
    public int room_code_width() {
        return 430;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return WeChatConfig.class;
    }
}
