package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.cli.FreshetCli;
import io.freshet.cli.operate.EmbeddedStackFile;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.runs.Run;
import io.freshet.local.stack.EmbeddedFanOut;

/**
 * {@code tables}, and the snapshot ids {@code status}, {@code events} and {@code why} show, against
 * a local stack (DynamoDB Local) after a small story whose core.orders partition the publisher
 * commits to its table; then two more partitions are recorded and announced as the publisher
 * records them (an event per partition carrying the table, the snapshot and its metadata file),
 * with snapshot ids the assertions know.
 */
class TablesCommandTest {

    static final String TABLE = "freshet_freshet.core_orders"; // the fixture's bus, so its prefix, is "freshet"
    static final String WAREHOUSE = "s3://lake/warehouse/freshet_freshet.db/core_orders/metadata/";

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result cli(TimeWorld w, Path stackFile, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--pipelines", w.projectDir.toString(), "--local-stack", stackFile.toString(), "--zone", "UTC"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FreshetCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), w.clock);
        return new Result(code, out.toString(), err.toString());
    }

    /** What the publisher records for a committed partition: the run's event, with the table's keys. */
    static AssetEvent published(AssetEvent made, String eventId, String partition, Instant at, String snapshot, long rows, int version) {
        Map<String, String> m = new TreeMap<>(made.metadata());
        m.put("rows", Long.toString(rows));
        m.put(TableMetadata.TABLE, TABLE);
        m.put(TableMetadata.SNAPSHOT, snapshot);
        m.put(TableMetadata.METADATA_LOCATION, WAREHOUSE + String.format("%05d", version) + "-x.metadata.json");
        return new AssetEvent(eventId, made.asset(), partition, at, made.producer(), made.dataVersion(), made.codeVersion(), made.objects(), m);
    }

    @Test
    void tablesListsEachDerivedAssetsTableAndTheObservingCommandsShowSnapshotIds() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.clock.advance(Duration.ofMinutes(1));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n2,20\n");
            Path f = tmp.resolve("stack.json");
            new EmbeddedStackFile(EmbeddedFanOut.TABLE, EmbeddedFanOut.BUS, TimeWorld.LAKE,
                    w.stack.dynamo().endpoint(), w.stack.bus().endpoint(), w.s3.endpoint()).write(f);
            Result before = cli(w, f, "tables");
            assertEquals(0, before.code(), before.err());
            String published = w.stack.store().events().newest("core.orders").orElseThrow().metadata().get(TableMetadata.SNAPSHOT);
            assertTrue(before.out().matches("(?s).*core\\.orders\\s+freshet_freshet\\.core_orders\\s+" + published + "\\s+1\\s+1\\s+2026-05-11 10:01:00\\n.*"),
                    "the run's partition, published by the publisher: its table and snapshot\n" + before.out());

            AssetEvent made = w.stack.store().events().newest("core.orders").orElseThrow();
            w.clock.advance(Duration.ofMinutes(1));
            AssetEvent older = published(made, "ev-table-10", "2026-05-10", w.clock.instant(), "1111111111111111111", 5, 1);
            w.stack.store().events().record(older);
            w.clock.advance(Duration.ofMinutes(1));
            AssetEvent newest = published(made, "ev-table-11", "2026-05-11", w.clock.instant(), "4967831052207139283", 2, 2);
            w.stack.store().events().record(newest);
            w.stack.announcer().announce(EventJson.ASSET_UPDATED, EventJson.assetUpdated(newest));
            w.settle(); // summary consumes the published partition

            Result tables = cli(w, f, "tables");
            assertEquals(0, tables.code(), tables.err());
            String out = tables.out();
            assertTrue(out.startsWith("asset"), out);
            assertTrue(out.matches("(?s).*core\\.orders\\s+" + TABLE.replace(".", "\\.") + "\\s+4967831052207139283\\s+2\\s+7\\s+2026-05-11 10:03:00\\n.*"), out);
            assertTrue(out.matches("(?s).*mart\\.report\\s+freshet_freshet\\.mart_report\\s+\\(not published\\)\\s+0\\s+-\\s+never\\n.*"), out);
            assertTrue(out.contains("  metadata  " + WAREHOUSE + "00002-x.metadata.json\n"), out);
            assertTrue(out.matches("(?s).*  2026-05-11\\s+4967831052207139283\\s+2\\s+2026-05-11 10:03:00\\n  2026-05-10\\s+1111111111111111111\\s+5\\s+.*"), out);
            assertTrue(out.endsWith("\nsources, not tables: shop.orders (S3 files)\n"), out);
            assertFalse(out.matches("(?s).*\\nshop\\.orders\\s+freshet.*"), "a source has no table");
            List<String> header = out.lines().findFirst().map(l -> List.of(l.split("\\s+"))).orElseThrow();
            assertEquals(List.of("asset", "table", "snapshot", "partitions", "rows", "updated"), header);

            assertTablesJson(EventJson.read(cli(w, f, "tables", "--json").out()));
            assertObservingCommandsShowSnapshots(w, f, made);
        }
    }

    static void assertTablesJson(JsonNode json) {
        assertEquals("freshet_freshet", json.path("namespace").asText());
        JsonNode orders = ObserveCommandsTest.find(json.path("tables"), "core.orders");
        assertEquals(TABLE, orders.path("table").asText());
        assertTrue(orders.path("published").asBoolean());
        assertEquals("4967831052207139283", orders.path("snapshot").asText());
        assertEquals(WAREHOUSE + "00002-x.metadata.json", orders.path("metadataLocation").asText());
        assertEquals(7, orders.path("rows").asLong());
        assertEquals(List.of("2026-05-11", "2026-05-10"), List.of(orders.path("partitions").get(0).path("partition").asText(),
                orders.path("partitions").get(1).path("partition").asText()));
        assertEquals("1111111111111111111", orders.path("partitions").get(1).path("snapshot").asText());
        assertEquals("ev-table-10", orders.path("partitions").get(1).path("eventId").asText());
        JsonNode report = ObserveCommandsTest.find(json.path("tables"), "mart.report");
        assertFalse(report.path("published").asBoolean());
        assertFalse(report.has("snapshot"));
        assertEquals("shop.orders", json.path("sources").get(0).path("asset").asText());
        assertEquals("s3", json.path("sources").get(0).path("kind").asText());
        assertEquals(1, json.path("sources").size());
    }

    void assertObservingCommandsShowSnapshots(TimeWorld w, Path f, AssetEvent made) {
        Result status = cli(w, f, "status");
        assertTrue(status.out().matches("(?s).*core\\.orders\\s+derived\\s+2026-05-11\\s+05-11 10:03\\s+2\\s+1/1\\s+fresh\\s+current\\s+4967831052207139283.*"),
                status.out());
        JsonNode statusOrders = ObserveCommandsTest.find(EventJson.read(cli(w, f, "status", "--json").out()), "core.orders");
        assertEquals("4967831052207139283", statusOrders.path("snapshot").asText());
        assertEquals(TABLE, statusOrders.path("table").asText());

        Result events = cli(w, f, "events", "core.orders");
        assertTrue(events.out().lines().findFirst().orElseThrow().endsWith("snapshot"), events.out());
        assertTrue(events.out().matches("(?s).*2026-05-11 10:02:00  2026-05-10 .*\\s5  1111111111111111111\\n.*"), events.out());
        JsonNode eventsJson = EventJson.read(cli(w, f, "events", "core.orders", "--json").out());
        assertEquals("4967831052207139283", eventsJson.get(0).path("snapshot").asText());
        assertEquals(made.metadata().get(TableMetadata.SNAPSHOT), eventsJson.get(2).path("snapshot").asText(),
                "the run's own event, published by the publisher");

        Run summary = w.runs("summary").getLast();
        assertEquals(List.of("ev-table-11"), summary.consumed());
        Result why = cli(w, f, "why", summary.runId());
        assertTrue(why.out().contains("<- core.orders/2026-05-11 at 2026-05-11 10:03:00, run " + made.producer().id()
                + ", snapshot 4967831052207139283"), why.out());
        JsonNode whyJson = EventJson.read(cli(w, f, "why", summary.runId(), "--json").out());
        assertEquals("4967831052207139283", whyJson.path("because").get(0).path("snapshot").asText());
        assertEquals(TABLE, whyJson.path("because").get(0).path("table").asText());
    }
}
