package io.edamame.slides.impl;

import io.edamame.core.api.EdamameEvents;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes a room's slides, rows and images, once the core has deleted the room. */
@Component(property = EventConstants.EVENT_TOPIC + "=" + EdamameEvents.ROOM_DELETED)
public class RoomDeletions implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RoomDeletions.class);

    private final SlideServiceImpl slides;

    @Activate
    public RoomDeletions(@Reference SlideServiceImpl slides) {
        this.slides = slides;
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(EdamameEvents.TENANT_ID) instanceof Number tenant)
                || !(event.getProperty(EdamameEvents.ROOM_ID) instanceof Number room)) {
            LOG.warn("SLIDES: {} without {} and {} ignored", event.getTopic(), EdamameEvents.TENANT_ID,
                    EdamameEvents.ROOM_ID);
            return;
        }
        try {
            slides.roomDeleted(tenant.longValue(), room.longValue());
        } catch (RuntimeException e) {
            LOG.error("SLIDES room {}: removing the slides of the deleted room failed", room, e);
        }
    }
}
