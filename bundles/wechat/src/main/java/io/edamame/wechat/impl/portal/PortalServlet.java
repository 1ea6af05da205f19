package io.edamame.wechat.impl.portal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ErrorCode;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TokenService;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.TenantWeChat;
import io.edamame.wechat.impl.WeChatUsers;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.store.StoreException;
import io.edamame.wechat.impl.store.WeChatStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.Servlet;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What WeChat and browsers inside WeChat call outside the REST API, under {@code /wechat/<tenant>/}:
 * {@code portal} (the service account's message endpoint, GET to verify and POST for messages),
 * {@code oauth/authorize} and {@code oauth/callback} (H5 login). Errors are answered as in the REST API: a
 * status and a JSON body with a stable {@code code}.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/wechat/*",
        "osgi.http.whiteboard.servlet.name=edamame-wechat"})
public class PortalServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PortalServlet.class);
    private static final Pattern PATH = Pattern.compile("/([a-z0-9][a-z0-9-]{0,62})/(portal|oauth/authorize|oauth/callback)");

    private final transient WeChatApps apps;
    private final transient TenantService tenants;
    private final transient PluginRegistry plugins;
    private final transient MessageEndpoint endpoint;
    private final transient OAuthLogin oauth;
    private final transient ObjectMapper json = new ObjectMapper();

    @Activate
    public PortalServlet(@Reference WeChatApps apps, @Reference TenantService tenants, @Reference PluginRegistry plugins,
                         @Reference WeChatStore store, @Reference PortalMessages messages,
                         @Reference WeChatUsers weChatUsers, @Reference TokenService tokens,
                         @Reference RoomService rooms) {
        this.apps = apps;
        this.tenants = tenants;
        this.plugins = plugins;
        Clock clock = Clock.systemUTC();
        this.endpoint = new MessageEndpoint(store, messages, apps.config(), clock);
        this.oauth = new OAuthLogin(apps, store, weChatUsers, tokens, rooms, clock);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean post) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        try {
            Matcher path = PATH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
            if (!path.matches()) {
                throw new EdamameException(CoreErrorCode.NOT_FOUND, "No such WeChat endpoint");
            }
            String action = path.group(2);
            if (post && !"portal".equals(action)) {
                throw new EdamameException(CoreErrorCode.METHOD_NOT_ALLOWED, "Use GET");
            }
            Tenant tenant = tenants.find(path.group(1)).filter(Tenant::isActive)
                    .orElseThrow(() -> new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No such tenant"));
            plugins.requireEnabled(tenant.id(), WeChatSettings.PLUGIN_ID);
            switch (action) {
                case "portal" -> portal(tenant, request, response, post);
                case "oauth/authorize" -> redirect(response, tenant,
                        oauth.authorize(tenant, request.getParameter("roomId"), request.getParameter("scope")));
                default -> redirect(response, tenant, oauth.callback(tenant, request.getParameter("code"),
                        request.getParameter("state"), cookie(request, OAuthLogin.STATE_COOKIE)));
            }
        } catch (EdamameException e) {
            error(response, e.code(), e.getMessage(), e.details());
        } catch (StoreException e) {
            LOG.error("WECHAT {}: database failed", request.getPathInfo(), e);
            error(response, CoreErrorCode.INTERNAL_ERROR, "The request could not be completed", null);
        } catch (RuntimeException e) {
            // Answered as the REST API answers the unexpected: JSON, and the details only in the log.
            LOG.error("WECHAT {}: failed", request.getPathInfo(), e);
            error(response, CoreErrorCode.INTERNAL_ERROR, "The request could not be completed", null);
        }
    }

    private void portal(Tenant tenant, HttpServletRequest request, HttpServletResponse response, boolean post)
            throws IOException {
        TenantWeChat settings = apps.settings(tenant.id());
        TenantWeChat.ServiceAccount account = settings.serviceAccount().orElseThrow(() -> new EdamameException(
                WeChatErrorCode.WECHAT_NOT_CONFIGURED, "This tenant has not set up a service account"));
        Map<String, String> query = new HashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (values.length == 1) {
                query.put(name, values[0]);
            }
        });
        MessageEndpoint.Answer answer;
        if (post) {
            String body = readLimited(request, apps.config().portal_max_bytes());
            answer = endpoint.receive(tenant.id(), settings, account, apps.serviceAccount(tenant.id()),
                    new PortalRequest(query, body));
        } else {
            answer = endpoint.verify(account, new PortalRequest(query, null));
        }
        response.setStatus(200);
        response.setContentType(answer.contentType());
        response.getOutputStream().write(answer.body().getBytes(StandardCharsets.UTF_8));
    }

    /** The body, refused beyond {@code max} bytes before more is read. */
    private static String readLimited(HttpServletRequest request, int max) throws IOException {
        if (request.getContentLengthLong() > max) {
            throw tooLarge(max);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (body.size() + read > max) {
                    throw tooLarge(max);
                }
                body.write(buffer, 0, read);
            }
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static EdamameException tooLarge(int max) {
        return new EdamameException(WeChatErrorCode.MESSAGE_TOO_LARGE, "Messages are at most " + max + " bytes");
    }

    private void redirect(HttpServletResponse response, Tenant tenant, OAuthLogin.Redirect redirect) {
        Cookie cookie = new Cookie(OAuthLogin.STATE_COOKIE, redirect.stateCookie() == null ? "" : redirect.stateCookie());
        cookie.setPath("/wechat/" + tenant.slug() + "/oauth");
        cookie.setHttpOnly(true);
        cookie.setSecure(apps.config().public_url().startsWith("https:"));
        cookie.setMaxAge(redirect.stateCookie() == null ? 0 : apps.config().oauth_state_ttl_seconds());
        response.addCookie(cookie);
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setStatus(302);
        response.setHeader("Location", redirect.location());
    }

    private static String cookie(HttpServletRequest request, String name) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie cookie : request.getCookies()) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private void error(HttpServletResponse response, ErrorCode code, String message, Object details)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(code.httpStatus());
        response.setContentType("application/json;charset=UTF-8");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code.name());
        body.put("message", message);
        body.put("details", details);
        json.writeValue(response.getOutputStream(), body);
    }
}
