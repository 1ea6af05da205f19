package io.edamame.wechat.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Edamame WeChat",
        description = "Where WeChat is, how long to wait for it, and the limits of the service account's message endpoint.")
public @interface WeChatConfig {

    String PID = "io.edamame.wechat";

    @AttributeDefinition(name = "API host", description = "WeChat's server API. Tests point it at a fake on loopback.")
    String api_url() default "https://api.weixin.qq.com";

    @AttributeDefinition(name = "OAuth host", description = "Where browsers are sent to authorise an H5 login.")
    String open_url() default "https://open.weixin.qq.com";

    @AttributeDefinition(name = "Service account web host", description = "Serves the images of parametric QR codes.")
    String mp_url() default "https://mp.weixin.qq.com";

    @AttributeDefinition(name = "Public URL", description = "How browsers reach this platform, e.g. https://live.example.com; "
            + "OAuth callbacks go to <public.url>/wechat/<tenant>/oauth/callback.")
    String public_url() default "http://localhost:8181";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100")
    int http_connect_timeout_millis() default 3000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "100")
    int http_read_timeout_millis() default 5000;

    @AttributeDefinition(name = "Connections", description = "Pooled connections to WeChat, per host and in all.", min = "1")
    int http_max_connections() default 64;

    @AttributeDefinition(name = "Retry pause (ms)", min = "0",
            description = "Wait before the one retry of a call WeChat refused as busy (-1) or rate-limited (45011).")
    int retry_pause_millis() default 500;

    @AttributeDefinition(name = "Token fetch back-off (s)", min = "0",
            description = "After a failed access token fetch, calls of that app fail at once for this long, "
                    + "so that a wrong secret does not make every request ask WeChat again.")
    int token_failure_backoff_seconds() default 10;

    @AttributeDefinition(name = "Message size limit (bytes)", min = "1024")
    int portal_max_bytes() default 65_536;

    @AttributeDefinition(name = "Message clock skew (s)", min = "10",
            description = "Message endpoint requests whose timestamp is further from now are refused.")
    int portal_max_skew_seconds() default 300;

    @AttributeDefinition(name = "OAuth login time (s)", min = "30",
            description = "How long a browser may take between the redirect to WeChat and the callback.")
    int oauth_state_ttl_seconds() default 600;

    @AttributeDefinition(name = "Content check timeout (ms)", min = "50")
    int content_check_timeout_millis() default 1500;

    @AttributeDefinition(name = "Content checks at once", min = "1",
            description = "Checks waiting for WeChat at once in this node; beyond, a danmaku is handled as if WeChat "
                    + "were unavailable, so that a slow WeChat cannot hold every connection thread.")
    int content_check_max_concurrent() default 32;

    @AttributeDefinition(name = "Mini-program code width (px)", min = "280", max = "1280")
    int room_code_width() default 430;
}
