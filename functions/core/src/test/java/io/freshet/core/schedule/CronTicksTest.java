package io.freshet.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.cron.AwsCron;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Schedule;
import io.freshet.core.model.Trigger;
import io.freshet.core.yaml.SourcePos;

class CronTicksTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final Pipeline SNAPSHOT = METRO.pipeline("metro_snapshot").orElseThrow();
    /** {@code 0 1 * * ? *} in Europe/Prague, catchup: true, max_catchup: 3. */
    static final Trigger NIGHTLY = SNAPSHOT.trigger().orElseThrow();
    static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");

    static Instant t(String iso) {
        return Instant.parse(iso);
    }

    static List<Instant> instants(String... iso) {
        return Arrays.stream(iso).map(Instant::parse).toList();
    }

    static Trigger trigger(String cron, ZoneId zone, boolean catchup, int maxCatchup) {
        return new Trigger(Optional.of(new Schedule(AwsCron.parse(cron), zone)), Optional.empty(), catchup, maxCatchup,
                new SourcePos("test.yaml", 1, 1), Optional.empty());
    }

    @Test
    void theMetroExampleTriggerIsWhatTheseTestsAssume() {
        assertEquals(new Schedule(AwsCron.parse("0 1 * * ? *"), PRAGUE), NIGHTLY.schedule().orElseThrow());
        assertEquals(true, NIGHTLY.catchup());
        assertEquals(3, NIGHTLY.maxCatchup());
    }

    // ---- due -----------------------------------------------------------------------------------

    @Test
    void aFireEqualToTheCursorIsExcludedAndOneEqualToNowIncluded() {
        // 01:00 Prague (CEST) is 23:00Z the day before.
        Instant fire26 = t("2026-05-26T23:00:00Z");
        Instant fire27 = t("2026-05-27T23:00:00Z");
        assertEquals(List.of(fire27), CronTicks.due(NIGHTLY, fire26, fire27));
        assertEquals(List.of(), CronTicks.due(NIGHTLY, fire26, fire27.minusNanos(1)));
        assertEquals(List.of(fire26), CronTicks.due(NIGHTLY, fire26.minusNanos(1), fire26));
        assertEquals(List.of(), CronTicks.due(NIGHTLY, fire26, fire26), "an empty window");
        assertEquals(List.of(), CronTicks.due(NIGHTLY, fire27, fire26), "a cursor after now");
    }

    @Test
    void aTickAMinuteAfterTheFireFindsItOnce() {
        Instant fire = t("2026-05-26T23:00:00Z");
        // The tick of 23:00 was late: 23:00:40 handles (22:59:xx, 23:00:40].
        assertEquals(List.of(fire), CronTicks.due(NIGHTLY, t("2026-05-26T22:59:02Z"), t("2026-05-26T23:00:40Z")));
        // The next tick, from the moved cursor, does not find it again.
        assertEquals(List.of(), CronTicks.due(NIGHTLY, t("2026-05-26T23:00:40Z"), t("2026-05-26T23:01:01Z")));
    }

    @Test
    void afterAnOutageTheNewestMaxCatchupFiresRunOldestFirst() {
        Instant cursor = t("2026-05-20T00:00:00Z");
        Instant now = t("2026-05-27T12:00:00Z");
        // Seven nights were missed (01:00 Prague of 21..27 May); max_catchup: 3 keeps the last three.
        assertEquals(instants("2026-05-24T23:00:00Z", "2026-05-25T23:00:00Z", "2026-05-26T23:00:00Z"),
                CronTicks.due(NIGHTLY, cursor, now));
        assertEquals(4, CronTicks.skipped(NIGHTLY, cursor, now, 1000));

        Trigger generous = trigger("0 1 * * ? *", PRAGUE, true, 24);
        assertEquals(instants("2026-05-20T23:00:00Z", "2026-05-21T23:00:00Z", "2026-05-22T23:00:00Z", "2026-05-23T23:00:00Z",
                        "2026-05-24T23:00:00Z", "2026-05-25T23:00:00Z", "2026-05-26T23:00:00Z"),
                CronTicks.due(generous, cursor, now));
        assertEquals(0, CronTicks.skipped(generous, cursor, now, 1000));
    }

    @Test
    void withoutCatchupOnlyTheNewestFireRuns() {
        Trigger noCatchup = trigger("0 1 * * ? *", PRAGUE, false, 24);
        Instant cursor = t("2026-05-20T00:00:00Z");
        Instant now = t("2026-05-27T12:00:00Z");
        assertEquals(List.of(t("2026-05-26T23:00:00Z")), CronTicks.due(noCatchup, cursor, now));
        assertEquals(6, CronTicks.skipped(noCatchup, cursor, now, 1000));
        // max_catchup does not matter without catchup.
        assertEquals(List.of(t("2026-05-26T23:00:00Z")), CronTicks.due(trigger("0 1 * * ? *", PRAGUE, false, 1000), cursor, now));
        assertEquals(List.of(), CronTicks.due(noCatchup, t("2026-05-26T23:00:00Z"), t("2026-05-27T12:00:00Z")));
    }

    @Test
    void nightlyFiresFollowTheLocalClockAcrossDaylightSaving() {
        Trigger all = trigger("0 1 * * ? *", PRAGUE, true, 100);
        // 01:00 CET on 28 and 29 March (the clocks change at 02:00), then 01:00 CEST on the 30th.
        assertEquals(instants("2026-03-28T00:00:00Z", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"),
                CronTicks.due(all, t("2026-03-27T12:00:00Z"), t("2026-03-30T12:00:00Z")));
        // 01:00 CEST on 25 October (before the change at 03:00), then 01:00 CET.
        assertEquals(instants("2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z", "2026-10-27T00:00:00Z"),
                CronTicks.due(all, t("2026-10-24T12:00:00Z"), t("2026-10-27T12:00:00Z")));
        // The metro example keeps at most three of them.
        assertEquals(instants("2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z", "2026-03-30T23:00:00Z"),
                CronTicks.due(NIGHTLY, t("2026-03-25T12:00:00Z"), t("2026-03-31T12:00:00Z")));
    }

    @Test
    void aFireInTheSpringGapRunsOnceShiftedForwardAndOnceInTheAutumnOverlap() {
        Trigger gap = trigger("30 2 * * ? *", PRAGUE, true, 100);
        assertEquals(instants("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"),
                CronTicks.due(gap, t("2026-03-27T12:00:00Z"), t("2026-03-30T12:00:00Z")));
        assertEquals(instants("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
                CronTicks.due(gap, t("2026-10-23T12:00:00Z"), t("2026-10-26T12:00:00Z")));
        // A tick between the two 02:30s of 25 October finds nothing new.
        assertEquals(List.of(), CronTicks.due(gap, t("2026-10-25T00:30:00Z"), t("2026-10-25T01:31:00Z")));
    }

    @Test
    void aLongOutageUnderAMinutelyCronDoesNotEnumerateEveryFire() {
        Trigger minutely = trigger("* * * * ? *", ZoneOffset.UTC, true, 1000);
        Instant now = t("2026-05-27T12:34:56Z");
        List<Instant> due = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CronTicks.due(minutely, t("2025-05-27T00:00:00Z"), now));
        assertEquals(1000, due.size());
        assertEquals(t("2026-05-27T12:34:00Z"), due.getLast());
        assertEquals(t("2026-05-27T12:34:00Z").minus(Duration.ofMinutes(999)), due.getFirst());
        Trigger newestOnly = trigger("* * * * ? *", ZoneOffset.UTC, false, 1000);
        assertEquals(List.of(t("2026-05-27T12:34:00Z")),
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> CronTicks.due(newestOnly, t("2000-01-01T00:00:00Z"), now)));
    }

    @Test
    void aScheduleThatStoppedFiringOwesOnlyWhatItFired() {
        Trigger once = trigger("0 12 1 1 ? 2020", ZoneOffset.UTC, true, 10);
        assertEquals(List.of(t("2020-01-01T12:00:00Z")), CronTicks.due(once, t("2019-06-01T00:00:00Z"), t("2026-05-27T00:00:00Z")));
        assertEquals(List.of(), CronTicks.due(once, t("2020-01-01T12:00:00Z"), t("2026-05-27T00:00:00Z")));
    }

    @Test
    void aTriggerWithoutAScheduleHasNoTicks() {
        Trigger conditionOnly = new Trigger(Optional.empty(), Optional.empty(), false, 0, new SourcePos("t.yaml", 1, 1), Optional.empty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CronTicks.due(conditionOnly, t("2026-05-26T00:00:00Z"), t("2026-05-27T00:00:00Z")));
        assertEquals("the trigger has no schedule", e.getMessage());
    }

    // ---- partitionOf -----------------------------------------------------------------------------

    @Test
    void aNightlyFireRunsTheDayBefore() {
        // 01:00 Prague on 27 May.
        assertEquals(Optional.of("2026-05-26"), CronTicks.partitionOf(SNAPSHOT, t("2026-05-26T23:00:00Z")));
        // Exactly midnight Prague: the day that just ended.
        assertEquals(Optional.of("2026-05-26"), CronTicks.partitionOf(SNAPSHOT, t("2026-05-26T22:00:00Z")));
        // 23:59 Prague on 26 May: 26 May is still in progress.
        assertEquals(Optional.of("2026-05-25"), CronTicks.partitionOf(SNAPSHOT, t("2026-05-26T21:59:00Z")));
        // Around the clock changes: 01:00 CEST on 30 March, 01:00 CET on 26 October.
        assertEquals(Optional.of("2026-03-29"), CronTicks.partitionOf(SNAPSHOT, t("2026-03-29T23:00:00Z")));
        assertEquals(Optional.of("2026-03-28"), CronTicks.partitionOf(SNAPSHOT, t("2026-03-29T00:00:00Z")));
        assertEquals(Optional.of("2026-10-25"), CronTicks.partitionOf(SNAPSHOT, t("2026-10-26T00:00:00Z")));
        assertEquals(Optional.of("2026-10-24"), CronTicks.partitionOf(SNAPSHOT, t("2026-10-24T23:00:00Z")));
    }

    @Test
    void aFireWhoseDayLiesBeforePartitionsStartRunsNothing() {
        // metro_snapshot starts 2026-01-01: the fire at 01:00 on 1 January would run 31 December.
        assertEquals(Optional.empty(), CronTicks.partitionOf(SNAPSHOT, t("2026-01-01T00:00:00Z")));
        assertEquals(Optional.empty(), CronTicks.partitionOf(SNAPSHOT, t("2025-06-01T00:00:00Z")));
        // Midnight of 2 January in Prague is 23:00Z on 1 January: the first day is complete.
        assertEquals(Optional.empty(), CronTicks.partitionOf(SNAPSHOT, t("2026-01-01T22:59:59Z")));
        assertEquals(Optional.of("2026-01-01"), CronTicks.partitionOf(SNAPSHOT, t("2026-01-01T23:00:00Z")));
        assertEquals(Optional.of("2026-01-01"), CronTicks.partitionOf(SNAPSHOT, t("2026-01-02T00:00:00Z")));
    }

    @Test
    void hourlyAndUnpartitionedPipelines(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.gates:
                    s3: s3://${LakeBucket}/landing/gates/date={date}/hour={hour}/
                """);
        Files.writeString(dir.resolve("hourly.yaml"), """
                pipeline: hourly
                inputs: [landing.gates]
                partitions: { grain: hourly, start: 2026-05-26 }
                outputs:
                  core.gates: s3://${LakeBucket}/core/gates/date={date}/hour={hour}/
                trigger: { cron: "5 * * * ? *" }
                steps:
                  - sql: { output: core.gates, query: SELECT 1 }
                """);
        Files.writeString(dir.resolve("whole.yaml"), """
                pipeline: whole
                inputs: [{ asset: landing.gates, mapping: latest }]
                outputs:
                  mart.gates: s3://${LakeBucket}/mart/gates/
                trigger: { cron: "0 3 * * ? *", timezone: Europe/Prague }
                steps:
                  - sql: { output: mart.gates, query: SELECT 1 }
                """);
        Project project = ProjectLoader.load(dir).orThrow();
        Pipeline hourly = project.pipeline("hourly").orElseThrow();
        Pipeline whole = project.pipeline("whole").orElseThrow();

        assertEquals(Optional.of("2026-05-26T12"), CronTicks.partitionOf(hourly, t("2026-05-26T13:05:00Z")));
        assertEquals(Optional.of("2026-05-26T12"), CronTicks.partitionOf(hourly, t("2026-05-26T13:00:00Z")));
        assertEquals(Optional.of("2026-05-26T23"), CronTicks.partitionOf(hourly, t("2026-05-27T00:05:00Z")));
        // UTC hours whatever the local clocks do.
        assertEquals(Optional.of("2026-10-25T01"), CronTicks.partitionOf(hourly, t("2026-10-25T02:05:00Z")));
        // Before the start (2026-05-26) nothing, even on a clock-change day.
        assertEquals(Optional.empty(), CronTicks.partitionOf(hourly, t("2026-03-29T02:05:00Z")));
        // The first hour is 2026-05-26T00; the fire at 00:05 would run the hour before it.
        assertEquals(Optional.empty(), CronTicks.partitionOf(hourly, t("2026-05-26T00:05:00Z")));
        assertEquals(Optional.of("2026-05-26T00"), CronTicks.partitionOf(hourly, t("2026-05-26T01:05:00Z")));

        assertEquals(Optional.of(""), CronTicks.partitionOf(whole, t("2026-05-26T01:00:00Z")));
        assertEquals(Optional.of(""), CronTicks.partitionOf(whole, t("1999-01-01T00:00:00Z")));
    }
}
