package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;

/** Consumer partitions: a pending set that rejects what a run consumed, atomically with the check. */
abstract class ConsumerStatesContract extends StoreContract {

    static final Instant T = Instant.parse("2026-05-26T06:15:02.123456789Z");
    static final String P = "core_trips";
    static final String DAY = "2026-05-26";

    @Test
    void anEventWaitsOnceInThePendingSetOldestFirst() {
        PendingEvent later = pending(upload("ev-2", "landing.taps", DAY, T.plusSeconds(60)));
        PendingEvent first = pending(upload("ev-1", "landing.taps", DAY, T));
        assertTrue(store.consumers().addPending(P, DAY, later));
        assertTrue(store.consumers().addPending(P, DAY, first));
        assertTrue(store.consumers().addPending(P, DAY, first), "a duplicate delivery: nothing to add, not rejected");

        ConsumerView view = store.consumers().view(P, DAY);
        assertEquals(List.of("ev-1", "ev-2"), view.pending().stream().map(PendingEvent::eventId).toList());
        assertEquals(T.truncatedTo(ChronoUnit.MICROS), view.pending().get(0).time(), "times are kept to the microsecond");
        assertEquals(0, view.version());
        assertEquals(Optional.empty(), view.activeRun());
        assertTrue(store.consumers().isPending(P, DAY, first));
        assertFalse(store.consumers().isPending(P, "2026-05-25", first));
    }

    @Test
    void aPartitionNobodyTouchedIsEmpty() {
        assertEquals(new ConsumerView(P, DAY, 0, Optional.empty(), Optional.empty(), true, List.of()), store.consumers().view(P, DAY));
        assertEquals(Optional.empty(), store.consumers().consumedBy(P, DAY, "ev-1"));
    }

    @Test
    void whatARunConsumedLeavesThePendingSetAndBouncesWhenRedelivered() {
        AssetEvent e = upload("ev-1", "landing.taps", DAY, T);
        store.consumers().addPending(P, DAY, pending(e));
        ConsumerView seen = store.consumers().view(P, DAY);
        Run run = store.runs().tryCreate(seen, "run-1", seen.pending(), "test").orElseThrow();
        assertTrue(store.consumers().view(P, DAY).lastRunCleaned(), "the creation consumed the events in the same write");
        assertEquals(List.of(), store.consumers().view(P, DAY).pending());

        store.consumers().cleanupConsumed(run.runId()); // idempotent: anyone may finish it

        ConsumerView after = store.consumers().view(P, DAY);
        assertEquals(List.of(), after.pending());
        assertTrue(after.lastRunCleaned());
        assertEquals(Optional.of("run-1"), after.lastRun());
        assertEquals(Optional.of("run-1"), store.consumers().consumedBy(P, DAY, "ev-1"));
        assertFalse(store.consumers().addPending(P, DAY, pending(e)), "consumed already: the redelivery is rejected");
        assertEquals(List.of(), store.consumers().view(P, DAY).pending());
        assertTrue(store.consumers().addPending("other_pipeline", DAY, pending(e)), "another consumer's pending set is its own");
    }

    @Test
    void aRunTooLargeForOneTransactionConsumesItsEventsRightAfter() {
        List<PendingEvent> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) { // 2 + 2 * 60 items: more than a transaction holds
            PendingEvent p = pending(upload("ev-" + i, "landing.taps", DAY, T.plusSeconds(i)));
            store.consumers().addPending(P, DAY, p);
            many.add(p);
        }
        ConsumerView seen = store.consumers().view(P, DAY);
        store.runs().tryCreate(seen, "run-1", seen.pending(), "test").orElseThrow();

        store.consumers().cleanupConsumed("run-1"); // idempotent: anyone may finish it
        ConsumerView after = store.consumers().view(P, DAY);
        assertEquals(List.of(), after.pending());
        assertTrue(after.lastRunCleaned());
        for (PendingEvent p : many) {
            assertEquals(Optional.of("run-1"), store.consumers().consumedBy(P, DAY, p.eventId()));
            assertFalse(store.consumers().addPending(P, DAY, p), "consumed already: " + p.eventId());
        }
    }

    @Test
    void anEventIsAddedOnlyWhileNoneOfTheNamedOthersWasConsumed() {
        AssetEvent consumed = upload("ev-1", "landing.taps", DAY, T);
        store.consumers().addPending(P, DAY, pending(consumed));
        ConsumerView seen = store.consumers().view(P, DAY);
        store.runs().tryCreate(seen, "run-1", seen.pending(), "test").orElseThrow();
        store.consumers().cleanupConsumed("run-1");

        PendingEvent request = pending(upload("req-1", "landing.taps", DAY, T.plusSeconds(5)));
        assertFalse(store.consumers().addPending(P, DAY, request, List.of("ev-0", "ev-1")));
        assertEquals(List.of(), store.consumers().view(P, DAY).pending(), "nothing was added");
        assertTrue(store.consumers().addPending(P, DAY, request, List.of("ev-0")));
    }

    @Test
    void aDeliveredEventIsAddedOnceAndNotAfterARunConsumedIt() {
        AssetEvent e = upload("ev-1", "landing.taps", DAY, T);
        store.events().record(e);
        assertTrue(store.consumers().addPending(P, DAY, pending(e)));
        assertEquals(List.of("ev-1"), store.consumers().view(P, DAY).pending().stream().map(PendingEvent::eventId).toList());
        assertTrue(store.consumers().addPending(P, DAY, pending(e)), "a duplicate: nothing to add");
        assertEquals(1, store.consumers().view(P, DAY).pending().size());

        ConsumerView seen = store.consumers().view(P, DAY);
        store.runs().tryCreate(seen, "run-1", seen.pending(), "test").orElseThrow();
        assertFalse(store.consumers().addPending(P, DAY, pending(e)));
        assertEquals(List.of(), store.consumers().view(P, DAY).pending());
        assertTrue(store.consumers().addPending("other_pipeline", DAY, pending(e)));
    }

    @Test
    void aDeliveredEventStartsARunInOneWriteOnlyOnce() {
        AssetEvent waiting = upload("ev-0", "landing.taps", DAY, T.minusSeconds(60));
        store.events().record(waiting);
        store.consumers().addPending(P, DAY, pending(waiting));
        AssetEvent e = upload("ev-1", "landing.taps", DAY, T);
        store.events().record(e);
        List<PendingEvent> both = List.of(pending(waiting), pending(e));
        ConsumerView seen = store.consumers().view(P, DAY);

        Runs.Delivered created = store.runs().createOnDelivery(seen, "run-1", both, "test", e);
        Run run = ((Runs.Delivered.Created) created).run();
        assertEquals(List.of("ev-0", "ev-1"), run.consumed());
        ConsumerView after = store.consumers().view(P, DAY);
        assertEquals(Optional.of("run-1"), after.activeRun());
        assertEquals(List.of(), after.pending(), "the waiting event was consumed; the delivered one never waited");
        assertTrue(after.lastRunCleaned());
        assertEquals(Optional.of("run-1"), store.consumers().consumedBy(P, DAY, "ev-0"));
        assertEquals(Optional.of("run-1"), store.consumers().consumedBy(P, DAY, "ev-1"));
        assertEquals(Optional.of(RunState.QUEUED), store.runs().run("run-1").map(Run::state));

        // A redelivery, seen from before the run or after it, never makes a second run.
        assertEquals(new Runs.Delivered.ConsumedAlready(), store.runs().createOnDelivery(seen, "run-2", List.of(pending(e)), "test", e));
        store.runs().finishUnfenced("run-1", RunState.SUCCEEDED, "done");
        ConsumerView free = store.consumers().view(P, DAY);
        assertEquals(new Runs.Delivered.ConsumedAlready(), store.runs().createOnDelivery(free, "run-2", List.of(pending(e)), "test", e));
        assertEquals(Optional.empty(), store.runs().run("run-2"));
        assertFalse(store.consumers().addPending(P, DAY, pending(e)), "consumed already");

        // Another evaluation moved the partition on since it was read: nothing written, the event goes to the pending set.
        AssetEvent next = upload("ev-2", "landing.taps", DAY, T.plusSeconds(60));
        store.events().record(next);
        assertEquals(new Runs.Delivered.Contended(), store.runs().createOnDelivery(seen, "run-3", List.of(pending(next)), "test", next));
        assertEquals(Optional.empty(), store.consumers().consumedBy(P, DAY, "ev-2"));
        assertEquals(Optional.empty(), store.runs().run("run-3"));
        assertTrue(store.runs().createOnDelivery(free, "run-3", List.of(pending(next)), "test", next) instanceof Runs.Delivered.Created);
    }

    /**
     * A redelivery of the same event that found a run holding the partition (read before that run
     * ended) adds it to the pending set after this evaluation read the partition free: no run is
     * created on the delivery, which goes the way of the pending set, and the run the evaluation
     * then creates consumes it once.
     */
    @Test
    void aDeliveredEventAddedToThePendingSetAfterThePartitionWasReadIsConsumedOnce() {
        AssetEvent e = upload("ev-1", "landing.taps", DAY, T);
        store.events().record(e);
        ConsumerView seen = store.consumers().view(P, DAY);
        assertTrue(store.consumers().addPending(P, DAY, pending(e))); // the other delivery's write
        assertEquals(Optional.empty(), store.consumers().consumedBy(P, DAY, "ev-1"), "waiting is not consumed");

        assertEquals(new Runs.Delivered.Contended(), store.runs().createOnDelivery(seen, "run-1", List.of(pending(e)), "test", e));
        assertEquals(Optional.empty(), store.runs().run("run-1"));
        assertTrue(store.consumers().addPending(P, DAY, pending(e)), "a duplicate: it waits already");
        ConsumerView now = store.consumers().view(P, DAY);
        assertEquals(List.of("ev-1"), now.pending().stream().map(PendingEvent::eventId).toList());
        store.runs().tryCreate(now, "run-2", now.pending(), "test").orElseThrow();
        assertEquals(List.of(), store.consumers().view(P, DAY).pending());
        assertEquals(Optional.of("run-2"), store.consumers().consumedBy(P, DAY, "ev-1"));
        assertFalse(store.consumers().addPending(P, DAY, pending(e)), "consumed already");
        store.runs().finishUnfenced("run-2", RunState.SUCCEEDED, "done");
        assertEquals(new Runs.Delivered.ConsumedAlready(),
                store.runs().createOnDelivery(store.consumers().view(P, DAY), "run-3", List.of(pending(e)), "test", e));
    }

    @Test
    void aRunConsumingMoreEventsThanOneTransactionHoldsStillConsumesThemAll() {
        for (int i = 0; i < 60; i++) {
            store.consumers().addPending(P, DAY, pending(upload("ev-" + i, "landing.taps", DAY, T.plusSeconds(i))));
        }
        ConsumerView seen = store.consumers().view(P, DAY);
        assertEquals(60, seen.pending().size());
        store.runs().tryCreate(seen, "run-1", seen.pending(), "test").orElseThrow();

        ConsumerView after = store.consumers().view(P, DAY);
        assertEquals(List.of(), after.pending());
        assertTrue(after.lastRunCleaned());
        for (int i = 0; i < 60; i++) {
            assertEquals(Optional.of("run-1"), store.consumers().consumedBy(P, DAY, "ev-" + i));
        }
    }
}
