package io.freshet.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.condition.Condition;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Exactly one run per readiness, against DynamoDB Local and the metro pipelines: random
 * schedules of asset events, delivered with duplicates, out of order, redelivered after they were
 * consumed, and from several threads at once, create exactly the runs of a reference model that
 * sees each event once, in the order of first delivery; no event is consumed twice or lost.
 */
class ExactlyOnceTriggerTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final List<String> ASSETS = List.of("landing.taps", "raw.stations", "raw.routes", "raw.route_stations", "raw.passengers");
    static final List<String> DAYS = List.of("2026-05-25", "2026-05-26");

    static LocalDynamo dynamo;
    static ExecutorService threads;
    static final AtomicInteger TABLES = new AtomicInteger();

    @BeforeContainer
    static void start() {
        dynamo = LocalDynamo.start();
        threads = Executors.newFixedThreadPool(8);
    }

    @AfterContainer
    static void stop() {
        threads.shutdownNow();
        dynamo.close();
    }

    /** A world: a fresh table, the trigger service over it, and what it announced. */
    static final class World {
        final StateStore store;
        final TriggerService service;
        final List<String> announced = new CopyOnWriteArrayList<>();

        World() {
            String table = "freshet-" + TABLES.incrementAndGet();
            DynamoStateStore.createTable(dynamo.client(), table);
            store = new DynamoStateStore(dynamo.client(), table, Clock.systemUTC());
            service = new TriggerService(METRO, store, (type, json) -> announced.add(type + " " + json),
                    new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Map.of()), Clock.systemUTC());
        }

        /** What a producer does before it announces an event: records it (the trigger only accepts recorded events). */
        void record(AssetEvent e) {
            store.events().record(e);
        }

        /** Every run, grouped by consumer partition, each as the set of events it consumed, in creation order. */
        Map<String, List<Set<String>>> runs() {
            Map<String, List<Set<String>>> out = new TreeMap<>();
            for (Pipeline p : METRO.pipelines()) {
                List<Run> runs = new ArrayList<>(store.runs().of(p.name()));
                runs.sort(Comparator.comparing(Run::createdAt).thenComparing(Run::runId));
                for (Run r : runs) {
                    out.computeIfAbsent(p.name() + "/" + r.partition(), k -> new ArrayList<>()).add(new HashSet<>(r.consumed()));
                }
            }
            return out;
        }

        /** The runner's part, reduced to what triggering sees: every active run succeeds, and its consumer re-evaluates. */
        void completeActiveRuns() {
            boolean more = true;
            while (more) {
                more = false;
                for (Pipeline p : METRO.pipelines()) {
                    for (Run r : store.runs().of(p.name())) {
                        if (r.state().isActive()) {
                            store.runs().finishUnfenced(r.runId(), RunState.SUCCEEDED, "test");
                            service.evaluate(p, r.partition());
                            more = true;
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ schedules

    sealed interface Step permits Deliver, Complete {
    }

    /** Deliver one event to every consumer of its asset, each delivery {@code copies} times at once. */
    record Deliver(AssetEvent event, int copies, boolean redelivery) implements Step {
    }

    /** Every active run finishes, as the runner would report. */
    record Complete() implements Step {
    }

    static List<Step> schedule(long seed, int events) {
        Random r = new Random(seed);
        List<AssetEvent> created = new ArrayList<>();
        Instant t = Instant.parse("2026-05-25T00:05:00Z");
        for (int i = 0; i < events; i++) {
            String asset = ASSETS.get(r.nextInt(ASSETS.size()));
            String day = DAYS.get(r.nextInt(DAYS.size()));
            t = t.plusSeconds(1 + r.nextInt(600));
            created.add(new AssetEvent("e" + i + "-" + Long.toHexString(seed & 0xffff), asset, day, t,
                    new Producer(Producer.Kind.S3_UPLOAD, "s3://lake/" + i), "v" + i, Optional.empty(), List.of(), Map.of()));
        }
        // Reordering: swap neighbours now and then, so events arrive out of time order.
        for (int i = 1; i < created.size(); i++) {
            if (r.nextInt(4) == 0) {
                Collections.swap(created, i - 1, i);
            }
        }
        List<Step> steps = new ArrayList<>();
        List<AssetEvent> delivered = new ArrayList<>();
        for (AssetEvent e : created) {
            steps.add(new Deliver(e, 1 + r.nextInt(3), false));
            delivered.add(e);
            if (r.nextInt(4) == 0) {
                steps.add(new Complete());
            }
            if (r.nextInt(5) == 0) { // a late redelivery of something delivered before, consumed or not
                steps.add(new Deliver(delivered.get(r.nextInt(delivered.size())), 1 + r.nextInt(2), true));
            }
        }
        steps.add(new Complete());
        return steps;
    }

    // ------------------------------------------------------------------ the reference model

    /**
     * Sees each event once, in order of first delivery; written independently of the trigger's
     * code: a consumer partition with no active run runs as soon as its condition holds over the
     * assets that have pending events, consuming all of them.
     */
    static final class Reference {
        final Map<String, Set<String>> pendingIds = new HashMap<>();
        final Map<String, Set<String>> pendingAssets = new HashMap<>();
        final Set<String> active = new HashSet<>();
        final Set<String> seen = new HashSet<>();
        final Map<String, List<Set<String>>> runs = new TreeMap<>();

        void deliver(AssetEvent e) {
            if (!seen.add(e.eventId())) {
                return;
            }
            for (Pipeline p : METRO.pipelines()) {
                if (!p.inputAssets().contains(e.asset())) {
                    continue;
                }
                boolean latest = p.input(e.asset()).map(i -> i.mapping().readsNewest()).orElse(false);
                String partition = latest ? LocalDate.ofInstant(e.time(), p.partitioning().zone()).toString() : e.partition();
                String key = p.name() + "/" + partition;
                pendingIds.computeIfAbsent(key, k -> new HashSet<>()).add(e.eventId());
                pendingAssets.computeIfAbsent(key, k -> new HashSet<>()).add(e.asset());
                maybeRun(p, key);
            }
        }

        void maybeRun(Pipeline p, String key) {
            Optional<Condition> condition = p.trigger().flatMap(t -> t.condition()).filter(c -> p.trigger().get().schedule().isEmpty());
            Set<String> assets = pendingAssets.getOrDefault(key, Set.of());
            if (condition.isEmpty() || active.contains(key) || assets.isEmpty() || !holds(condition.get(), assets)) {
                return;
            }
            runs.computeIfAbsent(key, k -> new ArrayList<>()).add(new HashSet<>(pendingIds.get(key)));
            pendingIds.remove(key);
            pendingAssets.remove(key);
            active.add(key);
        }

        static boolean holds(Condition c, Set<String> updated) {
            return switch (c) {
                case Condition.Asset a -> updated.contains(a.name());
                case Condition.All all -> all.operands().stream().allMatch(o -> holds(o, updated));
                case Condition.Any any -> any.operands().stream().anyMatch(o -> holds(o, updated));
            };
        }

        void complete() {
            while (!active.isEmpty()) {
                for (String key : new ArrayList<>(active)) {
                    active.remove(key);
                    maybeRun(METRO.pipeline(key.substring(0, key.indexOf('/'))).orElseThrow(), key);
                }
            }
        }
    }

    // ------------------------------------------------------------------ the properties

    static void deliverConcurrently(World w, List<Runnable> deliveries) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (Runnable d : deliveries) {
            futures.add(threads.submit(d));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    static List<Runnable> deliveriesOf(World w, AssetEvent e, int copies) {
        List<Runnable> out = new ArrayList<>();
        for (Pipeline consumer : METRO.pipelines()) {
            if (consumer.inputAssets().contains(e.asset())) {
                for (int c = 0; c < copies; c++) {
                    out.add(() -> w.service.onAssetUpdated(consumer, e));
                }
            }
        }
        return out;
    }

    @Property(tries = 25)
    void duplicatedReorderedAndConcurrentDeliveriesCreateExactlyTheReferenceRuns(
            @ForAll long seed, @ForAll @IntRange(min = 4, max = 14) int events) throws Exception {
        World w = new World();
        Reference ref = new Reference();
        for (Step step : schedule(seed, events)) {
            switch (step) {
                case Deliver d -> {
                    w.record(d.event()); // a redelivery finds it recorded already, as in AWS
                    List<Runnable> deliveries = deliveriesOf(w, d.event(), d.copies());
                    Collections.shuffle(deliveries, new Random(seed));
                    deliverConcurrently(w, deliveries);
                    ref.deliver(d.event());
                }
                case Complete c -> {
                    w.completeActiveRuns();
                    ref.complete();
                }
            }
        }
        assertEquals(ref.runs, w.runs());
        long requested = w.announced.stream().filter(a -> a.startsWith(EventJson.RUN_REQUESTED)).map(a -> a.substring(a.indexOf("\"runId\":"), a.indexOf(",\"pipeline\""))).distinct().count();
        assertEquals(ref.runs.values().stream().mapToLong(List::size).sum(), requested, "one Run Requested per run");
    }

    @Property(tries = 10)
    void distinctEventsRacingForOneConsumerAreNeitherLostNorConsumedTwice(
            @ForAll long seed, @ForAll @IntRange(min = 6, max = 16) int events) throws Exception {
        World w = new World();
        List<Step> steps = schedule(seed, events);
        List<AssetEvent> all = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof Deliver d && !d.redelivery()) {
                all.add(d.event());
            }
        }
        all.forEach(w::record);
        // Everything at once: distinct events for the same consumer partitions race each other.
        List<Runnable> deliveries = new ArrayList<>();
        for (AssetEvent e : all) {
            deliveries.addAll(deliveriesOf(w, e, 2));
        }
        Collections.shuffle(deliveries, new Random(seed));
        deliverConcurrently(w, deliveries);
        w.completeActiveRuns();
        deliverConcurrently(w, deliveries); // and every one of them again, after the fact
        w.completeActiveRuns();

        for (Pipeline p : METRO.pipelines()) {
            Map<String, Integer> consumedBy = new LinkedHashMap<>();
            Set<String> expected = new HashSet<>();
            for (AssetEvent e : all) {
                if (p.inputAssets().contains(e.asset())) {
                    expected.add(e.eventId());
                }
            }
            Set<String> accounted = new HashSet<>();
            for (Run r : w.store.runs().of(p.name())) {
                assertTrue(r.state() == RunState.SUCCEEDED, "every run finished");
                Condition c = p.trigger().flatMap(t -> t.condition()).orElseThrow();
                Set<String> assets = new HashSet<>();
                for (String id : r.consumed()) {
                    consumedBy.merge(id, 1, Integer::sum);
                    accounted.add(id);
                    all.stream().filter(e -> e.eventId().equals(id)).forEach(e -> assets.add(e.asset()));
                }
                assertTrue(Reference.holds(c, assets), "run " + r.runId() + " of " + p.name() + " consumed " + assets + ", which does not satisfy " + c.text());
            }
            consumedBy.forEach((id, n) -> assertEquals(1, n, id + " consumed once by " + p.name()));
            for (String partition : DAYS) {
                w.store.consumers().view(p.name(), partition).pending().forEach(e -> {
                    assertTrue(!accounted.contains(e.eventId()), e.eventId() + " is both consumed and pending");
                    accounted.add(e.eventId());
                });
            }
            assertEquals(expected, accounted, "every event of " + p.name() + "'s inputs is consumed or still pending");
        }
    }
}
