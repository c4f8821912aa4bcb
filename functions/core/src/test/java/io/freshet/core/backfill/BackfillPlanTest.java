package io.freshet.core.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.backfill.BackfillPlan.Item;
import io.freshet.core.backfill.BackfillPlan.Key;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;

class BackfillPlanTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final Project EVERY_FEATURE = ProjectLoader.load(Path.of("src/test/resources/fixtures/valid/every_feature")).orThrow();

    static List<String> may() {
        List<String> days = new ArrayList<>();
        for (int d = 1; d <= 31; d++) {
            days.add(String.format("2026-05-%02d", d));
        }
        return days;
    }

    static Key k(String pipeline, String partition) {
        return new Key(pipeline, partition);
    }

    static Item item(String pipeline, String partition, Key... deps) {
        return new Item(k(pipeline, partition), List.of(deps));
    }

    static BackfillPlan plan(Project p, String asset, String from, String to, boolean downstream) {
        return BackfillPlan.of(p, asset, Optional.ofNullable(from), Optional.ofNullable(to), downstream);
    }

    static BackfillException refused(Project p, String asset, String from, String to, boolean downstream) {
        return assertThrows(BackfillException.class, () -> plan(p, asset, from, to, downstream));
    }

    /** Every key once, and every item after the items it depends on. */
    static void assertRunnableInOrder(BackfillPlan plan) {
        Set<Key> done = new HashSet<>();
        for (Item i : plan.items()) {
            for (Key d : i.dependsOn()) {
                assertTrue(done.contains(d), i.key() + " depends on " + d + ", which is not planned before it");
            }
            assertTrue(done.add(i.key()), i.key() + " is planned twice");
        }
    }

    // ---- the metro example -------------------------------------------------------------------------

    @Test
    void aMonthOfCoreTripsIsThirtyOneIndependentRuns() {
        BackfillPlan plan = plan(METRO, "core.trips", "2026-05-01", "2026-05-31", false);
        assertEquals("core.trips", plan.asset());
        assertEquals(may().stream().map(d -> item("core_trips", d)).toList(), plan.items());
        assertEquals(List.of(), plan.notes());
        assertEquals("31 runs: core_trips x31", plan.summary());
    }

    @Test
    void downstreamAddsDailyRidershipForEachDayAfterThatDaysTrips() {
        BackfillPlan plan = plan(METRO, "core.trips", "2026-05-01", "2026-05-31", true);
        List<Item> expected = new ArrayList<>();
        may().forEach(d -> expected.add(item("core_trips", d)));
        // core.network, its other input, is not being backfilled: no dependency on it.
        may().forEach(d -> expected.add(item("daily_ridership", d, k("core_trips", d))));
        assertEquals(expected, plan.items());
        assertEquals(List.of(), plan.notes());
        assertEquals("62 runs: core_trips x31, daily_ridership x31", plan.summary());
        assertRunnableInOrder(plan);
    }

    @Test
    void aSnapshotBackfillRebuildsEverythingBuiltFromIt() {
        BackfillPlan plan = plan(METRO, "raw.stations", "2026-05-01", "2026-05-03", true);
        List<String> days = List.of("2026-05-01", "2026-05-02", "2026-05-03");
        List<Item> expected = new ArrayList<>();
        // core_trips reads raw.stations with 'latest', the newest event whatever its partition: the newest day is made
        // last, after the other days, so that it is the newest event when core_trips reads it.
        expected.add(item("metro_snapshot", "2026-05-01"));
        expected.add(item("metro_snapshot", "2026-05-02"));
        expected.add(item("metro_snapshot", "2026-05-03", k("metro_snapshot", "2026-05-01"), k("metro_snapshot", "2026-05-02")));
        // core_network reads raw.routes, raw.route_stations and raw.stations, all of the same run: one dependency.
        // daily_ridership reads it with 'latest': the same rule makes its newest day come last.
        expected.add(item("core_network", "2026-05-01", k("metro_snapshot", "2026-05-01")));
        expected.add(item("core_network", "2026-05-02", k("metro_snapshot", "2026-05-02")));
        expected.add(item("core_network", "2026-05-03", k("metro_snapshot", "2026-05-03"), k("core_network", "2026-05-01"),
                k("core_network", "2026-05-02")));
        // core_trips reads raw.stations and raw.passengers with 'latest'; same grain, same key, after the newest snapshot.
        days.forEach(d -> expected.add(item("core_trips", d, k("metro_snapshot", "2026-05-03"))));
        // daily_ridership reads core.trips (identity) and core.network ('latest', so its newest day), in that order.
        days.forEach(d -> expected.add(item("daily_ridership", d, k("core_trips", d), k("core_network", "2026-05-03"))));
        assertEquals(expected, plan.items());
        assertEquals(List.of(), plan.notes());
        assertEquals("12 runs: metro_snapshot x3, core_network x3, core_trips x3, daily_ridership x3", plan.summary());
        assertRunnableInOrder(plan);

        // Without --downstream nothing reads the snapshot here: the days are independent.
        assertEquals(days.stream().map(d -> item("metro_snapshot", d)).toList(),
                plan(METRO, "raw.stations", "2026-05-01", "2026-05-03", false).items());
        // Downstream follows the asset asked for, not every output of its pipeline: nothing reads raw.taps.
        BackfillPlan taps = plan(METRO, "raw.taps", "2026-05-01", "2026-05-03", true);
        assertEquals("raw.taps", taps.asset());
        assertEquals(days.stream().map(d -> item("metro_snapshot", d)).toList(), taps.items());
        // raw.routes feeds only core_network, and through it daily_ridership.
        assertEquals("9 runs: metro_snapshot x3, core_network x3, daily_ridership x3",
                plan(METRO, "raw.routes", "2026-05-01", "2026-05-03", true).summary());
        assertEquals(item("daily_ridership", "2026-05-02", k("core_network", "2026-05-03")),
                plan(METRO, "raw.routes", "2026-05-01", "2026-05-03", true).items().get(7));
    }

    @Test
    void aNetworkBackfillReachesDailyRidershipThroughLatest() {
        BackfillPlan plan = plan(METRO, "core.network", "2026-03-28", "2026-03-30", true);
        // daily_ridership reads core.network with 'latest': every day it rebuilds reads the newest network, so each
        // depends on the newest day of the backfill, which comes after the other days.
        Key newest = k("core_network", "2026-03-30");
        assertEquals(List.of(item("core_network", "2026-03-28"), item("core_network", "2026-03-29"),
                item("core_network", "2026-03-30", k("core_network", "2026-03-28"), k("core_network", "2026-03-29")),
                item("daily_ridership", "2026-03-28", newest),
                item("daily_ridership", "2026-03-29", newest),
                item("daily_ridership", "2026-03-30", newest)), plan.items());
        assertRunnableInOrder(plan);
        // The end of the line: nothing is downstream of the mart.
        assertEquals(List.of(item("daily_ridership", "2026-05-26")), plan(METRO, "mart.daily_ridership", "2026-05-26", "2026-05-26", true).items());
    }

    @Test
    void sourcesCannotBeBackfilled() {
        assertEquals("'landing.taps' is a source, written by someone else; backfill the pipelines that read it",
                refused(METRO, "landing.taps", "2026-05-01", "2026-05-31", true).getMessage());
        assertEquals("'metro.db' is a source, written by someone else; backfill the pipelines that read it",
                refused(METRO, "metro.db", null, null, false).getMessage());
    }

    @Test
    void unknownAssetsAreNamedWithASuggestionWhenOneIsClose() {
        assertEquals("no asset named 'core.trip'; did you mean 'core.trips'?",
                refused(METRO, "core.trip", "2026-05-01", "2026-05-31", false).getMessage());
        assertEquals("no asset named 'raw.staions'; did you mean 'raw.stations'?",
                refused(METRO, "raw.staions", "2026-05-01", "2026-05-31", false).getMessage());
        assertEquals("no asset named 'core_trips'; did you mean 'core.trips'?",
                refused(METRO, "core_trips", "2026-05-01", "2026-05-31", false).getMessage());
        assertEquals("no asset named 'nothing.like.it'", refused(METRO, "nothing.like.it", "2026-05-01", "2026-05-31", false).getMessage());
    }

    @Test
    void aPartitionedPipelineNeedsBothEndsOfTheRange() {
        String expected = "'core_trips' has daily partitions: give --from and --to (such as 2026-05-01 and 2026-05-31)";
        assertEquals(expected, refused(METRO, "core.trips", null, null, false).getMessage());
        assertEquals(expected, refused(METRO, "core.trips", "2026-05-01", null, false).getMessage());
        assertEquals(expected, refused(METRO, "core.trips", null, "2026-05-31", true).getMessage());
    }

    @Test
    void aRangeBeforeThePartitionsStartIsRefused() {
        assertEquals("partition 2025-12-30 lies before 'metro_snapshot' starts (2026-01-01)",
                refused(METRO, "raw.stations", "2025-12-30", "2026-01-02", true).getMessage());
        assertEquals("partition 2025-12-31 lies before 'metro_snapshot' starts (2026-01-01)",
                refused(METRO, "raw.routes", "2025-12-31", "2025-12-31", false).getMessage());
        assertEquals(List.of(item("metro_snapshot", "2026-01-01")), plan(METRO, "raw.routes", "2026-01-01", "2026-01-01", false).items());
    }

    @Test
    void badRangesAreRefusedWithTheReason() {
        assertEquals("bad range for 'core_trips': the range ends (2026-05-01) before it starts (2026-05-31)",
                refused(METRO, "core.trips", "2026-05-31", "2026-05-01", false).getMessage());
        assertEquals("bad range for 'core_trips': '2026-5-1' is not a daily partition key (expected YYYY-MM-DD)",
                refused(METRO, "core.trips", "2026-5-1", "2026-05-31", false).getMessage());
        assertEquals("bad range for 'core_trips': '2026-05-31T00' is not a daily partition key (expected YYYY-MM-DD)",
                refused(METRO, "core.trips", "2026-05-01", "2026-05-31T00", false).getMessage());
        assertEquals("bad range for 'metro_snapshot': the range ends (2026-01-01) before it starts (2026-01-02)",
                refused(METRO, "raw.stations", "2026-01-02", "2026-01-01", false).getMessage());
    }

    @Test
    void backfillsAreBoundedByMaxPartitions() {
        String from = "2000-01-01";
        String last = LocalDate.parse(from).plusDays(BackfillPlan.MAX_PARTITIONS - 1).toString();
        String oneMore = LocalDate.parse(from).plusDays(BackfillPlan.MAX_PARTITIONS).toString();
        BackfillPlan atTheLimit = plan(METRO, "core.trips", from, last, false);
        assertEquals(BackfillPlan.MAX_PARTITIONS, atTheLimit.items().size());
        assertEquals(k("core_trips", last), atTheLimit.items().getLast().key());
        assertEquals("bad range for 'core_trips': the range " + from + " .. " + oneMore + " holds more than 10000 partitions",
                refused(METRO, "core.trips", from, oneMore, false).getMessage());
        // Downstream runs count too.
        assertEquals("the backfill needs more than 10000 runs; backfill a shorter range",
                refused(METRO, "core.trips", from, last, true).getMessage());
        assertEquals(10_000, plan(METRO, "core.trips", from, LocalDate.parse(from).plusDays(4999).toString(), true).items().size());
    }

    // ---- start dates, unpartitioned pipelines, windows -------------------------------------------------

    @Test
    void downstreamSkipsPartitionsBeforeAConsumersStartAndFeedsUnpartitionedConsumersOnce() {
        // snap (daily UTC, no start) -> raw.stations -> trips (daily Prague from 2026-01-01, 'latest'),
        // manual-export (unpartitioned, 'latest'); trips -> core.trips -> rollup (daily Prague).
        BackfillPlan plan = plan(EVERY_FEATURE, "raw.stations", "2025-12-30", "2026-01-02", true);
        assertEquals(List.of(
                item("snap", "2025-12-30"), item("snap", "2025-12-31"), item("snap", "2026-01-01"),
                // trips reads raw.stations with 'latest': its days wait for the newest snapshot, which comes last
                item("snap", "2026-01-02", k("snap", "2025-12-30"), k("snap", "2025-12-31"), k("snap", "2026-01-01")),
                item("trips", "2026-01-01", k("snap", "2026-01-02")),
                item("trips", "2026-01-02", k("snap", "2026-01-02")),
                item("rollup", "2026-01-01", k("trips", "2026-01-01")),
                item("rollup", "2026-01-02", k("trips", "2026-01-02")),
                item("manual-export", "", k("snap", "2025-12-30"), k("snap", "2025-12-31"), k("snap", "2026-01-01"), k("snap", "2026-01-02"))),
                plan.items());
        assertEquals(List.of(), plan.notes());
        assertEquals("9 runs: snap x4, trips x2, rollup x2, manual-export x1", plan.summary());
        assertRunnableInOrder(plan);
        assertEquals("manual-export", k("manual-export", "").toString());
        assertEquals("snap/2026-01-01", k("snap", "2026-01-01").toString());
    }

    @Test
    void anUnpartitionedPipelineIsBackfilledWithoutARange() {
        BackfillPlan plan = plan(EVERY_FEATURE, "mart.station_export", null, null, true);
        assertEquals(List.of(item("manual-export", "")), plan.items());
        assertEquals("1 run: manual-export x1", plan.summary());
        assertEquals("'manual-export' is not partitioned: backfill it without --from and --to",
                refused(EVERY_FEATURE, "mart.station_export", "2026-05-01", null, false).getMessage());
        assertEquals("'manual-export' is not partitioned: backfill it without --from and --to",
                refused(EVERY_FEATURE, "mart.station_export", null, "2026-05-01", false).getMessage());
        assertEquals("partition 2025-12-31 lies before 'trips' starts (2026-01-01)",
                refused(EVERY_FEATURE, "core.trips_by_hour", "2025-12-31", "2026-01-01", true).getMessage());
    }

    @Test
    void hoursBackfillTheLocalDaysTheyFallInThroughWindow(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.gates:
                    s3: s3://${LakeBucket}/landing/gates/date={date}/hour={hour}/
                """);
        Files.writeString(dir.resolve("hours.yaml"), """
                pipeline: hours
                inputs: [landing.gates]
                partitions: hourly
                outputs:
                  core.hours: s3://${LakeBucket}/core/hours/date={date}/hour={hour}/
                trigger: { condition: landing.gates }
                steps:
                  - sql: { output: core.hours, query: SELECT 1 }
                """);
        Files.writeString(dir.resolve("days.yaml"), """
                pipeline: days
                inputs: [{ asset: core.hours, mapping: window }]
                partitions: { grain: daily, timezone: Europe/Prague }
                outputs:
                  mart.days: s3://${LakeBucket}/mart/days/date={date}/
                trigger: { condition: core.hours }
                steps:
                  - sql: { output: mart.days, query: SELECT 1 }
                """);
        Files.writeString(dir.resolve("dim.yaml"), """
                pipeline: dim
                inputs: [{ asset: core.hours, mapping: latest }]
                partitions: daily
                outputs:
                  mart.dim: s3://${LakeBucket}/mart/dim/date={date}/
                trigger: { condition: core.hours }
                steps:
                  - sql: { output: mart.dim, query: SELECT 1 }
                """);
        Project project = ProjectLoader.load(dir).orThrow();
        // 22:00Z on 28 March is 23:00 CET (the 28th); 23:00Z is midnight of the 29th, the 23-hour day.
        BackfillPlan plan = plan(project, "core.hours", "2026-03-28T22", "2026-03-29T01", true);
        assertEquals(List.of(
                item("hours", "2026-03-28T22"), item("hours", "2026-03-28T23"), item("hours", "2026-03-29T00"), item("hours", "2026-03-29T01"),
                item("days", "2026-03-28", k("hours", "2026-03-28T22")),
                item("days", "2026-03-29", k("hours", "2026-03-28T23"), k("hours", "2026-03-29T00"), k("hours", "2026-03-29T01"))),
                plan.items());
        // An hourly input read with 'latest' by a daily pipeline names no day to rebuild.
        assertEquals(List.of("dim: none of its inputs' backfilled partitions map to a partition of it"), plan.notes());
        assertEquals("6 runs: hours x4, days x2", plan.summary());
        assertRunnableInOrder(plan);

        assertEquals("'hours' has hourly partitions: give --from and --to (such as 2026-05-01T00 and 2026-05-01T23)",
                refused(project, "core.hours", "2026-03-28T22", null, true).getMessage());
        assertEquals("bad range for 'hours': '2026-03-28' is not a hourly partition key (expected YYYY-MM-DDTHH)",
                refused(project, "core.hours", "2026-03-28", "2026-03-29T01", true).getMessage());
    }
}
