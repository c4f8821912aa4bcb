package io.freshet.state;

import java.util.List;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.trigger.PendingEvent;

/**
 * Each consumer partition's state: its pending set (input events and requests waiting for its next
 * run), the markers of what its runs consumed, and which run holds it.
 */
public interface ConsumerStates {

    /**
     * Adds an input event to a consumer partition's pending set. Returns false when the event was
     * already consumed by a run of this consumer (a redelivery): the check and the put are atomic,
     * so a run consuming the event in between cannot be missed. A duplicate of a pending event
     * returns true and adds nothing.
     */
    default boolean addPending(String pipeline, String partition, PendingEvent e) {
        return addPending(pipeline, partition, e, List.of());
    }

    /**
     * Adds {@code e} to the pending set, atomically with the check that neither it nor any of
     * {@code unconsumed} (at most 98) was consumed by a run of this consumer partition. A backfill
     * uses it to request a downstream run only while the upstream's new event still waits: had a
     * run consumed that event already, the backfill adopts that run instead of asking for another.
     */
    boolean addPending(String pipeline, String partition, PendingEvent e, List<String> unconsumed);

    /** What {@link #addDelivered} did. */
    enum Delivery {
        /** Pending now, or pending already (a duplicate delivery: nothing added). */
        ADDED,
        /** A run of this consumer partition consumed the event already: nothing added. */
        CONSUMED_ALREADY,
        /**
         * Nothing written: no event is recorded with this id in exactly this form. The caller reads
         * the record to say why ({@code RecordedEvents}), or, finding an equal event stored in
         * another form (written by an older version), adds it with {@link #addPending}.
         */
        NOT_AS_RECORDED
    }

    /**
     * The trigger's one write for a delivered input event: {@link #addPending} in the same atomic
     * write that checks the event is recorded exactly as delivered (its stored form), where a read
     * and a write were two calls. The items it names are the event's own (written once more, by
     * its producer's "announced" mark, as it announces) and this consumer's for the event: a
     * collision is rare and the write is tried again.
     */
    Delivery addDelivered(String pipeline, String partition, AssetEvent delivered);

    /** The run of this consumer partition that consumed an event or request, if one did. */
    Optional<String> consumedBy(String pipeline, String partition, String eventId);

    /** Whether an event or request waits in this consumer partition's pending set. */
    boolean isPending(String pipeline, String partition, PendingEvent e);

    /** A consistent read of one consumer partition: its state and its pending events. */
    ConsumerView view(String pipeline, String partition);

    /**
     * Moves a run's consumed events out of the pending set: first a consumed marker (which makes
     * redeliveries bounce), then the pending item goes; then the partition notes its last run
     * cleaned. Idempotent; anyone may finish it.
     */
    void cleanupConsumed(String runId);
}
