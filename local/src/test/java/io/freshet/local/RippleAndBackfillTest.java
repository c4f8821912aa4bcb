package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.freshet.core.events.Ids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.backfill.BackfillPlan;
import io.freshet.core.backfill.BackfillPlan.Key;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.Request;
import io.freshet.cli.backfill.BackfillDriver;
import io.freshet.state.StoredBackfill;

/**
 * A deploy that changes a pipeline's code rebuilds its newest partition on the next tick, and the
 * new events ripple to the consumers as any update does; a backfill of 31 days with its downstream
 * makes exactly the runs it should, through the ordinary run path, and resumes without repeating.
 */
class RippleAndBackfillTest {

    @TempDir
    Path tmp;

    @Test
    void aCodeChangeRerunsThePipelineAndItsConsumersExactlyOnce() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-10", "a.csv", "1,10\n");
            w.clock.advance(Duration.ofMinutes(1));
            w.uploadOrders("2026-05-11", "b.csv", "2,20\n3,30\n");
            w.tick(); // the tick sees every pipeline's code version for the first time: nothing to rebuild
            w.tick();
            int trips = w.runs("orders_daily").size();
            int summaries = w.runs("summary").size();
            assertEquals(2, trips);

            w.edit("orders_daily.yaml", "sum(amount) AS amount", "sum(amount) AS amount, max(amount) AS biggest");
            w.deploy(w.load());
            w.clock.advance(Duration.ofMinutes(1));
            w.tick();
            w.clock.advance(Duration.ofMinutes(1));
            w.tick();

            List<Run> rebuilt = w.runs("orders_daily").subList(trips, w.runs("orders_daily").size());
            assertEquals(1, rebuilt.size(), "the newest partition only (on_code_change defaults to latest)");
            assertEquals("2026-05-11", rebuilt.get(0).partition());
            assertEquals(RunState.SUCCEEDED, rebuilt.get(0).state());
            assertTrue(rebuilt.get(0).reason().startsWith("code version changed to " + w.project.codeVersion("orders_daily")), rebuilt.get(0).reason());
            List<Run> rippled = w.runs("summary").subList(summaries, w.runs("summary").size());
            assertEquals(1, rippled.size(), "the consumer ran once on the rebuilt partition's event");
            assertEquals(RunState.SUCCEEDED, rippled.get(0).state());
            assertTrue(rippled.get(0).reason().contains("core.orders x1"), rippled.get(0).reason());

            w.clock.advance(Duration.ofMinutes(1));
            w.tick();
            assertEquals(trips + 1, w.runs("orders_daily").size(), "a code version is rebuilt once");
            assertEquals(summaries + 1, w.runs("summary").size());
        }
    }

    /**
     * A version deployed again after a revert (B, back to A, B again) is a change each time: the
     * data the newest partition holds was built by the version before, so each deploy rebuilds it.
     */
    @Test
    void aVersionDeployedAgainAfterARevertRebuildsAgain() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "b.csv", "2,20\n3,30\n");
            w.tick(); // first sight of A: nothing to rebuild
            int built = w.runs("orders_daily").size();
            String a = "sum(amount) AS amount";
            String b = "sum(amount) AS amount, max(amount) AS biggest";
            List<String> versions = new ArrayList<>();
            for (String[] change : List.of(new String[] {a, b}, new String[] {b, a}, new String[] {a, b})) {
                w.edit("orders_daily.yaml", change[0], change[1]);
                w.deploy(w.load());
                versions.add(w.project.codeVersion("orders_daily"));
                w.clock.advance(Duration.ofMinutes(1));
                w.tick();
                w.clock.advance(Duration.ofMinutes(1));
                w.tick();
            }
            List<Run> rebuilt = w.runs("orders_daily").subList(built, w.runs("orders_daily").size());
            assertEquals(versions.size(), rebuilt.size(), "one rebuild per deploy: " + rebuilt);
            for (int i = 0; i < versions.size(); i++) {
                assertEquals(RunState.SUCCEEDED, rebuilt.get(i).state(), rebuilt.get(i).toString());
                assertTrue(rebuilt.get(i).reason().startsWith("code version changed to " + versions.get(i)), rebuilt.get(i).reason());
            }
        }
    }

    @Test
    void aBackfillOf31DaysWithItsDownstreamMakesExactlyTheExpectedRunsAndResumes() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-06-01T10:00:00Z"), tmp)) {
            uploadMayOrders(w);
            assertEquals(31, w.runs("orders_daily").size());
            int summariesBefore = w.runs("summary").size();
            deployAVersionThatDoesNotRebuildByItself(w);

            BackfillPlan plan = BackfillPlan.of(w.project, "core.orders", Optional.of("2026-05-01"), Optional.of("2026-05-31"), true);
            assertEquals("63 runs: orders_daily x31, report x31, summary x1", plan.summary());
            String id = "bf-test";
            List<BackfillDriver.Progress> progress = new ArrayList<>();
            BackfillDriver.Result result = backfillDyingOnceAndResumed(w, id, plan, progress);

            assertTrue(result.succeeded(), result.states().toString());
            assertEquals(new BackfillDriver.Progress(63, 0, 0, 0, 63), result.progress());
            assertTrue(progress.stream().anyMatch(p -> p.running() > 0 && p.running() <= 4), "bounded concurrency shows in progress");
            assertTrue(progress.stream().allMatch(p -> p.running() <= 4), progress.toString());

            List<Run> trips = assertOneBackfillRunPerPartition(w, id);
            assertSummaryWasAdoptedNotAdded(w, summariesBefore, trips, result);

            // Resuming a finished backfill changes nothing.
            Map<String, Integer> before = counts(w);
            assertTrue(driver(w).run(id, plan, p -> { }).succeeded());
            w.settle();
            assertEquals(before, counts(w));
        }
    }

    /** An export a day for May, ten seconds apart: each makes its orders_daily run. */
    private static void uploadMayOrders(TimeWorld w) {
        for (LocalDate d = LocalDate.parse("2026-05-01"); !d.isAfter(LocalDate.parse("2026-05-31")); d = d.plusDays(1)) {
            w.uploadOrders(d.toString(), "orders.csv", d.getDayOfMonth() + ",10\n");
            w.clock.advance(Duration.ofSeconds(10));
        }
    }

    /** A new version of orders_daily that does not rebuild by itself, so that an operator backfills May. */
    private static void deployAVersionThatDoesNotRebuildByItself(TimeWorld w) {
        w.edit("orders_daily.yaml", "retries: 0", "retries: 0\non_code_change: none");
        w.edit("orders_daily.yaml", "sum(amount) AS amount", "sum(amount) AS amount, max(amount) AS biggest");
        w.deploy(w.load());
        w.clock.advance(Duration.ofMinutes(5));
    }

    /**
     * The backfill's first attempt dies after ten items are done, and resuming it finishes the rest;
     * both attempts report into {@code progress}.
     */
    private static BackfillDriver.Result backfillDyingOnceAndResumed(TimeWorld w, String id, BackfillPlan plan,
                                                                     List<BackfillDriver.Progress> progress) throws InterruptedException {
        w.stack.store().backfills().create(new StoredBackfill(id, "core.orders", "2026-05-01",
                "2026-05-31", true, w.clock.instant()));
        assertThrows(IllegalStateException.class, () -> driver(w).run(id, plan, p -> {
            progress.add(p);
            if (p.done() >= 10) {
                throw new IllegalStateException("the operator's laptop went to sleep");
            }
        }));
        w.settle();
        BackfillDriver.Result result = driver(w).run(id, plan, progress::add);
        w.settle();
        return result;
    }

    /**
     * Exactly one new run per orders_daily and report partition, each answering its backfill request,
     * and each report run read its day's rebuilt orders; returns the backfill's orders_daily runs.
     */
    private static List<Run> assertOneBackfillRunPerPartition(TimeWorld w, String id) {
        List<Run> trips = w.runs("orders_daily").stream().filter(r -> r.reason().startsWith("backfill ")).toList();
        assertEquals(62, w.runs("orders_daily").size(), "31 on the exports, 31 for the backfill");
        assertEquals(31, trips.size());
        assertEquals(31, new HashSet<>(trips.stream().map(Run::partition).toList()).size());
        assertTrue(trips.stream().allMatch(r -> r.state() == RunState.SUCCEEDED && r.reason().startsWith("backfill " + id)));
        List<Run> reports = w.runs("report");
        assertEquals(31, reports.size());
        assertEquals(31, new HashSet<>(reports.stream().map(Run::partition).toList()).size());
        for (Run r : reports) {
            assertEquals(RunState.SUCCEEDED, r.state());
            // Each report run read its day's rebuilt orders: it consumed the backfill run's event.
            Run upstream = trips.stream().filter(t -> t.partition().equals(r.partition())).findFirst().orElseThrow();
            assertTrue(r.consumed().contains(Ids.runOutput(upstream.runId(), "core.orders")), r.toString());
        }
        return trips;
    }

    /** summary reacts to core.orders on its own; the backfill adopted one of those runs instead of adding another. */
    private static void assertSummaryWasAdoptedNotAdded(TimeWorld w, int summariesBefore, List<Run> trips, BackfillDriver.Result result) {
        List<Run> summaries = w.runs("summary").subList(summariesBefore, w.runs("summary").size());
        assertTrue(summaries.stream().noneMatch(r -> r.consumed().stream().anyMatch(Request::isRequestId)), summaries.toString());
        Set<String> consumedBySummary = new HashSet<>();
        summaries.forEach(r -> consumedBySummary.addAll(r.consumed()));
        for (Run t : trips) {
            assertTrue(consumedBySummary.contains(Ids.runOutput(t.runId(), "core.orders")));
        }
        assertEquals(result.runs().get(new Key("summary", "")), summaries.stream()
                .filter(r -> result.runs().get(new Key("summary", "")).equals(r.runId())).findFirst().orElseThrow().runId());
    }

    /** A daily reader of core.orders through 'latest': each of its days reads the newest orders, whatever their day. */
    static final String ORDERS_VIEW = """
            pipeline: orders_view
            description: Each day's view of the newest orders
            inputs:
              - asset: core.orders
                mapping: latest
            partitions:
              grain: daily
              timezone: Europe/Prague
            outputs:
              mart.orders_view: s3://${LakeBucket}/mart/orders_view/date={date}/
            trigger:
              condition: core.orders
            steps:
              - sql:
                  output: mart.orders_view
                  query: SELECT orders, amount FROM core.orders
            retries: 0
            """;

    @Test
    void aDownstreamBackfillAcrossALatestMappingTakesSecondsAndReadsTheNewestPartition() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-13T10:00:00Z"), tmp, Map.of("orders_view.yaml", ORDERS_VIEW))) {
            List<String> days = List.of("2026-05-10", "2026-05-11", "2026-05-12");
            for (String day : days) {
                w.uploadOrders(day, "a.csv", day.substring(8) + ",1" + day.substring(8) + "\n");
                w.clock.advance(Duration.ofSeconds(10));
            }
            BackfillPlan plan = BackfillPlan.of(w.project, "core.orders", Optional.of("2026-05-10"), Optional.of("2026-05-12"), true);
            assertEquals("10 runs: orders_daily x3, orders_view x3, report x3, summary x1", plan.summary());
            Key newest = new Key("orders_daily", "2026-05-12");
            for (String day : days) {
                assertTrue(plan.items().contains(new BackfillPlan.Item(new Key("orders_view", day), List.of(newest))), plan.items().toString());
            }

            // Forced: nothing changed since the exports' runs, and yet every partition runs again.
            String id = "bf-latest";
            long started = System.nanoTime();
            BackfillDriver.Result result;
            try (AutoCloseable time = timeMovesOn(w)) {
                result = new BackfillDriver(w.project, w.stack.store(), w.stack.launcher(),
                        w.clock, 4, Duration.ofMillis(20), Duration.ofMinutes(2), true).run(id, plan, p -> { });
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            w.settle();

            assertTrue(result.succeeded(), result.states().toString());
            assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "no item waits for an event that is delivered elsewhere: took " + took);
            for (String day : days) {
                assertEquals(BackfillDriver.State.SUCCEEDED, result.states().get(new Key("orders_daily", day)));
                assertEquals(BackfillDriver.State.SUCCEEDED, result.states().get(new Key("orders_view", day)));
            }
            List<Run> forced = w.runs("orders_daily").stream().filter(r -> r.reason().startsWith("backfill " + id)).toList();
            assertEquals(3, forced.size());
            assertTrue(forced.stream().allMatch(r -> r.forced() && r.state() == RunState.SUCCEEDED), forced.toString());
            assertTrue(forced.stream().allMatch(r -> r.reason().contains("(forced)")), forced.toString());

            // Each orders_view day answered its own request and read the newest orders: the backfill's 2026-05-12.
            Run newestOrders = forced.stream().filter(r -> r.partition().equals("2026-05-12")).findFirst().orElseThrow();
            String newestVersion = w.stack.store().events()
                    .event(Ids.runOutput(newestOrders.runId(), "core.orders")).orElseThrow().dataVersion();
            for (String day : days) {
                Run view = w.stack.store().runs().run(result.runs().get(new Key("orders_view", day))).orElseThrow();
                assertEquals(day, view.partition());
                assertTrue(view.reason().startsWith("backfill " + id), view.reason());
                assertEquals(newestVersion, w.stack.store().runs().lastSucceededInputs("orders_view", day, "@code").orElseThrow().get("core.orders"),
                        "orders_view/" + day + " read the newest partition of the backfill");
            }

            // Not forced, the same backfill skips every upstream partition; their dependents go on at once.
            started = System.nanoTime();
            BackfillDriver.Result again;
            try (AutoCloseable time = timeMovesOn(w)) {
                again = driver(w).run("bf-latest-again", plan, p -> { });
            }
            took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(again.succeeded(), again.states().toString());
            assertEquals(BackfillDriver.State.SKIPPED, again.states().get(newest));
            assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "skipped upstreams release their dependents at once: took " + took);
        }
    }

    /**
     * The world's clock moves 100 ms every 5 ms until closed: the events of runs that follow one
     * another get increasing times, as on a real clock ('latest' reads the newest by time).
     */
    static AutoCloseable timeMovesOn(TimeWorld w) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> w.clock.advance(Duration.ofMillis(100)), 5, 5, TimeUnit.MILLISECONDS);
        return ticker::shutdownNow;
    }

    static BackfillDriver driver(TimeWorld w) {
        return new BackfillDriver(w.project, w.stack.store(), w.stack.launcher(), w.clock, 4,
                Duration.ofMillis(20), Duration.ofSeconds(30));
    }

    static Map<String, Integer> counts(TimeWorld w) {
        Map<String, Integer> out = new TreeMap<>();
        for (String p : List.of("orders_daily", "report", "summary", "gated", "nightly", "hourly")) {
            out.put(p, w.runs(p).size());
        }
        return out;
    }
}
