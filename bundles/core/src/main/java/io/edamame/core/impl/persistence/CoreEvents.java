package io.edamame.core.impl.persistence;

import io.edamame.core.api.EdamameEvents;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Posts the core's events ({@link EdamameEvents}) asynchronously, after the change is committed. */
@Component(service = CoreEvents.class)
public class CoreEvents {

    private final EventAdmin eventAdmin;

    @Activate
    public CoreEvents(@Reference EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    public void post(String topic, Object... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        eventAdmin.postEvent(new Event(topic, properties));
    }
}
