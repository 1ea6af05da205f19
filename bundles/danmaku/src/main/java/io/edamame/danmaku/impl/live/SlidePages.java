package io.edamame.danmaku.impl.live;

import io.edamame.core.api.PluginRegistry;
import io.edamame.danmaku.impl.DanmakuPlugin;
import io.edamame.danmaku.impl.fanout.FanoutItem;
import io.edamame.danmaku.impl.fanout.RoomKey;
import io.edamame.slides.api.SlideEvents;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Slides with voice on the danmaku stream: every page turn of a room reaches its danmaku viewers as a
 * {@code page} item, on every node, so that a client showing only the danmaku stream turns pages too.
 * Only the event's topic and property names are used (compile-time constants of the slides API), so
 * this bundle runs without the slides bundle installed; it then hears nothing.
 */
@Component(service = EventHandler.class, property = EventConstants.EVENT_TOPIC + "=" + SlideEvents.PAGE_TURNED)
public class SlidePages implements EventHandler {

    private final LiveRooms liveRooms;
    private final PluginRegistry plugins;

    @Activate
    public SlidePages(@Reference LiveRooms liveRooms, @Reference PluginRegistry plugins) {
        this.liveRooms = liveRooms;
        this.plugins = plugins;
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(SlideEvents.TENANT_ID) instanceof Long tenantId)
                || !(event.getProperty(SlideEvents.ROOM_ID) instanceof Long roomId)
                || !(event.getProperty(SlideEvents.DECK_ID) instanceof Long deckId)
                || !(event.getProperty(SlideEvents.PAGE) instanceof Integer page)
                || !plugins.isEnabled(tenantId, DanmakuPlugin.ID)) {
            return;
        }
        int pageCount = event.getProperty(SlideEvents.PAGE_COUNT) instanceof Integer count ? count : 0;
        Long offsetMs = event.getProperty(SlideEvents.OFFSET_MS) instanceof Long offset ? offset : null;
        liveRooms.broadcast(new BusMessage.Event(new RoomKey(tenantId, roomId),
                new FanoutItem.Page(deckId, page, pageCount, offsetMs)));
    }
}
