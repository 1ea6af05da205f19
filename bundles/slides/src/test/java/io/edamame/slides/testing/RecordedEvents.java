package io.edamame.slides.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** An EventAdmin that keeps what it is given, in order; tests read the events of a topic. */
public final class RecordedEvents implements EventAdmin {

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @Override
    public void postEvent(Event event) {
        events.add(event);
    }

    /** Synchronous delivery would run listeners inside the caller's transaction: this bundle never sends. */
    @Override
    public void sendEvent(Event event) {
        sent.add(event.getTopic());
        events.add(event);
    }

    public List<Event> of(String topic) {
        return events.stream().filter(e -> e.getTopic().equals(topic)).toList();
    }

    public List<String> sentTopics() {
        return List.copyOf(sent);
    }

    public void clear() {
        events.clear();
        sent.clear();
    }
}
