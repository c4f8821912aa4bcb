package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/**
 * Freshness on the tick: a violation raises one Asset Overdue and its end one Asset Fresh Again,
 * whatever the number of ticks in between; the overdue count is an embedded-metric log line; a
 * pipeline scheduled by its deadline alone launches just in time, and only with new input data.
 */
class FreshnessTicksTest {

    @TempDir
    Path tmp;

    @Test
    void aSourceOverdueIsRaisedOnceAndClearedOnce() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T08:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            w.clock.advance(Duration.ofMinutes(10));
            w.tickEvery(Duration.ofMinutes(5), Instant.parse("2026-05-11T08:29:00Z")); // 08:10 .. 08:25: within 30m
            assertEquals(List.of(), overdue(w, "shop.orders"));

            w.at("2026-05-11T08:31:00Z"); // the newest export is 31 minutes old
            w.tickEvery(Duration.ofMinutes(4), Instant.parse("2026-05-11T08:50:00Z"));
            List<JsonNode> raised = overdue(w, "shop.orders");
            assertEquals(1, raised.size(), raised::toString);
            assertEquals("*", raised.get(0).path("partition").asText());
            assertTrue(raised.get(0).path("reason").asText().startsWith("newest data from 2026-05-11T08:00:00Z"), raised::toString);
            assertTrue(w.logText().contains("\"OverdueAssets\":1.0"), "the overdue count goes out as a metric");

            w.uploadOrders("2026-05-11", "b.csv", "2,20\n");
            w.tickEvery(Duration.ofMinutes(3), Instant.parse("2026-05-11T09:05:00Z"));
            List<JsonNode> fresh = freshAgain(w, "shop.orders");
            assertEquals(1, fresh.size(), fresh::toString);
            assertEquals(raised.get(0).path("violationId"), fresh.get(0).path("violationId"));
            assertEquals(1, overdue(w, "shop.orders").size());
        }
    }

    @Test
    void aPipelineScheduledByItsDeadlineLaunchesJustInTimeAndOnlyWithNewData() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n2,20\n");
            assertEquals(1, w.runs("orders_daily").size(), "orders_daily runs on the export at once");

            // report must hold 11 May by 09:00 CEST on 12 May (07:00Z); its timeout is 10m, so it starts at 06:50Z.
            w.clock.advance(Duration.ofMinutes(10));
            w.tickEvery(Duration.ofMinutes(10), Instant.parse("2026-05-12T06:40:00Z"));
            assertEquals(0, w.runs("report").size(), "lazy: nothing runs before it must");
            w.at("2026-05-12T06:50:00Z");
            w.tick();
            List<Run> report = w.runs("report");
            assertEquals(1, report.size());
            assertEquals("2026-05-11", report.get(0).partition());
            assertEquals(RunState.SUCCEEDED, report.get(0).state());
            assertTrue(report.get(0).reason().startsWith("freshness: to stay fresh by cron(0 9 * * ? *) Europe/Prague with lag 9h; with new events: core.orders x1"), report.get(0).reason());
            w.tickEvery(Duration.ofMinutes(10), Instant.parse("2026-05-12T08:00:00Z"));
            assertEquals(List.of(), overdue(w, "mart.report"), "met its deadline");
            assertEquals(1, w.runs("report").size(), "no new data, no new run");

            // No orders at all on 12 May: at 09:00 on the 13th mart.report has no 12 May: overdue, once.
            w.at("2026-05-13T06:00:00Z");
            w.tickEvery(Duration.ofMinutes(10), Instant.parse("2026-05-13T07:30:00Z"));
            List<JsonNode> raised = overdue(w, "mart.report");
            assertEquals(1, raised.size(), raised::toString);
            assertEquals("2026-05-12", raised.get(0).path("partition").asText());
            assertEquals(1, w.runs("report").size(), "nothing to run it with");

            // The 12 May export arrives late: its deadline has passed, so report runs at the next tick, and recovers.
            w.uploadOrders("2026-05-12", "late.csv", "3,30\n");
            w.clock.advance(Duration.ofMinutes(1));
            w.tick();
            w.clock.advance(Duration.ofMinutes(1));
            w.tick();
            assertEquals(List.of("2026-05-11", "2026-05-12"), w.runs("report").stream().map(Run::partition).toList());
            List<JsonNode> fresh = freshAgain(w, "mart.report");
            assertEquals(1, fresh.size(), fresh::toString);
            assertEquals("2026-05-12", fresh.get(0).path("partition").asText());
            w.tickEvery(Duration.ofMinutes(10), Instant.parse("2026-05-13T09:00:00Z"));
            assertEquals(1, overdue(w, "mart.report").size());
            assertEquals(1, freshAgain(w, "mart.report").size());
        }
    }

    /** Runs on core.orders only; reads the newest order export alongside, which cannot start it. */
    static final String ENRICHED = """
            pipeline: enriched
            inputs:
              - core.orders
              - asset: shop.orders
                mapping: latest
            partitions:
              grain: daily
              timezone: Europe/Prague
            outputs:
              core.enriched: s3://${LakeBucket}/core/enriched/date={date}/
            trigger:
              condition: core.orders
            freshness:
              max_lag: 5m
            steps:
              - sql:
                  output: core.enriched
                  query: SELECT (SELECT sum(orders) FROM core.orders) AS orders, (SELECT count(*) FROM shop.orders) AS newest_export_rows
            retries: 0
            """;

    @Test
    void anInputTheConditionDoesNotNameNeverMakesAnAssetOverdue() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T08:00:00Z"), tmp, Map.of("enriched.yaml", ENRICHED))) {
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            assertEquals(List.of(RunState.SUCCEEDED), w.runs("enriched").stream().map(Run::state).toList(), "core.orders/2026-05-11 started it");

            // The next morning, a late export of 11 May: orders_daily rebuilds 11 May, and enriched/11 May with it. The export's
            // event also waits in enriched/12 May (latest: the partition current when it came), where core.orders has nothing yet.
            w.at("2026-05-12T06:00:00Z");
            w.uploadOrders("2026-05-11", "late.csv", "2,20\n");
            assertEquals(List.of("2026-05-11", "2026-05-11"), w.runs("enriched").stream().map(Run::partition).toList());
            assertEquals(1, w.stack.store().consumers().view("enriched", "2026-05-12").pending().size(), "the export waits in 12 May");

            w.clock.advance(Duration.ofMinutes(1));
            w.tickEvery(Duration.ofMinutes(5), Instant.parse("2026-05-12T08:00:00Z")); // two hours: far past max_lag
            assertEquals(List.of(), overdue(w, "core.enriched"), "waiting on an input that cannot start a run is not being late");

            // core.orders for 12 May starts the run, which consumes the export that waited.
            w.uploadOrders("2026-05-12", "b.csv", "3,30\n");
            Run twelfth = w.runs("enriched").get(w.runs("enriched").size() - 1);
            assertEquals("2026-05-12", twelfth.partition());
            assertEquals(RunState.SUCCEEDED, twelfth.state());
            assertTrue(twelfth.reason().contains("shop.orders x"), twelfth.reason());
            assertEquals(0, w.stack.store().consumers().view("enriched", "2026-05-12").pending().size());
        }
    }

    static List<JsonNode> overdue(TimeWorld w, String asset) {
        return w.published(EventJson.ASSET_OVERDUE).stream().filter(d -> d.path("asset").asText().equals(asset)).toList();
    }

    static List<JsonNode> freshAgain(TimeWorld w, String asset) {
        return w.published(EventJson.ASSET_FRESH_AGAIN).stream().filter(d -> d.path("asset").asText().equals(asset)).toList();
    }
}
