package io.freshet.core.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.cron.AwsCron;
import io.freshet.core.freshness.FreshnessRules.Facts;
import io.freshet.core.freshness.FreshnessRules.Status;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Schedule;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.SourcePos;

class FreshnessRulesTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    /** max_lag: 5m. */
    static final Pipeline TRIPS = METRO.pipeline("core_trips").orElseThrow();
    /** deadline "0 9 * * ? *" Europe/Prague, lag 9h, daily Prague, default timeout 15m. */
    static final Pipeline RIDERSHIP = METRO.pipeline("daily_ridership").orElseThrow();

    static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");
    static final SourcePos POS = new SourcePos("test.yaml", 1, 1);
    static final Freshness.MaxLag LAG_30M = new Freshness.MaxLag(Duration.ofMinutes(30), POS);
    static final Freshness.MaxLag LAG_5M = new Freshness.MaxLag(Duration.ofMinutes(5), POS);
    static final Freshness.Deadline NINE_PRAGUE = deadline("0 9 * * ? *", PRAGUE, Duration.ofHours(9));
    static final Partitioning DAILY_PRAGUE = new Partitioning(PartitionGrain.DAILY, PRAGUE, Optional.empty());

    static Freshness.Deadline deadline(String cron, ZoneId zone, Duration lag) {
        return new Freshness.Deadline(new Schedule(AwsCron.parse(cron), zone), lag, POS);
    }

    static Instant t(String iso) {
        return Instant.parse(iso);
    }

    static Facts newest(String iso) {
        return new Facts(Optional.of(t(iso)), Optional.empty());
    }

    static Facts facts(String newest, String oldestUnreflected) {
        return new Facts(Optional.ofNullable(newest).map(Instant::parse), Optional.ofNullable(oldestUnreflected).map(Instant::parse));
    }

    @Test
    void theMetroExamplePoliciesAreWhatTheseTestsAssume() {
        assertEquals(Duration.ofMinutes(5), ((Freshness.MaxLag) TRIPS.freshness().orElseThrow()).maxLag());
        Freshness.Deadline d = (Freshness.Deadline) RIDERSHIP.freshness().orElseThrow();
        assertEquals(NINE_PRAGUE.deadline(), d.deadline());
        assertEquals(Duration.ofHours(9), d.lag());
        assertEquals(DAILY_PRAGUE, RIDERSHIP.partitioning());
        assertEquals(Duration.ofMinutes(15), RIDERSHIP.timeout());
    }

    // ---- sources ---------------------------------------------------------------------------------

    @Test
    void aSourceUnderMaxLagIsAsFreshAsItsNewestEvent() {
        Instant now = t("2026-05-26T12:00:00Z");
        Instant required = t("2026-05-26T11:30:00Z");
        assertEquals(new Status(false, "newest data from 2026-05-26T11:40:00Z", required),
                FreshnessRules.source(LAG_30M, newest("2026-05-26T11:40:00Z"), now));
        assertEquals(new Status(false, "newest data from 2026-05-26T11:30:00Z", required),
                FreshnessRules.source(LAG_30M, newest("2026-05-26T11:30:00Z"), now), "exactly max_lag old is still fresh");
        assertEquals(new Status(true, "newest data from 2026-05-26T11:29:59Z; data from 2026-05-26T11:30:00Z on was required", required),
                FreshnessRules.source(LAG_30M, newest("2026-05-26T11:29:59Z"), now));
        assertEquals(new Status(true, "no data yet; data from 2026-05-26T11:30:00Z on was required", required),
                FreshnessRules.source(LAG_30M, Facts.NONE, now));
        // A source has no unreflected inputs: only its newest event counts.
        assertFalse(FreshnessRules.source(LAG_30M, facts("2026-05-26T11:59:00Z", "2026-05-20T00:00:00Z"), now).overdue());
    }

    @Test
    void aSourceUnderADeadlineMustReachTheTickMinusLag() {
        // 10:00 Prague on 27 May: the 09:00 deadline (07:00Z) asked for data from midnight (22:00Z on the 26th).
        Instant now = t("2026-05-27T08:00:00Z");
        Instant required = t("2026-05-26T22:00:00Z");
        assertEquals(new Status(false, "newest data from 2026-05-26T22:00:00Z", required),
                FreshnessRules.source(NINE_PRAGUE, newest("2026-05-26T22:00:00Z"), now));
        assertEquals(new Status(true, "newest data from 2026-05-26T21:59:59Z; data from 2026-05-26T22:00:00Z on was required", required),
                FreshnessRules.source(NINE_PRAGUE, newest("2026-05-26T21:59:59Z"), now));
        assertEquals(new Status(true, "no data yet; data from 2026-05-26T22:00:00Z on was required", required),
                FreshnessRules.source(NINE_PRAGUE, Facts.NONE, now));
        // At 08:59 Prague the previous morning's deadline is still the one in force.
        Status before = FreshnessRules.source(NINE_PRAGUE, newest("2026-05-26T21:59:59Z"), t("2026-05-27T06:59:59Z"));
        assertEquals(new Status(false, "newest data from 2026-05-26T21:59:59Z", t("2026-05-25T22:00:00Z")), before);
        // Exactly at the tick, the new deadline is in force.
        assertTrue(FreshnessRules.source(NINE_PRAGUE, newest("2026-05-26T21:59:59Z"), t("2026-05-27T07:00:00Z")).overdue());
    }

    @Test
    void beforeTheFirstDeadlineNothingIsOverdue() {
        Freshness.Deadline future = deadline("0 9 1 1 ? 2030", ZoneOffset.UTC, Duration.ofHours(1));
        Instant now = t("2026-05-27T08:00:00Z");
        assertEquals(new Status(false, "no deadline has passed yet", Instant.MIN), FreshnessRules.source(future, Facts.NONE, now));
        assertEquals(new Status(false, "no deadline has passed yet", Instant.MIN), FreshnessRules.derived(future, Facts.NONE, now));
        assertEquals(new Status(false, "no deadline has passed yet", Instant.MIN),
                FreshnessRules.derived(future, facts("2026-01-01T00:00:00Z", "2000-01-01T00:00:00Z"), now));
        // Once it passes, it is.
        assertTrue(FreshnessRules.source(future, Facts.NONE, t("2030-01-01T09:00:00Z")).overdue());
        assertEquals(Optional.empty(), FreshnessRules.deadlineInForce(future, now));
    }

    // ---- the deadline in force and the partition it asks for ---------------------------------------

    @Test
    void theDeadlineInForceIsTheNewestTickAtOrBeforeNow() {
        assertEquals(Optional.of(t("2026-05-27T07:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-05-27T07:00:00Z")));
        assertEquals(Optional.of(t("2026-05-26T07:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-05-27T06:59:59.999999999Z")));
        assertEquals(Optional.of(t("2026-05-27T07:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-05-28T06:59:00Z")));
        // Winter time: 09:00 CET is 08:00Z.
        assertEquals(Optional.of(t("2026-01-15T08:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-01-15T10:00:00Z")));
        // Across the changes.
        assertEquals(Optional.of(t("2026-03-29T07:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-03-29T07:30:00Z")));
        assertEquals(Optional.of(t("2026-03-28T08:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-03-29T06:59:00Z")));
        assertEquals(Optional.of(t("2026-10-25T08:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-10-25T08:00:00Z")));
        assertEquals(Optional.of(t("2026-10-24T07:00:00Z")), FreshnessRules.deadlineInForce(NINE_PRAGUE, t("2026-10-25T07:59:00Z")));
    }

    @Test
    void theRequiredPartitionIsTheNewestCompleteAtTickMinusLag() {
        // 09:00 CEST minus 9h is midnight: the day before.
        assertEquals("2026-05-26", FreshnessRules.requiredPartition(DAILY_PRAGUE, NINE_PRAGUE, t("2026-05-27T07:00:00Z")));
        // 09:00 CET minus 9h is midnight too.
        assertEquals("2026-01-14", FreshnessRules.requiredPartition(DAILY_PRAGUE, NINE_PRAGUE, t("2026-01-15T08:00:00Z")));
        // The 25-hour day: 09:00 CET minus 9h is 01:00 CEST on the 25th; the 24th is complete.
        assertEquals("2026-10-24", FreshnessRules.requiredPartition(DAILY_PRAGUE, NINE_PRAGUE, t("2026-10-25T08:00:00Z")));
        // A deadline at midnight without lag asks for the day that just ended.
        Freshness.Deadline midnight = deadline("0 0 * * ? *", PRAGUE, Duration.ZERO);
        assertEquals("2026-05-26", FreshnessRules.requiredPartition(DAILY_PRAGUE, midnight, t("2026-05-26T22:00:00Z")));
        // With more than a day of lag.
        // (09:00 CEST on the 27th minus 33h is midnight of the 26th.)
        assertEquals("2026-05-25", FreshnessRules.requiredPartition(DAILY_PRAGUE, deadline("0 9 * * ? *", PRAGUE, Duration.ofHours(33)),
                t("2026-05-27T07:00:00Z")));
        // Hourly: a tick at 13:00Z with 30 minutes of lag asks for the hour complete at 12:30, 11:00-12:00.
        Freshness.Deadline hourly = deadline("0 * * * ? *", ZoneOffset.UTC, Duration.ofMinutes(30));
        assertEquals("2026-05-26T11", FreshnessRules.requiredPartition(Partitioning.of(PartitionGrain.HOURLY), hourly, t("2026-05-26T13:00:00Z")));
        assertEquals("2026-05-26T12", FreshnessRules.requiredPartition(Partitioning.of(PartitionGrain.HOURLY),
                deadline("0 * * * ? *", ZoneOffset.UTC, Duration.ZERO), t("2026-05-26T13:00:00Z")));
        assertEquals("", FreshnessRules.requiredPartition(Partitioning.NONE, NINE_PRAGUE, t("2026-05-27T07:00:00Z")));
    }

    // ---- derived assets ----------------------------------------------------------------------------

    @Test
    void aDerivedPartitionUnderMaxLagIsBehindFromItsOldestUnreflectedInput() {
        Instant now = t("2026-05-26T12:00:00Z");
        Instant required = t("2026-05-26T11:55:00Z");
        assertEquals(new Status(false, "up to date with its inputs", required), FreshnessRules.derived(LAG_5M, Facts.NONE, now));
        assertEquals(new Status(false, "up to date with its inputs", required),
                FreshnessRules.derived(LAG_5M, newest("2026-05-20T00:00:00Z"), now), "old data with nothing new is not overdue");
        assertEquals(new Status(false, "input data from 2026-05-26T11:56:00Z on its way", required),
                FreshnessRules.derived(LAG_5M, facts(null, "2026-05-26T11:56:00Z"), now));
        assertEquals(new Status(false, "input data from 2026-05-26T11:55:00Z on its way", required),
                FreshnessRules.derived(LAG_5M, facts("2026-05-26T11:00:00Z", "2026-05-26T11:55:00Z"), now), "exactly max_lag old");
        assertEquals(new Status(true, "input data from 2026-05-26T11:54:59Z is not in it after 5m", required),
                FreshnessRules.derived(LAG_5M, facts("2026-05-26T11:00:00Z", "2026-05-26T11:54:59Z"), now));
        assertEquals(new Status(true, "input data from 2026-05-26T10:00:00Z is not in it after 1h30m", t("2026-05-26T10:30:00Z")),
                FreshnessRules.derived(new Freshness.MaxLag(Duration.ofMinutes(90), POS), facts(null, "2026-05-26T10:00:00Z"), now));
    }

    @Test
    void aDerivedPartitionUnderADeadlineMustHoldItsInputsThroughTickMinusLag() {
        Instant now = t("2026-05-27T08:00:00Z");
        Instant required = t("2026-05-26T22:00:00Z");
        assertEquals(new Status(true, "not materialized; the deadline at 2026-05-27T07:00:00Z needed it", required),
                FreshnessRules.derived(NINE_PRAGUE, Facts.NONE, now));
        assertEquals(new Status(true, "not materialized; the deadline at 2026-05-27T07:00:00Z needed it", required),
                FreshnessRules.derived(NINE_PRAGUE, facts(null, "2026-05-26T23:00:00Z"), now));
        assertEquals(new Status(false, "holds its inputs through 2026-05-26T22:00:00Z", required),
                FreshnessRules.derived(NINE_PRAGUE, newest("2026-05-27T01:00:00Z"), now));
        assertEquals(new Status(true, "input data from 2026-05-26T21:00:00Z is not in it; the deadline at 2026-05-27T07:00:00Z"
                        + " needed data through 2026-05-26T22:00:00Z", required),
                FreshnessRules.derived(NINE_PRAGUE, facts("2026-05-27T01:00:00Z", "2026-05-26T21:00:00Z"), now));
        // An unreflected event at exactly tick - lag is data the deadline needed.
        assertTrue(FreshnessRules.derived(NINE_PRAGUE, facts("2026-05-27T01:00:00Z", "2026-05-26T22:00:00Z"), now).overdue());
        // One after it is not (it belongs to data the deadline did not ask for yet).
        assertEquals(new Status(false, "holds its inputs through 2026-05-26T22:00:00Z", required),
                FreshnessRules.derived(NINE_PRAGUE, facts("2026-05-27T01:00:00Z", "2026-05-26T22:00:00.000000001Z"), now));
    }

    // ---- when a lazily scheduled pipeline launches ---------------------------------------------------

    @Test
    void maxLagLaunchesAtHalfTheLag() {
        Instant oldest = t("2026-05-26T12:00:00Z");
        assertFalse(FreshnessRules.shouldLaunch(TRIPS, "2026-05-26", oldest, oldest));
        assertFalse(FreshnessRules.shouldLaunch(TRIPS, "2026-05-26", oldest, t("2026-05-26T12:02:29.999Z")));
        assertTrue(FreshnessRules.shouldLaunch(TRIPS, "2026-05-26", oldest, t("2026-05-26T12:02:30Z")));
        assertTrue(FreshnessRules.shouldLaunch(TRIPS, "2020-01-01", oldest, t("2026-05-26T13:00:00Z")), "whatever the partition");
    }

    @Test
    void theDeadlinesPartitionLaunchesOneTimeoutBeforeItEarlierOnesAtOnceLaterOnesWait() {
        Instant oldest = t("2026-05-26T23:30:00Z");
        // The next deadline, 09:00 Prague on 27 May (07:00Z), needs 2026-05-26; the timeout is 15m.
        assertFalse(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-26", oldest, t("2026-05-27T05:00:00Z")));
        assertFalse(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-26", oldest, t("2026-05-27T06:44:59.999Z")));
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-26", oldest, t("2026-05-27T06:45:00Z")));
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-26", oldest, t("2026-05-27T06:59:59Z")));
        // A partition an earlier deadline needed (late data) launches at once.
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-25", oldest, t("2026-05-27T05:00:00Z")));
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-01-01", oldest, t("2026-05-27T05:00:00Z")));
        // Today's partition only the next day's deadline needs: it waits, even right before today's.
        assertFalse(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-27", oldest, t("2026-05-27T06:59:59Z")));
        // Once the deadline has passed, 2026-05-26 is late and launches at once; 2026-05-27 is next and waits.
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-26", oldest, t("2026-05-27T07:00:00Z")));
        assertFalse(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-27", oldest, t("2026-05-27T07:00:00Z")));
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-05-27", oldest, t("2026-05-28T06:45:00Z")));
        // In winter the deadline is at 08:00Z, the launch at 07:45Z.
        assertFalse(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-01-14", oldest, t("2026-01-15T07:44:59Z")));
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-01-14", oldest, t("2026-01-15T07:45:00Z")));
        // On the 25-hour day the deadline (08:00Z) still needs the 24th.
        assertFalse(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-10-24", oldest, t("2026-10-25T07:44:00Z")));
        assertTrue(FreshnessRules.shouldLaunch(RIDERSHIP, "2026-10-24", oldest, t("2026-10-25T07:45:00Z")));
    }

    @Test
    void unpartitionedAndPastDeadlinesAndPipelinesWithoutAPolicy(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.taps:
                    s3: s3://${LakeBucket}/landing/taps/date={date}/*.csv
                """);
        Files.writeString(dir.resolve("export.yaml"), """
                pipeline: export
                inputs: [{ asset: landing.taps, mapping: latest }]
                outputs:
                  mart.export: s3://${LakeBucket}/mart/export/
                freshness:
                  deadline: "0 9 * * ? *"
                  lag: 1h
                timeout: 10m
                steps:
                  - sql: { output: mart.export, query: SELECT 1 }
                """);
        Files.writeString(dir.resolve("old.yaml"), """
                pipeline: old
                inputs: [landing.taps]
                partitions: daily
                outputs:
                  mart.old: s3://${LakeBucket}/mart/old/date={date}/
                freshness:
                  deadline: "0 9 1 1 ? 2020"
                steps:
                  - sql: { output: mart.old, query: SELECT 1 }
                """);
        Project project = ProjectLoader.load(dir).orThrow();
        Pipeline export = project.pipeline("export").orElseThrow();
        Pipeline old = project.pipeline("old").orElseThrow();

        // Unpartitioned, deadline 09:00 UTC with lag 1h, timeout 10m. New data since 07:00 today:
        // the deadline in force (yesterday 09:00) needed data through yesterday 08:00, so this waits
        // until 08:50, one timeout before today's deadline.
        Instant fresh = t("2026-05-27T07:00:00Z");
        assertFalse(FreshnessRules.shouldLaunch(export, "", fresh, t("2026-05-27T08:00:00Z")));
        assertFalse(FreshnessRules.shouldLaunch(export, "", fresh, t("2026-05-27T08:49:59Z")));
        assertTrue(FreshnessRules.shouldLaunch(export, "", fresh, t("2026-05-27T08:50:00Z")));
        // Data the deadline in force already needed is late: at once.
        assertTrue(FreshnessRules.shouldLaunch(export, "", t("2026-05-26T08:00:00Z"), t("2026-05-27T08:00:00Z")));
        assertFalse(FreshnessRules.shouldLaunch(export, "", t("2026-05-26T08:00:01Z"), t("2026-05-27T08:00:00Z")));
        // After today's deadline, the data of 07:00 (before 08:00) is late.
        assertTrue(FreshnessRules.shouldLaunch(export, "", fresh, t("2026-05-27T09:00:00Z")));
        assertFalse(FreshnessRules.shouldLaunch(export, "", t("2026-05-27T08:30:00Z"), t("2026-05-27T09:00:00Z")));

        // No deadline ahead: nothing to wait for.
        assertTrue(FreshnessRules.shouldLaunch(old, "2026-05-26", fresh, t("2026-05-27T08:00:00Z")));
        assertTrue(FreshnessRules.shouldLaunch(old, "2030-01-01", fresh, t("2026-05-27T08:00:00Z")));

        Pipeline snapshot = METRO.pipeline("metro_snapshot").orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FreshnessRules.shouldLaunch(snapshot, "2026-05-26", fresh, fresh));
        assertEquals("metro_snapshot has no freshness policy", e.getMessage());
    }

    @Test
    void onlyInputsThatCanStartARunCountAgainstFreshness() {
        // core_trips runs on landing.taps | raw.stations; raw.passengers is read alongside, and cannot start a run.
        assertTrue(FreshnessRules.inputCounts(TRIPS, "landing.taps"));
        assertTrue(FreshnessRules.inputCounts(TRIPS, "raw.stations"));
        assertFalse(FreshnessRules.inputCounts(TRIPS, "raw.passengers"));
        // No condition (lazily scheduled by its freshness): every input's data is what a launch is for.
        for (var in : RIDERSHIP.inputs()) {
            assertTrue(FreshnessRules.inputCounts(RIDERSHIP, in.asset()), in.asset());
        }
    }
}
