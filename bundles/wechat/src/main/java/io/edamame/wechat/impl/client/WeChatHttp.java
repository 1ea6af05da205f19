package io.edamame.wechat.impl.client;

import io.edamame.wechat.impl.WeChatConfig;
import java.util.concurrent.TimeUnit;
import me.chanjar.weixin.common.util.http.apache.ApacheHttpClientBuilder;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.ConnectionKeepAliveStrategy;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * The one HTTP client every WxJava service of this bundle uses: pooled, with our timeouts and the JDK's own TLS
 * checks. WxJava's default builder is a process-wide singleton whose settings we would share with anyone, and it
 * starts a thread nobody stops; this one is closed with the component.
 */
public final class WeChatHttp implements ApacheHttpClientBuilder, AutoCloseable {

    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;

    public WeChatHttp(WeChatConfig config) {
        this(config.http_connect_timeout_millis(), config.http_read_timeout_millis(), config.http_max_connections());
    }

    public WeChatHttp(int connectTimeoutMillis, int readTimeoutMillis, int maxConnections) {
        connections = new PoolingHttpClientConnectionManager(60, TimeUnit.SECONDS);
        connections.setMaxTotal(maxConnections);
        connections.setDefaultMaxPerRoute(maxConnections);
        connections.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(readTimeoutMillis).build());
        connections.setValidateAfterInactivity(2_000);
        client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(connectTimeoutMillis)
                        .setSocketTimeout(readTimeoutMillis)
                        .setConnectionRequestTimeout(readTimeoutMillis)
                        .build())
                // A call WeChat may have executed is never sent twice by the client: retries are ours to decide.
                .disableAutomaticRetries()
                .evictIdleConnections(30, TimeUnit.SECONDS)
                .setUserAgent("Edamame")
                .build();
    }

    @Override
    public CloseableHttpClient build() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            // closing: nothing left to do
        }
        connections.shutdown();
    }

    // Proxies and custom TLS are configured on this class as a whole, not through WxJava.

    @Override
    public ApacheHttpClientBuilder httpProxyHost(String httpProxyHost) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpProxyPort(int httpProxyPort) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpProxyUsername(String httpProxyUsername) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpProxyPassword(String httpProxyPassword) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpRequestRetryHandler(HttpRequestRetryHandler httpRequestRetryHandler) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder keepAliveStrategy(ConnectionKeepAliveStrategy keepAliveStrategy) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder sslConnectionSocketFactory(SSLConnectionSocketFactory sslConnectionSocketFactory) {
        return this;
    }
}
