package io.freshet.state.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Readiness;
import io.freshet.core.trigger.Request;
import io.freshet.state.AtOnce;
import io.freshet.state.ConsumerView;
import io.freshet.state.Runs;
import io.freshet.state.StateStore;

/**
 * The one way a run comes to be, whoever asks (the trigger on an asset event, the tick on a
 * schedule, freshness or a code change, a backfill, a person): what asks joins the consumer
 * partition's pending set, the partition is evaluated, and a ready partition gets its run exactly
 * once, announced as {@code Run Requested}.
 *
 * <p>Exactly once under at-least-once, reordered and concurrent delivery rests on three things:
 * adding to the pending set is rejected atomically for events a run already consumed; a run is
 * created in one transaction with the consumer state's move to "run active", conditioned on the
 * version read (two evaluations that raced: one wins, the other re-reads); and the run id derives
 * from what it consumes, so repeating a step repeats the same write.
 */
public final class RunLauncher {

    /** Re-reads after losing a race; contention beyond this fails the invocation, and Lambda retries it. */
    private static final int MAX_ATTEMPTS = 20;

    /**
     * How long the process that ended a run has to announce the end before the sweep does: a
     * process that died right after ending it is retried by Lambda a minute or more later.
     */
    public static final Duration ANNOUNCE_GRACE = Duration.ofSeconds(30);

    /**
     * A new run's creator announces it and does not note that it did (one store call and two
     * write units less per run): a runner taking the run up is the proof. A run still QUEUED this
     * long after its creation, never requested again, is announced again (by the sweep, or by an
     * evaluation of its partition), this time with the note: its creator may have died between
     * creating and announcing it. Long enough that a concurrent duplicate delivery does not
     * announce a run its creator is announcing right now, and that only a real backlog (a runner
     * concurrency limit) sees one duplicate {@code Run Requested} per run, which the runner's lease
     * turns away; short enough that a lost announcement costs a few minutes at most.
     */
    public static final Duration UNSTARTED_GRACE = Duration.ofMinutes(2);

    private final StateStore store;
    private final RunAnnouncer announcer;
    private final ProtocolLog log;
    private final Clock clock;

    public RunLauncher(StateStore store, RunAnnouncer announcer, ProtocolLog log, Clock clock) {
        this.store = store;
        this.announcer = announcer;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Adds a request to the partition's pending set and evaluates the partition. False when the
     * request (or one of {@code unconsumed}) was consumed already: it was answered before.
     */
    public boolean request(Pipeline pipeline, String partition, Request request, List<String> unconsumed) {
        boolean added = store.consumers().addPending(pipeline.name(), partition, request.asPending(), unconsumed);
        log.info(added ? "run requested" : "request answered already", Map.of("pipeline", pipeline.name(), "partition", partition,
                "request", request.id(), "why", request.describe()));
        if (added) {
            evaluate(pipeline, partition);
        }
        return added;
    }

    /** Creates the consumer partition's next run if it is ready and no run is active. */
    public Optional<Run> evaluate(Pipeline consumer, String partition) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            ConsumerView view = store.consumers().view(consumer.name(), partition);
            if (view.activeRun().isPresent()) {
                // What is pending waits for the next run. If the active run has not started long after its creation, request it again.
                store.runs().run(view.activeRun().get())
                        .filter(r -> unstartedPastGrace(r, clock.instant()))
                        .ifPresent(this::announce);
                return Optional.empty();
            }
            if (view.consumptionUnfinished()) {
                store.consumers().cleanupConsumed(view.lastRun().get());
                continue;
            }
            Readiness.Decision decision = Readiness.decide(consumer, partition, view.pending(), store.events()::hasData);
            if (decision instanceof Readiness.Decision.Wait) {
                return Optional.empty();
            }
            List<PendingEvent> consumed = ((Readiness.Decision.Run) decision).consumed();
            Optional<Run> run = store.runs().tryCreate(view, runId(consumer, partition, consumed), consumed, reason(consumer, consumed));
            if (run.isEmpty()) {
                continue; // another evaluation changed this consumer partition first: read again
            }
            logCreated(run.get(), Map.of());
            announcer.runRequested(run.get()); // not noted: see UNSTARTED_GRACE
            return run;
        }
        throw new IllegalStateException("pipeline '" + consumer.name() + "' partition '" + partition + "': still contended after "
                + MAX_ATTEMPTS + " attempts; the invocation is retried");
    }

    /** What {@link #onDelivery} did with a delivered input event. */
    public enum OnDelivery {
        /** A run consumes it, created now. */
        RUN_CREATED,
        /** A run of the consumer partition consumed it already: a redelivery. */
        CONSUMED_ALREADY,
        /** It does not start a run by itself now (a run holds the partition, a condition waits, a race): it joins the pending set. */
        TO_PENDING;

        /** Whether the delivery needs nothing more. */
        public boolean answered() {
            return this == RUN_CREATED || this == CONSUMED_ALREADY;
        }
    }

    /**
     * The common case of an event-driven consumer, in one write instead of two: when the delivered
     * event, with what is pending, makes the partition ready and no run holds it, the run is created
     * consuming the event directly ({@link Runs#createOnDelivery}), without the event joining the
     * pending set first. Everything else ({@link OnDelivery#TO_PENDING}) goes the way of the pending
     * set and {@link #evaluate}, which reads the partition again: what changed in between (a run
     * ended, another input arrived) is seen there.
     *
     * @param verify the check that {@code delivered} is recorded as delivered (a read of its record),
     *               made at once with the partition's read: the event path waits for one round trip,
     *               not two. What it throws is thrown before anything is written.
     */
    public OnDelivery onDelivery(Pipeline consumer, String partition, AssetEvent delivered, Runnable verify) {
        ConsumerView view = AtOnce.get(verify, () -> store.consumers().view(consumer.name(), partition));
        boolean waitsAlready = view.pending().stream().anyMatch(p -> p.eventId().equals(delivered.eventId()));
        if (view.activeRun().isPresent() || view.consumptionUnfinished() || waitsAlready) {
            return OnDelivery.TO_PENDING;
        }
        PendingEvent event = PendingEvent.of(delivered);
        List<PendingEvent> candidates = new ArrayList<>(view.pending());
        candidates.add(event);
        if (!(Readiness.decide(consumer, partition, candidates, store.events()::hasData) instanceof Readiness.Decision.Run ready)
                || ready.consumed().size() > Runs.MAX_CONSUMED_ON_DELIVERY || !ready.consumed().contains(event)) {
            return OnDelivery.TO_PENDING;
        }
        List<PendingEvent> consumed = ready.consumed();
        return switch (store.runs().createOnDelivery(view, runId(consumer, partition, consumed), consumed, reason(consumer, consumed), delivered)) {
            case Runs.Delivered.Created created -> {
                logCreated(created.run(), Map.of("onDelivery", delivered.eventId()));
                announcer.runRequested(created.run()); // not noted: see UNSTARTED_GRACE
                yield OnDelivery.RUN_CREATED;
            }
            case Runs.Delivered.ConsumedAlready already -> OnDelivery.CONSUMED_ALREADY;
            case Runs.Delivered.Contended contended -> OnDelivery.TO_PENDING;
        };
    }

    /** The run id hashes pipeline, partition and the consumed ids: a repeated attempt writes the same run. */
    private static String runId(Pipeline consumer, String partition, List<PendingEvent> consumed) {
        return Ids.run(consumer.name(), partition, consumed.stream().map(PendingEvent::eventId).toList());
    }

    private void logCreated(Run run, Map<String, Object> also) {
        Map<String, Object> fields = new LinkedHashMap<>(Map.of("pipeline", run.pipeline(), "partition", run.partition(), "runId", run.runId(),
                "state", "QUEUED", "consumed", run.consumed().size(), "reason", run.reason()));
        fields.putAll(also);
        log.info("run created", fields);
    }

    /**
     * A QUEUED run that neither a runner nor anyone since its creator requested: its creator's
     * announcement may be lost once {@link #UNSTARTED_GRACE} is over.
     */
    public static boolean unstartedPastGrace(Run run, Instant now) {
        return run.state() == RunState.QUEUED && !run.announced() && run.retryAt().isEmpty()
                && run.createdAt().plus(UNSTARTED_GRACE).isBefore(now);
    }

    /** Sends {@code Run Requested} for the run's current attempt and notes that it went out (the sweep's re-requests). */
    public void announce(Run run) {
        announcer.runRequested(run);
        store.runs().markAnnounced(run.runId());
    }

    /**
     * Sends {@code Run Outputs Staged} for a PUBLISHING run (the attempt that staged them) and
     * notes when it went out, so that the sweep re-sends it only once it lingers again.
     */
    public void announceStaged(Run run, int attempt) {
        announcer.outputsStaged(run, attempt);
        store.runs().markAnnounced(run.runId());
    }

    /** Sends the run's end event and takes it off the sweeper's list. */
    public void announceEnd(Run run, RunState state, String reason) {
        if (state.isActive()) {
            throw new IllegalArgumentException("a run ends SUCCEEDED, FAILED or SKIPPED, not " + state);
        }
        announcer.runEnded(run, state, reason);
        store.runs().markEndAnnounced(run.runId());
    }

    /** Why a run was created, in words: the requests it answers, else the condition that held. */
    static String reason(Pipeline consumer, List<PendingEvent> consumed) {
        List<String> requests = consumed.stream().map(Request::of).flatMap(Optional::stream).map(Request::describe).distinct().toList();
        String assets = consumed.stream().filter(p -> !Request.isRequest(p))
                .collect(Collectors.groupingBy(PendingEvent::asset, TreeMap::new, Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
        if (!requests.isEmpty()) {
            return String.join("; ", requests) + (assets.isEmpty() ? "" : "; with new events: " + assets);
        }
        return "condition " + consumer.trigger().flatMap(t -> t.condition()).map(c -> c.text()).orElse("?")
                + " held with new events: " + assets;
    }
}
