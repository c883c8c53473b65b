package org.datafold.core.internal.engine;

import java.util.List;
import java.util.function.Supplier;

import org.datafold.core.api.FieldChangeEvent;
import org.datafold.api.query.FieldChange;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes field changes as OSGi events on {@link FieldChange#TOPIC}, asynchronously
 * ({@link EventAdmin#postEvent}), through whichever EventAdmin is bound at the time. Without one,
 * the changes are dropped: events are notifications, the data is already committed.
 */
final class EventAdminPublisher implements FieldChangePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(EventAdminPublisher.class);

    private final Supplier<EventAdmin> eventAdmin;

    EventAdminPublisher(Supplier<EventAdmin> eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public void publish(List<FieldChangeEvent> changes) {
        EventAdmin admin = eventAdmin.get();
        if (admin == null) {
            LOG.debug("no EventAdmin: {} field change(s) not published", changes.size());
            return;
        }
        for (FieldChangeEvent change : changes) {
            admin.postEvent(new Event(FieldChange.TOPIC, change.properties()));
        }
    }
}
