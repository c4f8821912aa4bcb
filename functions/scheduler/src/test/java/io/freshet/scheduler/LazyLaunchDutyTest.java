package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.runs.Run;

/**
 * The lazy-launch duty alone: report has no trigger and must hold yesterday by 09:00 Prague time
 * (lag 9h, timeout 10m); it is launched one timeout before the deadline, once, only for a partition
 * with new input, and not while a run of that partition is going.
 */
class LazyLaunchDutyTest {

    @TempDir
    Path tmp;

    static int tick(TickWorld w) {
        return w.lazyLaunch().run(w.tick()).runs();
    }

    @Test
    void aPipelineScheduledByItsDeadlineIsLaunchedJustInTimeOnceAndOnlyWithNewInput() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp);
        w.deployedAt(w.clock.instant());
        w.assetUpdated("core.orders", "2026-05-11");
        assertEquals(List.of("2026-05-11"), w.schedule.dirtyPartitions("report").stream().map(d -> d.partition()).toList());

        // 09:00 CEST on 12 May is 07:00Z; its timeout is 10m, so it starts at 06:50Z.
        Instant due = Instant.parse("2026-05-12T06:50:00Z");
        for (Instant t = Instant.parse("2026-05-11T10:10:00Z"); t.isBefore(due); t = t.plus(Duration.ofMinutes(10))) {
            w.clock.set(t);
            assertEquals(0, tick(w), "lazy: nothing before it must, at " + t);
        }
        w.clock.set(due);
        assertEquals(1, tick(w));
        List<Run> report = w.runs("report");
        assertEquals(1, report.size());
        assertEquals("2026-05-11", report.get(0).partition());
        assertTrue(report.get(0).reason().startsWith("freshness: to stay fresh by cron(0 9 * * ? *) Europe/Prague with lag 9h; with new events: core.orders x1"),
                report.get(0).reason());

        w.clock.advance(Duration.ofMinutes(1));
        assertEquals(0, tick(w), "the run is going: what is new waits for it");
        w.succeed(report.get(0), "mart.report");
        w.clock.advance(Duration.ofMinutes(1));
        assertEquals(0, tick(w), "its new input was consumed");

        // No input for 12 May: nothing to launch it with before the next deadline.
        w.clock.set(Instant.parse("2026-05-13T06:50:00Z"));
        assertEquals(0, tick(w));
        assertEquals(1, w.runs("report").size());
    }

    @Test
    void aPartitionWhoseDeadlinePassedIsLaunchedAtOnce() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-12T10:00:00Z"), tmp);
        w.deployedAt(w.clock.instant());
        w.clock.set(Instant.parse("2026-05-13T07:31:00Z"));
        w.assetUpdated("core.orders", "2026-05-12"); // late: 12 May was due at 07:00Z
        assertEquals(1, tick(w));
        assertEquals(List.of("2026-05-12"), w.runs("report").stream().map(Run::partition).toList());
        assertEquals(0, tick(w));
    }

    @Test
    void aPipelineWithATriggerIsNeverLaunchedLazily() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp);
        w.assetUpdated("shop.orders", "2026-05-11"); // orders_daily (max_lag 5m, condition shop.orders) runs on it at once
        w.finishActiveRuns();
        w.assetUpdated("shop.orders", "2026-05-11");
        w.clock.advance(Duration.ofHours(2));
        int before = w.runs("orders_daily").size();
        assertEquals(0, tick(w));
        assertEquals(before, w.runs("orders_daily").size());
    }
}
