package io.freshet.aws;

import java.util.List;

import io.freshet.aws.events.EventBridgeClients;
import io.freshet.aws.events.EventPublisher;

/** Announces on the Freshet bus through {@link EventPublisher} (batched, size-checked, failed entries retried). */
public final class PublishingAnnouncer implements Announcer {

    private final EventPublisher publisher;

    public PublishingAnnouncer(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public static PublishingAnnouncer create(Config config) {
        return new PublishingAnnouncer(new EventPublisher(EventBridgeClients.create(config.eventBridgeEndpoint()), config.bus()));
    }

    @Override
    public void announce(String detailType, String detailJson) {
        publisher.publish(List.of(new EventPublisher.OutgoingEvent(detailType, detailJson, List.of())));
    }
}
