package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/**
 * Cron schedules on the one-minute tick, with a clock the test moves: each fire gets exactly one
 * run of its partition through late, missed, repeated and concurrent ticks and both daylight
 * saving changes of Europe/Prague; catch-up is capped; cron + condition runs only with new input.
 */
class ScheduleTicksTest {

    @TempDir
    Path tmp;

    @Test
    void aNightlyRunAt0230PragueRunsOncePerDayThroughBothDaylightSavingChanges() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-03-27T12:00:00Z"), tmp)) {
            // Irregular, late ticks (every 29 minutes) across the spring change (Sunday 29 March, 02:00 -> 03:00).
            w.tickEvery(Duration.ofMinutes(29), Instant.parse("2026-03-30T12:00:00Z"));
            // 02:30 does not exist on 29 March: it fires at 03:30 CEST (01:30Z), once.
            assertEquals(List.of("2026-03-27 at 2026-03-28T01:30:00Z", "2026-03-28 at 2026-03-29T01:30:00Z",
                            "2026-03-29 at 2026-03-30T00:30:00Z"), fires(w.runs("nightly")));
            assertTrue(w.runs("nightly").stream().allMatch(r -> r.state() == RunState.SUCCEEDED), () -> w.runs("nightly").toString());

            // Autumn (Sunday 25 October, 03:00 -> 02:00): 02:30 happens twice and fires at the first, once.
            w.at("2026-10-23T12:00:00Z");
            w.tick(); // after seven months without ticks: catch-up runs the newest three fires only
            w.tickEvery(Duration.ofMinutes(29), Instant.parse("2026-10-26T12:00:00Z"));
            List<String> autumn = fires(w.runs("nightly")).subList(3, w.runs("nightly").size());
            assertEquals(List.of("2026-10-20 at 2026-10-21T00:30:00Z", "2026-10-21 at 2026-10-22T00:30:00Z",
                    "2026-10-22 at 2026-10-23T00:30:00Z", "2026-10-23 at 2026-10-24T00:30:00Z",
                    "2026-10-24 at 2026-10-25T00:30:00Z", "2026-10-25 at 2026-10-26T01:30:00Z"), autumn);
        }
    }

    @Test
    void lateMissedAndRepeatedTicksRunEachFireOnceAndCatchUpIsCapped() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-10T10:00:30Z"), tmp)) {
            w.tick(); // the first tick: the 10:00 fire of the hourly schedule is in its minute
            assertEquals(List.of("at 2026-05-10T10:00:00Z"), fires(w.runs("hourly")));

            // The same tick delivered twice, and twice concurrently: nothing new.
            w.tick();
            concurrently(() -> w.scheduler().tick(), () -> w.scheduler().tick(), () -> w.scheduler().tick());
            w.settle();
            assertEquals(1, w.runs("hourly").size());

            // Late: the tick after 11:00 comes at 11:07. Its window still holds 11:00.
            w.at("2026-05-10T11:07:00Z");
            w.tick();
            assertEquals(List.of("at 2026-05-10T10:00:00Z", "at 2026-05-10T11:00:00Z"), fires(w.runs("hourly")));

            // Missed: no tick from 11:07 to 16:30. The hourly pipeline has no catch-up: only 16:00 runs.
            w.at("2026-05-10T16:30:00Z");
            w.tick();
            assertEquals(List.of("at 2026-05-10T10:00:00Z", "at 2026-05-10T11:00:00Z", "at 2026-05-10T16:00:00Z"),
                    fires(w.runs("hourly")));
            assertTrue(w.logText().contains("\"skipped\":4"), "the four skipped fires are logged");

            // Ten nights missed: the nightly pipeline catches up at most three (max_catchup: 3), newest, oldest first.
            w.at("2026-05-20T12:00:00Z");
            w.tick();
            assertEquals(List.of("2026-05-17 at 2026-05-18T00:30:00Z", "2026-05-18 at 2026-05-19T00:30:00Z",
                    "2026-05-19 at 2026-05-20T00:30:00Z"), fires(w.runs("nightly")));
            // Every run was created once and ran once.
            for (Run r : w.runs("nightly")) {
                assertEquals(RunState.SUCCEEDED, r.state());
                assertEquals(1, r.attempt());
            }
        }
    }

    @Test
    void cronWithAConditionRunsAtItsTickOnlyWhenItsInputsChanged() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T18:00:00Z"), tmp)) {
            w.tick();
            w.at("2026-05-11T20:00:00Z");
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n2,20\n");
            // 06:00 CEST on 12 May is 04:00Z: gated runs 11 May, which has new orders.
            w.at("2026-05-12T03:59:00Z");
            w.tick();
            assertEquals(0, w.runs("gated").size());
            w.at("2026-05-12T04:00:20Z");
            w.tick();
            assertEquals(1, w.runs("gated").size());
            Run gated = w.runs("gated").get(0);
            assertEquals("2026-05-11", gated.partition());
            assertTrue(gated.reason().startsWith("schedule fired at 2026-05-12T04:00:00Z; with new events: shop.orders x1"), gated.reason());
            assertEquals(RunState.SUCCEEDED, gated.state());

            // No orders for 12 May: the next morning's tick runs nothing.
            w.at("2026-05-13T04:00:20Z");
            w.tick();
            assertEquals(1, w.runs("gated").size());
            assertTrue(w.logText().contains("inputs unchanged since the last run: no run"));
        }
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
    static void concurrently(Callable<?>... calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Callable<?> c : calls) {
                futures.add(pool.submit(c));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
