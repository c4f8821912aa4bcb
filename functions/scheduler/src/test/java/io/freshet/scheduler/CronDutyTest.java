package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.runs.Run;

/**
 * The cron duty alone, on a clock the test moves: each fire requests exactly one run of its
 * partition through late, missed, repeated and concurrent ticks and both daylight saving changes
 * of Europe/Prague; catch-up is capped; a quiet minute moves no cursor; cron + condition requests a
 * run only with new input. Nobody runs the runs: each fire's request is seen in the run it creates.
 */
class CronDutyTest {

    @TempDir
    Path tmp;

    /** One cron tick at the clock's time; the runs it requested. */
    static int tick(TickWorld w) {
        return w.cron().run(w.tick()).runs();
    }

    /** Ticks every {@code step} from now until {@code end} (inclusive), each run it created ending before the next tick. */
    static void tickEvery(TickWorld w, Duration step, Instant end) {
        while (!w.clock.instant().isAfter(end)) {
            tick(w);
            w.finishActiveRuns();
            w.clock.advance(step);
        }
    }

    @Test
    void aNightlyFireAt0230PragueRequestsOneRunPerDayThroughBothDaylightSavingChanges() {
        TickWorld w = new TickWorld(Instant.parse("2026-03-27T12:00:00Z"), tmp);
        // Irregular, late ticks (every 29 minutes) across the spring change (Sunday 29 March, 02:00 -> 03:00).
        tickEvery(w, Duration.ofMinutes(29), Instant.parse("2026-03-30T12:00:00Z"));
        // 02:30 does not exist on 29 March: it fires at 03:30 CEST (01:30Z), once.
        assertEquals(List.of("2026-03-27 at 2026-03-28T01:30:00Z", "2026-03-28 at 2026-03-29T01:30:00Z",
                "2026-03-29 at 2026-03-30T00:30:00Z"), fires(w.runs("nightly")));

        // Autumn (Sunday 25 October, 03:00 -> 02:00): 02:30 happens twice and fires at the first, once.
        w.clock.set(Instant.parse("2026-10-23T12:00:00Z"));
        tick(w); // after seven months without ticks: catch-up requests the newest three fires only
        assertEquals(6, w.runs("nightly").size());
        tickEvery(w, Duration.ofMinutes(29), Instant.parse("2026-10-26T12:00:00Z"));
        List<String> autumn = fires(w.runs("nightly")).subList(3, w.runs("nightly").size());
        assertEquals(List.of("2026-10-20 at 2026-10-21T00:30:00Z", "2026-10-21 at 2026-10-22T00:30:00Z",
                "2026-10-22 at 2026-10-23T00:30:00Z", "2026-10-23 at 2026-10-24T00:30:00Z",
                "2026-10-24 at 2026-10-25T00:30:00Z", "2026-10-25 at 2026-10-26T01:30:00Z"), autumn);
    }

    @Test
    void repeatedConcurrentLateAndMissedTicksRequestEachFireOnceAndCatchUpIsCapped() throws Exception {
        TickWorld w = new TickWorld(Instant.parse("2026-05-10T10:00:30Z"), tmp);
        assertEquals(1, tick(w), "the first tick: the 10:00 fire of the hourly schedule is in its minute");
        assertEquals(List.of("at 2026-05-10T10:00:00Z"), fires(w.runs("hourly")));

        // The same tick delivered again, and three times concurrently: nothing new.
        assertEquals(0, tick(w));
        List<Integer> concurrent = concurrently(() -> tick(w), () -> tick(w), () -> tick(w));
        assertEquals(List.of(0, 0, 0), concurrent);
        assertEquals(1, w.runs("hourly").size());
        w.finishActiveRuns();

        // Late: the tick after 11:00 comes at 11:07. Its window still holds 11:00.
        w.clock.set(Instant.parse("2026-05-10T11:07:00Z"));
        assertEquals(1, tick(w));
        w.finishActiveRuns();
        assertEquals(List.of("at 2026-05-10T10:00:00Z", "at 2026-05-10T11:00:00Z"), fires(w.runs("hourly")));

        // Missed: no tick from 11:07 to 16:30. The hourly pipeline has no catch-up: only 16:00 is requested.
        w.clock.set(Instant.parse("2026-05-10T16:30:00Z"));
        tick(w);
        w.finishActiveRuns();
        assertEquals(List.of("at 2026-05-10T10:00:00Z", "at 2026-05-10T11:00:00Z", "at 2026-05-10T16:00:00Z"), fires(w.runs("hourly")));
        assertTrue(w.logText().contains("\"skipped\":4"), "the four skipped fires are logged");

        // Ten nights missed: the nightly pipeline catches up at most three (max_catchup: 3), the newest, oldest first.
        w.clock.set(Instant.parse("2026-05-20T12:00:00Z"));
        tick(w);
        assertEquals(List.of("2026-05-17 at 2026-05-18T00:30:00Z", "2026-05-18 at 2026-05-19T00:30:00Z",
                "2026-05-19 at 2026-05-20T00:30:00Z"), fires(w.runs("nightly")));
    }

    @Test
    void theCursorMovesOnFirstSightAndOnFiresButNotInAQuietMinute() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-10T10:20:00Z"), tmp);
        assertEquals(0, tick(w));
        assertEquals(Optional.of(Instant.parse("2026-05-10T10:20:00Z")), w.schedule.cursor("hourly"), "first sight");
        w.clock.set(Instant.parse("2026-05-10T10:21:00Z"));
        tick(w);
        assertEquals(Optional.of(Instant.parse("2026-05-10T10:20:00Z")), w.schedule.cursor("hourly"), "a quiet minute writes nothing");
        w.clock.set(Instant.parse("2026-05-10T11:00:10Z"));
        assertEquals(1, tick(w), "the window grew from 10:20 and holds the 11:00 fire");
        assertEquals(Optional.of(Instant.parse("2026-05-10T11:00:10Z")), w.schedule.cursor("hourly"));
    }

    @Test
    void aFireBeforeThePipelinesFirstPartitionRequestsNothing() {
        // nightly starts on 2026-01-01; its fire of 1 January (02:30 Prague) is for 31 December.
        TickWorld w = new TickWorld(Instant.parse("2026-01-01T01:30:20Z"), tmp);
        assertEquals(0, tick(w));
        assertEquals(List.of(), w.runs("nightly"));
        assertTrue(w.logText().contains("schedule fire before the first partition: nothing to run"));
    }

    @Test
    void cronWithAConditionRequestsARunAtItsFireOnlyWhenItsInputsChanged() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-11T18:00:00Z"), tmp);
        tick(w);
        w.clock.set(Instant.parse("2026-05-11T20:00:00Z"));
        w.assetUpdated("shop.orders", "2026-05-11");
        // 06:00 CEST on 12 May is 04:00Z: gated runs 11 May, which has new orders.
        w.clock.set(Instant.parse("2026-05-12T03:59:00Z"));
        tick(w);
        assertEquals(0, w.runs("gated").size());
        w.clock.set(Instant.parse("2026-05-12T04:00:20Z"));
        tick(w);
        assertEquals(1, w.runs("gated").size());
        Run gated = w.runs("gated").get(0);
        assertEquals("2026-05-11", gated.partition());
        assertTrue(gated.reason().startsWith("schedule fired at 2026-05-12T04:00:00Z; with new events: shop.orders x1"), gated.reason());
        w.finishActiveRuns();

        // No orders for 12 May: the next morning's fire requests nothing.
        w.clock.set(Instant.parse("2026-05-13T04:00:20Z"));
        tick(w);
        assertEquals(1, w.runs("gated").size());
        assertTrue(w.logText().contains("inputs unchanged since the last run: no run"));
    }

    /** Each run as "partition at fire-time" (the fire time from its reason). */
    static List<String> fires(List<Run> runs) {
        List<String> out = new ArrayList<>();
        for (Run r : runs) {
            String fire = r.reason().replaceFirst("^schedule fired at (\\S+?)(;.*)?$", "$1");
            out.add((r.partition().isEmpty() ? "" : r.partition() + " ") + "at " + fire);
        }
        return out;
    }

    @SafeVarargs
    static <T> List<T> concurrently(Callable<T>... calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> c : calls) {
                futures.add(pool.submit(c));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }
}
