package io.freshet.cli.backfill;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.freshet.core.backfill.BackfillPlan;
import io.freshet.core.backfill.BackfillPlan.Item;
import io.freshet.core.backfill.BackfillPlan.Key;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Readiness;
import io.freshet.core.trigger.Request;
import io.freshet.state.StateStore;
import io.freshet.state.protocol.RunLauncher;

/**
 * Runs a backfill through the same path as every run: for each (pipeline, partition) of the plan,
 * once the items it depends on have finished, a backfill request joins the partition's pending
 * set and the partition is evaluated; the run that consumes the request is the item's run.
 *
 * <p>At most {@code concurrency} items are requested or running at once. Nothing lives only in
 * this process: the request ids derive from the backfill id, the item and its round, and the store
 * says which run consumed which request, so a resumed backfill picks up exactly where the last
 * one stopped, and asks again (a new round) only for items whose run failed.
 *
 * <p>A downstream item first waits until the upstream runs' new events that the trigger delivers
 * to its partition reached its pending set: only those. An event the trigger routes elsewhere (a
 * {@code latest} input's update goes to the partition current when it happened) is never waited
 * for, and an upstream run that ended SKIPPED published nothing to wait for. The wait is a state
 * of the item, polled with the others, not a pause of the whole backfill, and it is bounded by
 * {@code deliveryWait} in case a delivery was lost. If runs of the item's own trigger consumed
 * every such event already, the newest of them is the item's run and nothing more is asked;
 * otherwise the request is added in one transaction with the check that the pending ones are
 * still unconsumed. Either way one run covers the upstream's new data. A forced backfill
 * ({@code --force}) never adopts: its own forced request is answered by a run of its own.
 */
public final class BackfillDriver {

    /** Where an item stands. */
    public enum State { WAITING, DELIVERING, REQUESTED, RUNNING, SUCCEEDED, SKIPPED, FAILED, BLOCKED }

    /** Counts for the progress line. */
    public record Progress(int done, int running, int failed, int remaining, int total) {
        @Override
        public String toString() {
            return done + "/" + total + " done, " + running + " running, " + failed + " failed, " + remaining + " remaining";
        }
    }

    /** The outcome of every item, in plan order. */
    public record Result(String backfillId, Map<Key, State> states, Map<Key, String> runs) {
        public boolean succeeded() {
            return states.values().stream().allMatch(s -> s == State.SUCCEEDED || s == State.SKIPPED);
        }

        public Progress progress() {
            return BackfillDriver.progress(states);
        }
    }

    private final Project project;
    private final StateStore store;
    private final RunLauncher launcher;
    private final Clock clock;
    private final int concurrency;
    private final Duration poll;
    private final Duration deliveryWait;
    private final boolean force;

    public BackfillDriver(Project project, StateStore store, RunLauncher launcher, Clock clock,
                          int concurrency, Duration poll, Duration deliveryWait) {
        this(project, store, launcher, clock, concurrency, poll, deliveryWait, false);
    }

    /** @param force whether every item's run executes even when its inputs and code are unchanged */
    public BackfillDriver(Project project, StateStore store, RunLauncher launcher, Clock clock,
                          int concurrency, Duration poll, Duration deliveryWait, boolean force) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (poll.isNegative() || poll.isZero() || deliveryWait.isNegative()) {
            throw new IllegalArgumentException("poll must be positive and deliveryWait not negative, got " + poll + " and " + deliveryWait);
        }
        this.force = force;
        this.project = project;
        this.store = store;
        this.launcher = launcher;
        this.clock = clock;
        this.concurrency = concurrency;
        this.poll = poll;
        this.deliveryWait = deliveryWait;
    }

    /** A new backfill's id: when it was asked for, and what. */
    public static String newId(String asset, Instant now) {
        return "bf-" + DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now)
                + "-" + Ids.hash(6, List.of(asset, now.toString(), Long.toString(System.nanoTime())));
    }

    /** Runs (or resumes) a backfill to the end: every item succeeded, skipped, failed, or blocked by a failed upstream. */
    public Result run(String backfillId, BackfillPlan plan, Consumer<Progress> onProgress) throws InterruptedException {
        Map<Key, Tracked> items = new LinkedHashMap<>();
        for (Item item : plan.items()) {
            items.put(item.key(), resume(backfillId, item));
        }
        Progress last = null;
        while (true) {
            int inFlight = advanceStarted(backfillId, items.values());
            startReady(backfillId, items, inFlight);
            Map<Key, State> states = new LinkedHashMap<>();
            items.forEach((k, t) -> states.put(k, t.state));
            Progress now = progress(states);
            if (!now.equals(last)) {
                onProgress.accept(now);
                last = now;
            }
            if (now.remaining() == 0 && now.running() == 0) {
                Map<Key, String> runs = new LinkedHashMap<>();
                items.forEach((k, t) -> t.runId.ifPresent(r -> runs.put(k, r)));
                return new Result(backfillId, states, runs);
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** Brings every started item up to date (delivering what it still waits for); returns how many are in flight. */
    private int advanceStarted(String backfillId, Collection<Tracked> items) {
        int inFlight = 0;
        for (Tracked t : items) {
            refresh(backfillId, t);
            if (t.state == State.DELIVERING) {
                deliver(backfillId, t);
            }
            if (inFlight(t.state)) {
                inFlight++;
            }
        }
        return inFlight;
    }

    /**
     * Starts the waiting items whose upstreams all ended well, while fewer than {@code concurrency} are in
     * flight, and blocks those with a failed upstream.
     */
    private void startReady(String backfillId, Map<Key, Tracked> items, int alreadyInFlight) {
        int inFlight = alreadyInFlight;
        for (Tracked t : items.values()) {
            if (t.state != State.WAITING) {
                continue;
            }
            List<State> deps = t.item.dependsOn().stream().map(k -> items.get(k).state).toList();
            // A failed upstream blocks its dependents at once, whatever the concurrency.
            if (deps.stream().anyMatch(BackfillDriver::failedOrBlocked)) {
                t.state = State.BLOCKED;
            } else if (inFlight < concurrency && deps.stream().allMatch(BackfillDriver::endedWell)) {
                t.awaited = awaitedEvents(t, items);
                t.deliveryDeadline = Instant.now().plus(deliveryWait);
                t.state = State.DELIVERING;
                deliver(backfillId, t);
                inFlight++;
            }
        }
    }

    private static boolean failedOrBlocked(State s) {
        return s == State.FAILED || s == State.BLOCKED;
    }

    private static boolean endedWell(State s) {
        return s == State.SUCCEEDED || s == State.SKIPPED;
    }

    private static boolean inFlight(State s) {
        return s == State.DELIVERING || s == State.REQUESTED || s == State.RUNNING;
    }

    private static Progress progress(Map<Key, State> states) {
        int done = 0;
        int running = 0;
        int failed = 0;
        int remaining = 0;
        for (State s : states.values()) {
            switch (s) {
                case SUCCEEDED, SKIPPED -> done++;
                case DELIVERING, REQUESTED, RUNNING -> running++;
                case FAILED, BLOCKED -> failed++;
                case WAITING -> remaining++;
            }
        }
        return new Progress(done, running, failed, remaining, states.size());
    }

    private static final class Tracked {
        final Item item;
        int round;
        State state = State.WAITING;
        Optional<String> runId = Optional.empty();
        /** While DELIVERING: the upstream events the trigger delivers to this item's partition, and until when to wait for them. */
        List<PendingEvent> awaited = List.of();
        Instant deliveryDeadline = Instant.MAX;

        Tracked(Item item, int round) {
            this.item = item;
            this.round = round;
        }
    }

    private Request request(String backfillId, Tracked t) {
        return Request.backfill(backfillId, t.item.key().pipeline(), t.item.key().partition(), t.round, force, clock.instant());
    }

    /** What the store says about an item: its run if one consumed its request; a failed one gets a new round. */
    private Tracked resume(String backfillId, Item item) {
        Key k = item.key();
        Tracked t = new Tracked(item, store.backfills().round(backfillId, k.pipeline(), k.partition()));
        Optional<String> adopted = store.backfills().adoptedRun(backfillId, k.pipeline(), k.partition());
        Optional<String> run = adopted.or(() -> store.consumers().consumedBy(k.pipeline(), k.partition(), request(backfillId, t).id()));
        if (run.isPresent()) {
            t.runId = run;
            t.state = State.RUNNING;
            refresh(backfillId, t);
            if (t.state == State.FAILED) { // resuming retries it
                t.round++;
                store.backfills().setRound(backfillId, k.pipeline(), k.partition(), t.round);
                store.backfills().setAdoptedRun(backfillId, k.pipeline(), k.partition(), Optional.empty());
                t.runId = Optional.empty();
                t.state = State.WAITING;
            }
        }
        return t;
    }

    private void refresh(String backfillId, Tracked t) {
        Key k = t.item.key();
        if (t.state == State.REQUESTED) {
            t.runId = store.consumers().consumedBy(k.pipeline(), k.partition(), request(backfillId, t).id());
            if (t.runId.isPresent()) {
                t.state = State.RUNNING;
            }
        }
        if (t.state == State.RUNNING) {
            Run run = store.runs().run(t.runId.orElseThrow()).orElseThrow(() -> new IllegalStateException("run " + t.runId.get() + " vanished"));
            t.state = switch (run.state()) {
                case QUEUED, RUNNING, PUBLISHING -> State.RUNNING;
                case SUCCEEDED -> State.SUCCEEDED;
                case SKIPPED -> State.SKIPPED;
                case FAILED -> State.FAILED;
            };
        }
    }

    /**
     * One look at a DELIVERING item: once every awaited event reached its pending set or was
     * consumed (or the wait ran out), adopt the run that consumed them or add the item's request.
     */
    private void deliver(String backfillId, Tracked t) {
        Key k = t.item.key();
        List<PendingEvent> pending = new ArrayList<>();
        List<Run> consumers = new ArrayList<>();
        boolean missing = false;
        for (PendingEvent e : t.awaited) {
            Optional<String> by = store.consumers().consumedBy(k.pipeline(), k.partition(), e.eventId());
            if (by.isPresent()) {
                store.runs().run(by.get()).ifPresent(consumers::add);
            } else if (store.consumers().isPending(k.pipeline(), k.partition(), e)) {
                pending.add(e);
            } else {
                missing = true;
            }
        }
        if (missing && Instant.now().isBefore(t.deliveryDeadline)) {
            return; // still on its way from the trigger
        }
        if (!force && pending.isEmpty() && !consumers.isEmpty()) {
            // The item's own trigger ran on the upstream's new data already: its newest such run is the item's run.
            Run newest = consumers.stream().max(Comparator.comparing(Run::createdAt).thenComparing(Run::runId)).orElseThrow();
            adopt(backfillId, t, newest.runId());
            return;
        }
        Pipeline pipeline = project.pipeline(k.pipeline()).orElseThrow();
        Request r = request(backfillId, t);
        launcher.request(pipeline, k.partition(), r, pending.stream().map(PendingEvent::eventId).toList());
        if (store.consumers().consumedBy(k.pipeline(), k.partition(), r.id()).isPresent() || store.consumers().isPending(k.pipeline(), k.partition(), r.asPending())) {
            t.state = State.REQUESTED;
        }
        // else the request bounced: a run consumed one of the pending events meanwhile; look again at the next poll
    }

    private void adopt(String backfillId, Tracked t, String runId) {
        Key k = t.item.key();
        store.backfills().setAdoptedRun(backfillId, k.pipeline(), k.partition(), Optional.of(runId));
        t.runId = Optional.of(runId);
        t.state = State.RUNNING;
    }

    /**
     * The events this item's finished upstream runs recorded for its inputs that the trigger
     * delivers to the item's partition (the others can never arrive there).
     */
    private List<PendingEvent> awaitedEvents(Tracked t, Map<Key, Tracked> items) {
        Key k = t.item.key();
        Pipeline pipeline = project.pipeline(k.pipeline()).orElseThrow();
        List<PendingEvent> out = new ArrayList<>();
        for (Key dep : t.item.dependsOn()) {
            Tracked d = items.get(dep);
            if (d.state != State.SUCCEEDED || d.runId.isEmpty()) {
                continue; // a skipped run published nothing new
            }
            Pipeline producer = project.pipeline(dep.pipeline()).orElseThrow();
            for (String asset : producer.outputAssets()) {
                Optional<Input> input = pipeline.input(asset);
                if (input.isEmpty()) {
                    continue;
                }
                String eventId = Ids.runOutput(d.runId.get(), asset);
                Optional<AssetEvent> event = store.events().event(eventId);
                if (event.isEmpty()) {
                    continue;
                }
                Instant time = event.get().time();
                if (Readiness.consumerPartitions(pipeline, input.get(), dep.partition(), time).contains(k.partition())) {
                    out.add(new PendingEvent(eventId, asset, dep.partition(), time));
                }
            }
        }
        return out;
    }
}
