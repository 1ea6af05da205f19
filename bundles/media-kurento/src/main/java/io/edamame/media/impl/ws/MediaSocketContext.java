package io.edamame.media.impl.ws;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;

/**
 * The servlet context {@value #PATH} of the media signaling WebSocket: a context of the plugin's own, so
 * that installing, upgrading or removing the plugin restarts only this one.
 */
@Component(service = ServletContextHelper.class, property = {
        HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + MediaSocketContext.NAME,
        HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH + "=" + MediaSocketContext.PATH})
public class MediaSocketContext extends ServletContextHelper {

    static final String NAME = "edamame-media";
    static final String PATH = "/ws/media";
}
