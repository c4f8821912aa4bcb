package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.freshet.core.events.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.state.protocol.FaultPoints;

/**
 * The crash-point sweep: every function (s3-events, trigger, runner, the scheduler's tick and
 * sweep) is killed right after each external write it makes (DynamoDB, S3, EventBridge), one
 * crash per day's story, and the stack recovers by itself: the bus redelivers, the tick runs
 * every so often. The end state of each day is then what it would be without the crash:
 *
 * <ul>
 *   <li>exactly one run per readiness (one orders_daily run of the day, one summary run on its
 *       output), each SUCCEEDED and its end announced;</li>
 *   <li>exactly one recorded event per output (and per upload);</li>
 *   <li>the partition state ({@code S#}) and the asset's newest event ({@code NEWEST}) pointing at
 *       that event, whose objects are complete (their bytes hash to its data version);</li>
 *   <li>nothing announced that is not recorded, or that points at partial data;</li>
 *   <li>nothing dead-lettered.</li>
 * </ul>
 *
 * The crash points are not listed by hand: a day without crashes records every write of each
 * function's invocations ({@link CrashInterceptor}), and each becomes a test, so a write added
 * to a function is swept too. docs/architecture.md ("Crash points") lists them.
 */
class CrashPointsTest {

    @TempDir
    static Path tmp;
    static CrashWorld world;
    static LocalDate day = LocalDate.parse("2026-03-01");

    @BeforeAll
    static void start() {
        world = new CrashWorld(Instant.parse("2026-03-01T06:00:00Z"), tmp);
        world.tick(); // the first tick notes the deployed code versions: later ticks only sweep
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    /** A day's story: an order export lands; orders_daily runs; its output wakes summary. */
    static String story() {
        day = day.plusDays(1);
        Instant morning = Instant.parse(day + "T07:00:00Z");
        if (world.clock.instant().isBefore(morning)) {
            world.clock.set(morning);
        }
        String d = day.toString();
        world.upload(d, "1," + day.getDayOfMonth() + "\n2,5\n");
        return d;
    }

    /**
     * A busy day: a second export of the day lands while orders_daily's run on the first is under
     * way (right after its step), so it waits in the pending set, and the run's end, delivered back
     * to the trigger, starts the run that consumes it.
     */
    static String busyStory() {
        AtomicBoolean landed = new AtomicBoolean();
        String d = day.plusDays(1).toString();
        world.runnerFaults.put("orders_daily", point -> {
            if (!point.equals("after-step")) {
                return;
            }
            world.clock.advance(Duration.ofSeconds(1)); // time passes while a run works: each run's output is later than the last
            if (landed.compareAndSet(false, true)) {
                world.uploadWithoutWaiting(d, "orders-late.csv", "3,7\n");
                awaitPending(d); // the bus delivers on its own threads: the run goes on once the trigger has seen it under way
            }
        });
        return story(); // the hook stays through the recovery: a run the crash delayed lands the late export when it runs
    }

    static void recoverFromABusyDay() {
        recover();
        world.runnerFaults.remove("orders_daily");
    }

    /** Until the late export waits in orders_daily's pending set for {@code d}. */
    private static void awaitPending(String d) {
        Instant until = Instant.now().plusSeconds(30);
        while (world.store.consumers().view("orders_daily", d).pending().isEmpty()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("the late export of " + d + " never joined the pending set");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** What the stack does by itself after a crash: redeliveries (already done), then ticks as time passes. */
    static void recover() {
        world.settle();
        for (int i = 0; i < 4; i++) {
            world.clock.advance(Duration.ofMinutes(17)); // past an attempt's lease (15m timeout + 1m)
            world.tick();
        }
    }

    /** @param arrange what else happens in each day's story (a runner attempt that dies at a named point) */
    static Stream<DynamicTest> sweep(String function, Runnable arrange) {
        return sweep(function, arrange, CrashPointsTest::assertRecovered);
    }

    static Stream<DynamicTest> sweep(String function, Runnable arrange, CrashSweep.EndState expected) {
        return new CrashSweep(world, CrashPointsTest::story, CrashPointsTest::recover).sweep(function, arrange, expected);
    }

    @TestFactory
    Stream<DynamicTest> s3Events() {
        return sweep("s3-events", () -> { });
    }

    @TestFactory
    Stream<DynamicTest> trigger() {
        return sweep("trigger", () -> { });
    }

    @TestFactory
    Stream<DynamicTest> runner() {
        return sweep("runner", () -> { });
    }

    @TestFactory
    Stream<DynamicTest> publisher() {
        return sweep("publisher", () -> { });
    }

    /** The trigger on a busy day, killed after each write: the late export's wait in the pending set, and the next run on the run's end. */
    @TestFactory
    Stream<DynamicTest> triggerOnABusyDay() {
        return new CrashSweep(world, CrashPointsTest::busyStory, CrashPointsTest::recoverFromABusyDay)
                .sweep("trigger", () -> { }, CrashPointsTest::assertBusyDayRecovered);
    }

    /**
     * Two orders_daily runs for the day, SUCCEEDED, the first consuming the day's export and the
     * second the late one; each export recorded once, each run's output recorded once, the
     * partition's state the second's; every summary run SUCCEEDED and the last on the second output.
     */
    static void assertBusyDayRecovered(String d, String context) {
        var store = world.store;
        List<AssetEvent> uploads = store.events().history("shop.orders", d).stream()
                .sorted(Comparator.comparing(e -> e.objects().get(0).endsWith("/orders-late.csv"))).toList();
        assertEquals(2, uploads.size(), context + ": each export recorded once: " + uploads);
        List<Run> daily = store.runs().of("orders_daily").stream().filter(r -> r.partition().equals(d))
                .sorted(Comparator.comparing(Run::createdAt)).toList();
        assertEquals(2, daily.size(), context + ": two orders_daily runs for " + d + ": " + daily);
        for (int i = 0; i < 2; i++) {
            Run r = daily.get(i);
            assertEquals(RunState.SUCCEEDED, r.state(), context + ": " + r);
            assertEquals(List.of(uploads.get(i).eventId()), r.consumed(), context + ": run " + (i + 1) + " consumed export " + (i + 1) + ": " + r);
            world.assertEndAnnounced(r, context);
        }
        List<AssetEvent> outputs = store.events().history("core.orders", d);
        assertEquals(2, outputs.size(), context + ": core.orders of " + d + " recorded once per run: " + outputs);
        AssetEvent last = outputs.stream().filter(e -> e.producer().id().equals(daily.get(1).runId())).findFirst().orElseThrow();
        assertEquals(last.eventId(), store.events().latest("core.orders", d).orElseThrow().eventId(), context + ": core.orders S# of " + d);
        outputs.forEach(e -> assertComplete(e, context));
        List<Run> summaries = store.runs().of("summary").stream().filter(r -> r.consumed().stream().anyMatch(id -> outputs.stream()
                .anyMatch(o -> o.eventId().equals(id)))).toList();
        assertTrue(summaries.stream().allMatch(r -> r.state() == RunState.SUCCEEDED), context + ": " + summaries);
        assertTrue(summaries.stream().anyMatch(r -> r.consumed().contains(last.eventId())), context + ": summary ran on the day's last output");
        world.assertNothingLeftOver(context);
    }

    /** The publisher dies right after an Iceberg commit (its named point): the bus's redelivery publishes once. */
    @Test
    void aPublisherKilledRightAfterItsCommitPublishesOnce() {
        world.crashes.reset();
        world.restartTickCount();
        killPublications("after-commit", 1);
        String d = story();
        recover();
        assertRecovered(d, "publisher killed after-commit");
    }

    /**
     * orders_daily's publication dies at the publisher's own named point: the bus redelivers the
     * failed invocation, and the sweep hands it over again if that was not enough.
     */
    static void killPublications(String point, int publications) {
        AtomicInteger killed = new AtomicInteger();
        world.publisherFaults.put("orders_daily", p -> {
            if (p.equals(point) && killed.incrementAndGet() <= publications) {
                throw new FaultPoints.Killed(p);
            }
        });
    }

    /** The sweep retries an attempt that died before its outputs were recorded. */
    @TestFactory
    Stream<DynamicTest> schedulerSweepRetryingADeadAttempt() {
        return sweep("scheduler", () -> killAttempts("after-upload", 1));
    }

    /** The sweep hands over the publication of an attempt that died right after staging its outputs (before announcing them). */
    @TestFactory
    Stream<DynamicTest> schedulerSweepHandingOverAPublication() {
        return sweep("scheduler", () -> killAttempts("after-stage", 1));
    }

    /** The sweep announces a run whose creator (the trigger) died right after creating it. */
    @TestFactory
    Stream<DynamicTest> schedulerSweepAnnouncingARunItsCreatorNeverAnnounced() {
        return sweep("scheduler", () -> world.crashes.alsoKill(new CrashInterceptor.Point("trigger",
                "orders_daily <- Asset Updated shop.orders orders.csv", 1, "the run created, not announced")));
    }

    /**
     * The sweep announces the end of a run whose publisher died right after ending it (its write
     * 6): the bus's redelivery finds the run SUCCEEDED and leaves the announcement to the sweep.
     */
    @TestFactory
    Stream<DynamicTest> schedulerSweepAnnouncingAnEndItsPublisherNeverAnnounced() {
        return sweep("scheduler", () -> world.crashes.alsoKill(new CrashInterceptor.Point("publisher",
                "orders_daily", 6, "the run SUCCEEDED, its end not announced")));
    }

    /**
     * orders_daily's attempt of the day dies at the runner's own named point (no SDK call marks
     * it): only the tick's sweep, after the lease, can take it further.
     */
    static void killAttempts(String point, int attempts) {
        AtomicInteger killed = new AtomicInteger();
        world.runnerFaults.put("orders_daily", p -> {
            if (p.equals(point) && killed.incrementAndGet() <= attempts) {
                throw new FaultPoints.Killed(p);
            }
        });
    }

    /**
     * Both of orders_daily's attempts die before their commit point (it has one retry): the sweep
     * retries the first, fails the run after the second, and announces its end.
     */
    @TestFactory
    Stream<DynamicTest> schedulerSweepFailingARunOutOfAttempts() {
        return sweep("scheduler", () -> killAttempts("after-upload", 2), CrashPointsTest::assertFailedCleanly);
    }

    /** The day's run failed: one run, FAILED, its end announced; nothing of it recorded or announced; nothing downstream. */
    static void assertFailedCleanly(String d, String context) {
        var store = world.store;
        List<Run> daily = store.runs().of("orders_daily").stream().filter(r -> r.partition().equals(d)).toList();
        assertEquals(1, daily.size(), context + ": one orders_daily run for " + d + ": " + daily);
        Run run = daily.get(0);
        assertEquals(RunState.FAILED, run.state(), context + ": " + run);
        assertEquals(2, run.attempt(), context + ": the first attempt and its one retry");
        assertTrue(store.runs().active().stream().noneMatch(a -> a.runId().equals(run.runId())), context + ": still active");
        assertTrue(store.runs().unannouncedEnds().stream().noneMatch(a -> a.runId().equals(run.runId())), context + ": end not announced");
        assertTrue(world.published(EventJson.RUN_FAILED).stream().anyMatch(f -> f.path("runId").asText().equals(run.runId())),
                context + ": Run Failed announced");
        assertEquals(List.of(), store.events().history("core.orders", d), context + ": nothing recorded");
        assertEquals(Optional.empty(), store.runs().recordedOutputs(run.runId()), context);
        assertTrue(world.published(EventJson.ASSET_UPDATED).stream().noneMatch(a -> a.path("producer").toString().contains(run.runId())),
                context + ": nothing announced");
        assertEquals(1, store.events().history("shop.orders", d).size(), context + ": the upload recorded once");
        assertEquals(List.of(), world.stack.bus().deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ), context);
        assertEquals(List.of(), world.stack.bus().undelivered(), context);
    }

    // ------------------------------------------------------------------ the end state

    static void assertRecovered(String d, String context) {
        var store = world.store;
        List<Run> daily = store.runs().of("orders_daily").stream().filter(r -> r.partition().equals(d)).toList();
        assertEquals(1, daily.size(), context + ": one orders_daily run for " + d + ": " + daily);
        assertEquals(RunState.SUCCEEDED, daily.get(0).state(), context + ": " + daily.get(0));

        List<AssetEvent> uploads = store.events().history("shop.orders", d);
        assertEquals(1, uploads.size(), context + ": the upload recorded once");
        AssetEvent upload = uploads.get(0);
        assertEquals(upload.eventId(), store.events().latest("shop.orders", d).orElseThrow().eventId(), context + ": shop.orders S# of " + d);
        assertEquals(upload.eventId(), store.events().newest("shop.orders").orElseThrow().eventId(), context + ": shop.orders NEWEST");

        List<AssetEvent> outputs = store.events().history("core.orders", d);
        assertEquals(1, outputs.size(), context + ": core.orders of " + d + " recorded once: " + outputs);
        AssetEvent orders = outputs.get(0);
        assertEquals(daily.get(0).runId(), orders.producer().id(), context);
        assertEquals(orders.eventId(), store.events().latest("core.orders", d).orElseThrow().eventId(), context + ": core.orders S# of " + d);
        assertEquals(orders.eventId(), store.events().newest("core.orders").orElseThrow().eventId(), context + ": core.orders NEWEST");
        assertComplete(orders, context);

        List<Run> summaries = store.runs().of("summary").stream().filter(r -> r.consumed().contains(orders.eventId())).toList();
        assertEquals(1, summaries.size(), context + ": one summary run on " + d + "'s core.orders: " + summaries);
        assertEquals(RunState.SUCCEEDED, summaries.get(0).state(), context + ": " + summaries.get(0));
        List<AssetEvent> summaryEvents = store.events().history("mart.summary", "").stream()
                .filter(e -> e.producer().id().equals(summaries.get(0).runId())).toList();
        assertEquals(1, summaryEvents.size(), context + ": mart.summary recorded once for the run");
        assertEquals(summaryEvents.get(0).eventId(), store.events().latest("mart.summary", "").orElseThrow().eventId(), context + ": mart.summary S#");
        assertEquals(summaryEvents.get(0).eventId(), store.events().newest("mart.summary").orElseThrow().eventId(), context + ": mart.summary NEWEST");
        assertComplete(summaryEvents.get(0), context);

        // Announced: only recorded events, pointing at complete data; every recorded one at least once.
        Set<String> day = Set.of(upload.eventId(), orders.eventId(), summaryEvents.get(0).eventId());
        List<JsonNode> announced = world.published(EventJson.ASSET_UPDATED);
        for (JsonNode a : announced) {
            AssetEvent e = EventJson.assetEvent(a);
            assertTrue(store.events().stored(e.eventId()).isPresent(), context + ": announced but not recorded: " + a);
            if (e.producer().kind() == Producer.Kind.RUN) {
                assertComplete(e, context);
            }
        }
        Set<String> announcedIds = announced.stream().map(a -> a.path("eventId").asText()).collect(Collectors.toSet());
        assertTrue(announcedIds.containsAll(day), context + ": every event of the day announced: " + day);

        for (Run r : List.of(daily.get(0), summaries.get(0))) {
            assertTrue(store.runs().active().stream().noneMatch(a -> a.runId().equals(r.runId())), context + ": still active: " + r);
            assertTrue(store.runs().unannouncedEnds().stream().noneMatch(a -> a.runId().equals(r.runId())), context + ": end not announced: " + r);
            world.assertEndAnnounced(r, context);
        }
        assertEquals(List.of(), world.stack.bus().deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ), context);
        assertEquals(List.of(), world.stack.bus().undelivered(), context);
    }

    /** The event's object exists and its bytes are what the event says (the data version is their SHA-256). */
    static void assertComplete(AssetEvent e, String context) {
        assertComplete(world, e, context);
    }

    static void assertComplete(CrashWorld world, AssetEvent e, String context) {
        String uri = e.objects().get(0);
        String key = uri.substring(("s3://" + CrashWorld.LAKE + "/").length());
        try (InputStream in = world.s3.client().getObject(b -> b.bucket(CrashWorld.LAKE).key(key))) {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
            assertEquals(e.dataVersion(), sha, context + ": " + uri + " is complete");
        } catch (Exception ex) {
            throw new AssertionError(context + ": " + uri + " cannot be read: " + ex, ex);
        }
    }
}
