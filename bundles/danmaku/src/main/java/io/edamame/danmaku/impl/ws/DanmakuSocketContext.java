package io.edamame.danmaku.impl.ws;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;

/**
 * The servlet context {@value #PATH} of the danmaku WebSocket. Pax Web registers WebSocket endpoints
 * when it (re)starts a context; a context of the plugin's own means that installing, upgrading or
 * removing the plugin restarts only this one, never the context of the REST API or of other plugins.
 */
@Component(service = ServletContextHelper.class, property = {
        HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + DanmakuSocketContext.NAME,
        HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH + "=" + DanmakuSocketContext.PATH})
public class DanmakuSocketContext extends ServletContextHelper {

    static final String NAME = "edamame-danmaku";
    static final String PATH = "/ws/danmaku";
}
