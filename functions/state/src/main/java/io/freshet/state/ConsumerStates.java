package io.freshet.state;

import java.util.List;
import java.util.Optional;

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
