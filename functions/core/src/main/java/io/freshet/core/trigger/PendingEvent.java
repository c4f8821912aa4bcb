package io.freshet.core.trigger;

import java.time.Instant;

import io.freshet.core.events.AssetEvent;

/** An input event waiting, for one consumer partition, to be consumed by that consumer's next run. */
public record PendingEvent(String eventId, String asset, String partition, Instant time) {

    /** The pending form of an input event: its id, asset, partition and time. */
    public static PendingEvent of(AssetEvent e) {
        return new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time());
    }
}
