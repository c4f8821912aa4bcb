package io.freshet.core.trigger;

import java.time.Instant;

/** An input event waiting, for one consumer partition, to be consumed by that consumer's next run. */
public record PendingEvent(String eventId, String asset, String partition, Instant time) {
}
