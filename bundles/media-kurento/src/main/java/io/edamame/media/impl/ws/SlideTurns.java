package io.edamame.media.impl.ws;

import io.edamame.core.api.Caller;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.media.impl.room.MediaRooms;
import io.edamame.media.impl.room.RoomKey;
import io.edamame.slides.api.PageTurn;
import io.edamame.slides.api.SlideEvents;
import io.edamame.slides.api.SlideService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Slides on the signaling channel: the host's {@code turnPage}, the current page in {@code join}'s
 * answer, and {@code pageTurned} to every participant whenever the slides bundle reports a turn (from
 * here, from REST, or a new deck).
 */
@Component(service = {SlideTurns.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + SlideEvents.PAGE_TURNED)
public class SlideTurns implements EventHandler {

    private final SlideService slides;
    private final MediaRooms rooms;

    @Activate
    public SlideTurns(@Reference SlideService slides, @Reference MediaRooms rooms) {
        this.slides = slides;
        this.rooms = rooms;
    }

    Map<String, Object> turn(Caller caller, RoomKey room, int page) {
        if (caller == null) {
            throw new EdamameException(CoreErrorCode.UNAUTHENTICATED, "Sign in to turn pages");
        }
        PageTurn turn = slides.turnPage(caller, room.tenantId(), room.roomId(), page);
        return describe(turn, pageCount(turn));
    }

    Optional<Map<String, Object>> current(RoomKey room) {
        return slides.currentPage(room.tenantId(), room.roomId()).map(turn -> describe(turn, pageCount(turn)));
    }

    @Override
    public void handleEvent(Event event) {
        if (!(event.getProperty(SlideEvents.TENANT_ID) instanceof Long tenantId)
                || !(event.getProperty(SlideEvents.ROOM_ID) instanceof Long roomId)
                || !(event.getProperty(SlideEvents.DECK_ID) instanceof Long deckId)
                || !(event.getProperty(SlideEvents.PAGE) instanceof Integer page)) {
            return;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("deckId", deckId);
        params.put("page", page);
        params.put("pageCount", event.getProperty(SlideEvents.PAGE_COUNT));
        params.put("offsetMs", event.getProperty(SlideEvents.OFFSET_MS));
        params.put("newDeck", Boolean.TRUE.equals(event.getProperty(SlideEvents.NEW_DECK)));
        rooms.existing(tenantId, roomId).ifPresent(room -> room.tellEveryone("pageTurned", params));
    }

    private int pageCount(PageTurn turn) {
        return slides.deck(turn.tenantId(), turn.roomId(), turn.deckId()).map(deck -> deck.pageCount()).orElse(0);
    }

    private static Map<String, Object> describe(PageTurn turn, int pageCount) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("deckId", turn.deckId());
        page.put("page", turn.page());
        page.put("pageCount", pageCount);
        page.put("offsetMs", turn.offsetMs());
        return page;
    }
}
