package io.freshet.local.backfill;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.freshet.aws.runs.RunLauncher;
import io.freshet.aws.store.DynamoStore;
import io.freshet.aws.store.SchedulerStore;
import io.freshet.core.backfill.BackfillPlan;
import io.freshet.core.backfill.BackfillPlan.Item;
import io.freshet.core.backfill.BackfillPlan.Key;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Request;

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
 * <p>A downstream item first waits (a bounded time) until the upstream run's new events reached
 * its pending set. If a run of its own trigger consumed them already, that run is the item's run
 * and nothing more is asked; otherwise the request is added in one transaction with the check
 * that those events are still unconsumed. Either way one run covers the upstream's new data.
 */
public final class BackfillDriver {

    /** Where an item stands. */
    public enum State { WAITING, REQUESTED, RUNNING, SUCCEEDED, SKIPPED, FAILED, BLOCKED }

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
    private final DynamoStore store;
    private final SchedulerStore schedulerStore;
    private final RunLauncher launcher;
    private final Clock clock;
    private final int concurrency;
    private final Duration poll;
    private final Duration deliveryWait;

    public BackfillDriver(Project project, DynamoStore store, SchedulerStore schedulerStore, RunLauncher launcher, Clock clock,
                          int concurrency, Duration poll, Duration deliveryWait) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.project = project;
        this.store = store;
        this.schedulerStore = schedulerStore;
        this.launcher = launcher;
        this.clock = clock;
        this.concurrency = concurrency;
        this.poll = poll;
        this.deliveryWait = deliveryWait;
    }

    /** A new backfill's id: when it was asked for, and what. */
    public static String newId(String asset, Instant now) {
        return "bf-" + java.time.format.DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC).format(now)
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
            int inFlight = 0;
            for (Tracked t : items.values()) {
                refresh(backfillId, t);
                if (t.state == State.REQUESTED || t.state == State.RUNNING) {
                    inFlight++;
                }
            }
            for (Tracked t : items.values()) {
                if (t.state != State.WAITING || inFlight >= concurrency) {
                    continue;
                }
                List<State> deps = t.item.dependsOn().stream().map(k -> items.get(k).state).toList();
                if (deps.stream().anyMatch(s -> s == State.FAILED || s == State.BLOCKED)) {
                    t.state = State.BLOCKED;
                } else if (deps.stream().allMatch(s -> s == State.SUCCEEDED || s == State.SKIPPED)) {
                    submit(backfillId, t, items);
                    inFlight++;
                }
            }
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

    private static Progress progress(Map<Key, State> states) {
        int done = 0;
        int running = 0;
        int failed = 0;
        int remaining = 0;
        for (State s : states.values()) {
            switch (s) {
                case SUCCEEDED, SKIPPED -> done++;
                case REQUESTED, RUNNING -> running++;
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

        Tracked(Item item, int round) {
            this.item = item;
            this.round = round;
        }
    }

    private Request request(String backfillId, Tracked t) {
        return Request.backfill(backfillId, t.item.key().pipeline(), t.item.key().partition(), t.round, clock.instant());
    }

    /** What the store says about an item: its run if one consumed its request; a failed one gets a new round. */
    private Tracked resume(String backfillId, Item item) {
        Key k = item.key();
        Tracked t = new Tracked(item, schedulerStore.backfillRound(backfillId, k.pipeline(), k.partition()));
        Optional<String> adopted = schedulerStore.backfillRun(backfillId, k.pipeline(), k.partition());
        Optional<String> run = adopted.or(() -> store.consumedBy(k.pipeline(), k.partition(), request(backfillId, t).id()));
        if (run.isPresent()) {
            t.runId = run;
            t.state = State.RUNNING;
            refresh(backfillId, t);
            if (t.state == State.FAILED) { // resuming retries it
                t.round++;
                schedulerStore.setBackfillRound(backfillId, k.pipeline(), k.partition(), t.round);
                schedulerStore.setBackfillRun(backfillId, k.pipeline(), k.partition(), Optional.empty());
                t.runId = Optional.empty();
                t.state = State.WAITING;
            }
        }
        return t;
    }

    private void refresh(String backfillId, Tracked t) {
        Key k = t.item.key();
        if (t.state == State.REQUESTED) {
            t.runId = store.consumedBy(k.pipeline(), k.partition(), request(backfillId, t).id());
            if (t.runId.isPresent()) {
                t.state = State.RUNNING;
            }
        }
        if (t.state == State.RUNNING) {
            Run run = store.run(t.runId.orElseThrow()).orElseThrow(() -> new IllegalStateException("run " + t.runId.get() + " vanished"));
            t.state = switch (run.state()) {
                case QUEUED, RUNNING -> State.RUNNING;
                case SUCCEEDED -> State.SUCCEEDED;
                case SKIPPED -> State.SKIPPED;
                case FAILED -> State.FAILED;
            };
        }
    }

    private void submit(String backfillId, Tracked t, Map<Key, Tracked> items) throws InterruptedException {
        Key k = t.item.key();
        Pipeline pipeline = project.pipeline(k.pipeline()).orElseThrow();
        List<PendingEvent> upstream = upstreamEvents(pipeline, t, items);
        Optional<String> adopted = awaitDelivery(k, upstream);
        if (adopted.isEmpty()) {
            Request r = request(backfillId, t);
            launcher.request(pipeline, k.partition(), r, upstream.stream().map(PendingEvent::eventId).toList());
            adopted = store.consumedBy(k.pipeline(), k.partition(), r.id()).isPresent() || store.isPending(k.pipeline(), k.partition(), r.asPending())
                    ? Optional.empty()
                    : consumer(k, upstream); // the request bounced: a run consumed the upstream events meanwhile
        }
        if (adopted.isPresent()) {
            schedulerStore.setBackfillRun(backfillId, k.pipeline(), k.partition(), adopted);
            t.runId = adopted;
            t.state = State.RUNNING;
        } else {
            t.state = State.REQUESTED;
        }
    }

    /** The events this item's finished upstream runs recorded for its inputs. */
    private List<PendingEvent> upstreamEvents(Pipeline pipeline, Tracked t, Map<Key, Tracked> items) {
        List<PendingEvent> out = new ArrayList<>();
        for (Key dep : t.item.dependsOn()) {
            Tracked d = items.get(dep);
            if (d.state != State.SUCCEEDED || d.runId.isEmpty()) {
                continue; // a skipped run published nothing new
            }
            Pipeline producer = project.pipeline(dep.pipeline()).orElseThrow();
            for (String asset : producer.outputAssets()) {
                if (pipeline.input(asset).isEmpty()) {
                    continue;
                }
                String eventId = Ids.runOutput(d.runId.get(), asset);
                store.eventJson(eventId).ifPresent(json -> out.add(new PendingEvent(eventId, asset, dep.partition(), DynamoStore.eventTime(json))));
            }
        }
        return out;
    }

    /**
     * Waits until every upstream event reached the item's pending set (or was consumed); returns
     * the run that consumed one, if any did.
     */
    private Optional<String> awaitDelivery(Key k, List<PendingEvent> upstream) throws InterruptedException {
        Instant giveUp = Instant.now().plus(deliveryWait);
        while (true) {
            Optional<String> consumedBy = consumer(k, upstream);
            if (consumedBy.isPresent()) {
                return consumedBy;
            }
            boolean allArrived = upstream.stream().allMatch(e -> store.isPending(k.pipeline(), k.partition(), e));
            if (allArrived || Instant.now().isAfter(giveUp)) {
                return Optional.empty();
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private Optional<String> consumer(Key k, List<PendingEvent> upstream) {
        for (PendingEvent e : upstream) {
            Optional<String> run = store.consumedBy(k.pipeline(), k.partition(), e.eventId());
            if (run.isPresent()) {
                return run;
            }
        }
        return Optional.empty();
    }
}
