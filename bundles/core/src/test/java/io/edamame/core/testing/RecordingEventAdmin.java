package io.edamame.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** An EventAdmin that keeps every event it is given, posted or sent, in order. */
public final class RecordingEventAdmin implements EventAdmin {

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void postEvent(Event event) {
        events.add(event);
    }

    @Override
    public void sendEvent(Event event) {
        events.add(event);
    }

    public List<String> topics() {
        return events.stream().map(Event::getTopic).toList();
    }

    /** The one event of {@code topic}; fails unless exactly one was recorded. */
    public Event single(String topic) {
        List<Event> matching = events.stream().filter(e -> e.getTopic().equals(topic)).toList();
        assertEquals(1, matching.size(), () -> "events of " + topic + " among " + topics());
        return matching.get(0);
    }

    public void clear() {
        events.clear();
    }
}
