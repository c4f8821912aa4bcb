package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/** Runs: created once per consumer state version, attempts fenced by number and lease, one commit point, one end. */
abstract class RunsContract extends StoreContract {

    static final String P = "core_trips";
    static final String DAY = "2026-05-26";
    static final Duration LEASE = Duration.ofMinutes(15);

    private Run created(String runId, String... eventIds) {
        for (String id : eventIds) {
            store.consumers().addPending(P, DAY, pending(upload(id, "landing.taps", DAY, clock.instant())));
        }
        ConsumerView seen = store.consumers().view(P, DAY);
        return store.runs().tryCreate(seen, runId, seen.pending(), "test").orElseThrow();
    }

    private int started(String runId) {
        return store.runs().startAttempt(runId, clock.instant().plus(LEASE)).orElseThrow();
    }

    @Test
    void oneRunPerConsumerStateVersion() {
        store.consumers().addPending(P, DAY, pending(upload("ev-1", "landing.taps", DAY, clock.instant())));
        ConsumerView seen = store.consumers().view(P, DAY);
        Run run = store.runs().tryCreate(seen, "run-1", seen.pending(), "condition held").orElseThrow();
        assertEquals(Optional.empty(), store.runs().tryCreate(seen, "run-2", seen.pending(), "a racing evaluation"), "the other loses");
        assertEquals(Optional.empty(), store.runs().tryCreate(store.consumers().view(P, DAY), "run-1", seen.pending(), "again"),
                "the same run twice");

        assertEquals(RunState.QUEUED, run.state());
        assertEquals(List.of("ev-1"), run.consumed());
        Run read = store.runs().run("run-1").orElseThrow();
        assertEquals(run.createdAt().truncatedTo(ChronoUnit.MICROS), read.createdAt(), "kept to the microsecond");
        assertEquals(Optional.of(START.truncatedTo(ChronoUnit.MICROS)), read.oldestInput());
        ConsumerView after = store.consumers().view(P, DAY);
        assertEquals(Optional.of("run-1"), after.activeRun());
        assertEquals(1, after.version());
        assertEquals(List.of("run-1"), store.runs().active().stream().map(Run::runId).toList());
    }

    @Test
    void anAttemptHoldsTheRunUntilItsLeaseRunsOut() {
        created("run-1", "ev-1");
        assertEquals(1, started("run-1"));
        assertEquals(Optional.empty(), store.runs().startAttempt("run-1", clock.instant().plus(LEASE)), "a redelivered request while held");
        clock.advance(LEASE.plusSeconds(1));
        assertEquals(2, started("run-1"), "the lease ran out: the next attempt takes over");
        Run run = store.runs().run("run-1").orElseThrow();
        assertEquals(RunState.RUNNING, run.state());
        assertEquals(2, run.attempt());
        assertEquals(Optional.empty(), store.runs().startAttempt("run-unknown", clock.instant()));
    }

    @Test
    void aStaleAttemptCannotEndTheRunAndTheEndFreesTheConsumerPartition() {
        created("run-1", "ev-1");
        started("run-1");
        clock.advance(LEASE.plusSeconds(1));
        started("run-1");

        assertFalse(store.runs().finish("run-1", 1, RunState.FAILED, "stale"));
        assertFalse(store.runs().retryLater("run-1", 1, clock.instant(), "stale"));
        assertEquals(RunState.RUNNING, store.runs().run("run-1").orElseThrow().state(), "nothing was written");

        assertTrue(store.runs().finish("run-1", 2, RunState.SUCCEEDED, "done"));
        assertFalse(store.runs().finish("run-1", 2, RunState.SUCCEEDED, "done"), "once");
        Run ended = store.runs().run("run-1").orElseThrow();
        assertEquals(RunState.SUCCEEDED, ended.state());
        assertEquals(Optional.of("done"), ended.finishReason());
        ConsumerView consumer = store.consumers().view(P, DAY);
        assertEquals(Optional.empty(), consumer.activeRun());
        assertEquals(2, consumer.version());
        assertEquals(List.of(), store.runs().active());
        assertEquals(List.of("run-1"), store.runs().unannouncedEnds().stream().map(Run::runId).toList());
        store.runs().markEndAnnounced("run-1");
        assertEquals(List.of(), store.runs().unannouncedEnds());
        assertThrows(StoreException.class, () -> store.runs().finishUnfenced("run-1", RunState.FAILED, "again"));
        assertThrows(IllegalArgumentException.class, () -> store.runs().finish("run-1", 2, RunState.RUNNING, "not an end"));
    }

    @Test
    void aRunEndsUnfencedWhileActive() {
        created("run-1", "ev-1");
        store.runs().finishUnfenced("run-1", RunState.FAILED, "an operator");
        assertEquals(RunState.FAILED, store.runs().run("run-1").orElseThrow().state());
        assertEquals(Optional.empty(), store.consumers().view(P, DAY).activeRun());
    }

    @Test
    void aFailedAttemptRetriesLaterUnderTheSameRun() {
        created("run-1", "ev-1");
        started("run-1");
        store.runs().markAnnounced("run-1");
        Instant retryAt = clock.instant().plus(Duration.ofMinutes(2));
        assertTrue(store.runs().retryLater("run-1", 1, retryAt, "timeout"));

        Run queued = store.runs().run("run-1").orElseThrow();
        assertEquals(RunState.QUEUED, queued.state());
        assertFalse(queued.announced(), "the next attempt is announced again");
        assertEquals(Optional.of(retryAt.truncatedTo(ChronoUnit.MICROS)), queued.retryAt());
        assertEquals(Optional.empty(), queued.leaseUntil());
        assertEquals(Optional.of("run-1"), store.consumers().view(P, DAY).activeRun(), "the consumer partition stays held");
        assertEquals(Optional.empty(), store.runs().startAttempt("run-1", clock.instant().plus(LEASE)), "not before its time");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(2, started("run-1"));
    }

    @Test
    void theOutputsAreStagedThenRecordedAllAtOnceUnderTheFenceAndOnce() {
        created("run-1", "ev-1");
        started("run-1");
        List<AssetEvent> outputs = List.of(output("out-1", "core.trips", DAY, clock.instant(), "run-1"),
                output("out-2", "core.stats", DAY, clock.instant(), "run-1"));
        Map<String, String> versions = Map.of("landing.taps", "v-ev-1");

        assertFalse(store.runs().recordOutputs("run-1", 1, outputs, versions, "code-1"), "nothing is recorded before it is staged");
        assertTrue(store.runs().stageOutputs("run-1", 1, outputs, versions, "code-1"));
        assertTrue(store.runs().stageOutputs("run-1", 1, outputs, versions, "code-1"), "repeated after an unclear answer");
        assertEquals(RunState.PUBLISHING, store.runs().run("run-1").orElseThrow().state());
        StagedOutputs staged = store.runs().staged("run-1").orElseThrow();
        assertEquals(new StagedOutputs(1, outputs, versions, "code-1", staged.stagedAt()), staged);
        assertEquals(Optional.empty(), store.events().stored("out-1"), "staged events are not recorded yet");
        clock.advance(LEASE.plusSeconds(1));
        assertEquals(Optional.empty(), store.runs().startAttempt("run-1", clock.instant().plus(LEASE)),
                "no attempt starts on a publishing run, whatever its lease");

        assertTrue(store.runs().recordOutputs("run-1", 1, outputs, versions, "code-1"));
        assertTrue(store.runs().recordOutputs("run-1", 1, outputs, versions, "code-1"), "repeated after an unclear answer");
        assertEquals(Optional.of(List.of("out-1", "out-2")), store.runs().recordedOutputs("run-1"));
        assertEquals(Optional.of(new StoredEvent(outputs.get(0), false)), store.events().stored("out-1"));
        assertEquals(List.of(outputs.get(0)), store.events().history("core.trips", DAY), "recorded once");
        assertEquals(Optional.of(outputs.get(1)), store.events().latest("core.stats", DAY), "the follow-ups applied");

        assertTrue(store.runs().finish("run-1", 1, RunState.SUCCEEDED, "published"));
        assertEquals(Optional.of(Map.of("landing.taps", "v-ev-1", "@code", "code-1")),
                store.runs().lastSucceededInputs(P, DAY, "@code"));
        assertEquals(Optional.empty(), store.runs().lastSucceededInputs(P, "2026-05-25", "@code"));
    }

    @Test
    void anAttemptThatLostTheRunStagesAndRecordsNothing() {
        created("run-1", "ev-1");
        started("run-1");
        clock.advance(LEASE.plusSeconds(1));
        List<AssetEvent> late = List.of(output("out-1", "core.trips", DAY, clock.instant(), "run-1"));
        assertFalse(store.runs().stageOutputs("run-1", 1, late, Map.of(), "code-1"), "its lease ran out");
        started("run-1");
        assertFalse(store.runs().stageOutputs("run-1", 1, late, Map.of(), "code-1"), "another attempt holds it");
        assertEquals(Optional.empty(), store.runs().staged("run-1"));
        assertTrue(store.runs().stageOutputs("run-1", 2, late, Map.of(), "code-1"));
        assertFalse(store.runs().recordOutputs("run-1", 1, late, Map.of(), "code-1"), "the run publishes attempt 2's outputs");
        assertEquals(Optional.empty(), store.runs().recordedOutputs("run-1"));
        assertEquals(Optional.empty(), store.events().stored("out-1"));
        assertEquals(List.of(), store.events().history("core.trips", DAY));
        assertFalse(store.runs().finish("run-1", 1, RunState.FAILED, "stale"), "nor can the stale attempt end it");
        assertTrue(store.runs().recordOutputs("run-1", 2, late, Map.of(), "code-1"));
        assertTrue(store.runs().finish("run-1", 2, RunState.SUCCEEDED, "published"));
    }

    @Test
    void oneTransactionBoundsTheOutputs() {
        created("run-1", "ev-1");
        started("run-1");
        List<AssetEvent> tooMany = Collections.nCopies(50, output("out", "core.trips", DAY, clock.instant(), "run-1"));
        assertThrows(IllegalArgumentException.class, () -> store.runs().recordOutputs("run-1", 1, tooMany, Map.of(), "code-1"));
    }

    @Test
    void aPipelinesRunsListNewestFirstAndTheSweeperSeesTheOldestFirst() {
        created("run-1", "ev-1");
        store.runs().finishUnfenced("run-1", RunState.SUCCEEDED, "done");
        clock.advance(Duration.ofMinutes(1));
        created("run-2", "ev-2");
        assertEquals(List.of("run-2", "run-1"), store.runs().of(P).stream().map(Run::runId).toList());
        assertEquals(List.of(), store.runs().of("other"));
        assertEquals(List.of("run-2"), store.runs().active().stream().map(Run::runId).toList());
        store.runs().markAnnounced("run-2");
        assertTrue(store.runs().run("run-2").orElseThrow().announced());
    }
}
