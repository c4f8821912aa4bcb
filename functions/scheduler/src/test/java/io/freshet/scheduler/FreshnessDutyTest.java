package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/**
 * The freshness duty alone: a violation raises one {@code Asset Overdue} and its end one
 * {@code Asset Fresh Again}, whatever the number of ticks in between; a new deployment gets
 * {@code max_lag} to receive its first file; a deadline holds the partition it requires; a
 * partition whose input is all reflected leaves the list of partitions with new input.
 */
class FreshnessDutyTest {

    @TempDir
    Path tmp;

    static DutyOutcome.FreshnessJudged tick(TickWorld w) {
        return w.freshness().run(w.tick());
    }

    /** Ticks every {@code step} from now until {@code end} (inclusive). */
    static void tickEvery(TickWorld w, Duration step, Instant end) {
        while (!w.clock.instant().isAfter(end)) {
            tick(w);
            w.clock.advance(step);
        }
    }

    static List<JsonNode> overdue(TickWorld w, String asset) {
        return w.announced(EventJson.ASSET_OVERDUE).stream().filter(d -> d.path("asset").asText().equals(asset)).toList();
    }

    static List<JsonNode> freshAgain(TickWorld w, String asset) {
        return w.announced(EventJson.ASSET_FRESH_AGAIN).stream().filter(d -> d.path("asset").asText().equals(asset)).toList();
    }

    @Test
    void aSourceOverdueIsRaisedOnceAndClearedOnce() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-11T08:00:00Z"), tmp);
        w.deployedAt(w.clock.instant());
        w.assetUpdated("shop.orders", "2026-05-11");
        w.clock.advance(Duration.ofMinutes(10));
        tickEvery(w, Duration.ofMinutes(5), Instant.parse("2026-05-11T08:29:00Z")); // 08:10 .. 08:25: within 30m
        assertEquals(List.of(), overdue(w, "shop.orders"));

        w.clock.set(Instant.parse("2026-05-11T08:31:00Z")); // the newest export is 31 minutes old
        DutyOutcome.FreshnessJudged first = tick(w);
        assertEquals(1, first.raised(), first::toString);
        tickEvery(w, Duration.ofMinutes(4), Instant.parse("2026-05-11T08:50:00Z"));
        List<JsonNode> raised = overdue(w, "shop.orders");
        assertEquals(1, raised.size(), raised::toString);
        assertEquals("*", raised.get(0).path("partition").asText());
        assertTrue(raised.get(0).path("reason").asText().startsWith("newest data from 2026-05-11T08:00:00Z"), raised::toString);

        w.assetUpdated("shop.orders", "2026-05-11");
        DutyOutcome.FreshnessJudged recovered = tick(w);
        assertEquals(1, recovered.recovered(), recovered::toString);
        tickEvery(w, Duration.ofMinutes(3), Instant.parse("2026-05-11T09:05:00Z"));
        List<JsonNode> fresh = freshAgain(w, "shop.orders");
        assertEquals(1, fresh.size(), fresh::toString);
        assertEquals(raised.get(0).path("violationId"), fresh.get(0).path("violationId"));
        assertEquals(1, overdue(w, "shop.orders").size());
        assertEquals(List.of(), w.schedule.violations("shop.orders"), "closed once announced");
    }

    /**
     * orders_daily (max_lag 5m) runs on the delivery of its input, which leaves its partition off
     * the list of partitions with new input: the tick judges it while the run is active, and again
     * once the run failed (its end, delivered to the trigger, puts it on the list).
     */
    @Test
    void aRunStartedOnDeliveryIsJudgedWhileItRunsAndOnceItFailed() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-11T08:00:00Z"), tmp);
        w.deployedAt(w.clock.instant());
        w.assetUpdated("shop.orders", "2026-05-11");
        Run slow = w.runs("orders_daily").get(0);
        assertEquals(List.of(), w.schedule.dirtyPartitions("orders_daily"));
        w.clock.advance(Duration.ofMinutes(6)); // past max_lag, the run not done
        assertEquals(1, tick(w).raised());
        assertEquals(List.of(slow.partition()), overdue(w, "core.orders").stream().map(d -> d.path("partition").asText()).toList());
        w.succeed(slow, "core.orders");
        tick(w);
        assertEquals(1, freshAgain(w, "core.orders").size(), "its output reflects the input once it succeeded");

        w.assetUpdated("shop.orders", "2026-05-11");
        Run failing = w.runs("orders_daily").get(1);
        w.start(failing);
        w.clock.advance(Duration.ofMinutes(1));
        w.runEnded(failing, RunState.FAILED); // within max_lag: no violation open, no run active
        w.clock.advance(Duration.ofMinutes(5));
        assertEquals(1, tick(w).raised(), "the failed run's input is still not in core.orders");
        assertEquals(2, overdue(w, "core.orders").size());
    }

    @Test
    void aNewDeploymentHasMaxLagToReceiveItsFirstFile() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-11T08:00:00Z"), tmp);
        w.deployedAt(w.clock.instant());
        tickEvery(w, Duration.ofMinutes(5), Instant.parse("2026-05-11T08:29:00Z"));
        assertEquals(List.of(), overdue(w, "shop.orders"), "no data yet, within 30m of the deployment");
        w.clock.set(Instant.parse("2026-05-11T08:31:00Z"));
        tickEvery(w, Duration.ofMinutes(5), Instant.parse("2026-05-11T09:00:00Z"));
        assertEquals(1, overdue(w, "shop.orders").size());
    }

    @Test
    void aMissedDeadlineIsRaisedOnceAndClearedOnceTheLateInputIsBuilt() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-12T10:00:00Z"), tmp);
        w.deployedAt(w.clock.instant());
        tickEvery(w, Duration.ofHours(1), Instant.parse("2026-05-13T06:00:00Z"));
        assertEquals(List.of(), overdue(w, "mart.report"), "the deadline of 12 May passed before the deployment");

        // No input for 12 May at all: at 09:00 Prague time on the 13th (07:00Z) mart.report lacks it: overdue, once.
        w.clock.set(Instant.parse("2026-05-13T06:10:00Z"));
        tickEvery(w, Duration.ofMinutes(10), Instant.parse("2026-05-13T07:30:00Z"));
        List<JsonNode> raised = overdue(w, "mart.report");
        assertEquals(1, raised.size(), raised::toString);
        assertEquals("2026-05-12", raised.get(0).path("partition").asText());

        // The late input arrives, report runs on it (launched by the lazy duty), and mart.report recovers.
        w.assetUpdated("core.orders", "2026-05-12");
        assertEquals(List.of("2026-05-12"), w.schedule.dirtyPartitions("report").stream().map(d -> d.partition()).toList());
        tick(w);
        assertEquals(1, w.schedule.dirtyPartitions("report").size(), "its input is not reflected yet");
        assertEquals(1, w.lazyLaunch().run(w.tick()).runs());
        Run run = w.runs("report").get(0);
        w.succeed(run, "mart.report");
        w.clock.advance(Duration.ofMinutes(1));
        assertEquals(1, tick(w).recovered());
        tickEvery(w, Duration.ofMinutes(10), Instant.parse("2026-05-13T09:00:00Z"));
        List<JsonNode> fresh = freshAgain(w, "mart.report");
        assertEquals(1, fresh.size(), fresh::toString);
        assertEquals("2026-05-12", fresh.get(0).path("partition").asText());
        assertEquals(1, overdue(w, "mart.report").size());
        assertEquals(List.of(), w.schedule.dirtyPartitions("report"), "all its input reflected: off the list");
    }
}
