package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.cli.operate.KeyStatus;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.EventKeys;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;

/**
 * Outputs decided at run time (docs/architecture.md, "Dynamic keys"), on the whole local stack
 * (DynamoDB Local, S3Proxy, the in-process bus, the real runner on DuckDB, the publisher on
 * Iceberg's JDBC catalog): a run of an output with {@code partition_by: [line]} that wrote three
 * lines publishes three events, one per line; a consumer of line A runs once and reads only line
 * A's rows, a consumer of the whole asset runs once and reads every line. A publisher killed right
 * after recording the events ends, through the sweep's hand-over, in the same state.
 */
class DynamicKeysEndToEndTest {

    private static final String PARTITIONS = "partitions:\n  grain: daily\n  timezone: Europe/Prague\n";
    static final Map<String, String> PIPELINES = Map.of(
            "line_orders.yaml", "pipeline: line_orders\ninputs: [shop.orders]\n" + PARTITIONS
                    + "outputs:\n  core.line_orders:\n    location: s3://${LakeBucket}/core/line_orders/date={date}/\n    partition_by: [line]\n"
                    + "trigger:\n  condition: shop.orders\nsteps:\n  - sql:\n      output: core.line_orders\n"
                    + "      query: SELECT order_id, amount, CASE order_id % 3 WHEN 1 THEN 'A' WHEN 2 THEN 'B' ELSE 'C' END AS line FROM shop.orders\n",
            "line_a.yaml", "pipeline: line_a\ninputs:\n  - asset: core.line_orders\n    key: {line: A}\n" + PARTITIONS
                    + "outputs:\n  mart.line_a: s3://${LakeBucket}/mart/line_a/date={date}/\n"
                    + "trigger:\n  condition: core.line_orders\nsteps:\n  - sql:\n      output: mart.line_a\n"
                    + "      query: SELECT count(*) AS n, sum(amount) AS amount, string_agg(DISTINCT line, ',') AS lines FROM core.line_orders\n",
            "all_lines.yaml", "pipeline: all_lines\ninputs: [core.line_orders]\n" + PARTITIONS
                    + "outputs:\n  mart.all_lines: s3://${LakeBucket}/mart/all_lines/date={date}/\n"
                    + "trigger:\n  condition: core.line_orders\nsteps:\n  - sql:\n      output: mart.all_lines\n"
                    + "      query: SELECT count(*) AS n, sum(amount) AS amount, string_agg(DISTINCT line, ',' ORDER BY line) AS lines FROM core.line_orders\n");

    /** Orders 1..4: line A holds 1 and 4 (amount 50), B holds 2 (20), C holds 3 (30). */
    private static final String ORDERS = "1,10\n2,20\n3,30\n4,40\n";
    private static final String DAY = "2026-05-11";

    @TempDir
    Path tmp;

    @Test
    void threeKeysPublishThreeEventsAndTriggerTheKeyConsumerAndTheWholeAssetConsumerOnceEach() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp, PIPELINES)) {
            w.tick();
            w.uploadOrders(DAY, "a.csv", ORDERS);
            assertEndState(w);

            KeyStatus keys = KeyStatus.of(w.project, w.stack.store(), "core.line_orders").orElseThrow();
            assertEquals("line", keys.column());
            assertEquals(Set.of("A", "B", "C"), keys.keys().keySet());
            assertEquals("2", keys.keys().get("A").metadata().get("rows"));
            StringWriter printed = new StringWriter();
            KeyStatus.print(KeyStatus.collect(w.project, w.stack.store()), new PrintWriter(printed), ZoneId.of("Europe/Prague"));
            List<String> lines = printed.toString().lines().toList();
            assertEquals("keys of core.line_orders (partition_by line): 3 seen", lines.get(0), printed.toString());
            assertEquals(4, lines.size(), printed.toString());
            assertTrue(lines.get(1).matches("  line=A +" + DAY + " +05-11 12:\\d\\d +2  \\w+"), lines.get(1));
            assertTrue(lines.get(3).startsWith("  line=C "), lines.get(3));
        }
    }

    @Test
    void aPublisherKilledRightAfterRecordingTheKeyEventsEndsTheSame() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp, PIPELINES)) {
            w.tick();
            AtomicBoolean killed = new AtomicBoolean();
            w.faults.put(TimeWorld.PUBLISHER, p -> {
                if (p.equals("after-record") && killed.compareAndSet(false, true)) {
                    throw new FaultPoints.Killed(p);
                }
            });
            w.uploadOrders(DAY, "a.csv", ORDERS);
            assertTrue(killed.get(), "the publisher was killed after recording");
            // Whatever the bus did with the failed delivery, the sweep hands a lingering publication over.
            for (int i = 0; i < 3; i++) {
                w.clock.advance(Duration.ofMinutes(21));
                w.tick();
            }
            assertEndState(w);
        }
    }

    @Test
    void aRunnerKilledRightAfterUploadingItsFirstKeyIsRetriedAndEndsTheSame() throws Exception {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp, PIPELINES)) {
            w.tick();
            w.faults.put("line_orders", PublicationRecoveryTest.killOnce("after-upload"));
            w.uploadOrders(DAY, "a.csv", ORDERS);
            assertEquals(List.of(), PublicationRecoveryTest.updates(w, "core.line_orders"), "killed before staging: nothing announced");
            for (int i = 0; i < 3; i++) {
                w.clock.advance(Duration.ofMinutes(17)); // the lease runs out; the sweep retries the attempt
                w.tick();
            }
            assertEquals(2, PublicationRecoveryTest.only(w, "line_orders").attempt());
            assertEndState(w);
        }
    }

    @Test
    void aKeyColumnMissingFromTheResultFailsTheRunNamingItBeforeAnythingIsStaged() {
        // SELECT *: the validator cannot know the result's columns, so the runner checks them.
        Map<String, String> pipelines = Map.of("bad_keys.yaml", "pipeline: bad_keys\ninputs: [shop.orders]\n" + PARTITIONS
                + "outputs:\n  core.bad_keys:\n    location: s3://${LakeBucket}/core/bad_keys/date={date}/\n    partition_by: [line]\n"
                + "trigger:\n  condition: shop.orders\nretries: 0\nsteps:\n  - sql:\n      output: core.bad_keys\n"
                + "      query: SELECT * FROM shop.orders\n");
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp, pipelines)) {
            w.tick();
            w.uploadOrders(DAY, "a.csv", ORDERS);
            Run run = PublicationRecoveryTest.only(w, "bad_keys");
            assertEquals(RunState.FAILED, run.state(), run.toString());
            String reason = run.finishReason().orElseThrow();
            assertTrue(reason.contains("output 'core.bad_keys' has no column 'line', its dynamic key (partition_by);"
                    + " the result's columns are order_id, amount"), reason);
            assertEquals(List.of(), w.stack.store().events().history("core.bad_keys", DAY), "nothing recorded");
            assertEquals(List.of(), PublicationRecoveryTest.updates(w, "core.bad_keys"), "nothing announced");
        }
    }

    private void assertEndState(TimeWorld w) throws Exception {
        Run producer = PublicationRecoveryTest.only(w, "line_orders");
        assertEquals(RunState.SUCCEEDED, producer.state(), producer.toString());
        List<JsonNode> updates = PublicationRecoveryTest.updates(w, "core.line_orders");
        Set<String> announcedKeys = new TreeSet<>();
        Set<String> announcedIds = new TreeSet<>();
        for (JsonNode u : updates) {
            announcedKeys.add(u.path("key").path("line").asText());
            announcedIds.add(u.path("eventId").asText());
            assertFalse(u.path("metadata").has("key.line"), "the key is the event's 'key' object, not metadata: " + u);
        }
        assertEquals(Set.of("A", "B", "C"), announcedKeys);
        assertEquals(3, announcedIds.size(), "one event per key: " + updates);

        List<AssetEvent> recorded = w.stack.store().events().history("core.line_orders", DAY);
        assertEquals(3, recorded.size(), "each key's event recorded once");
        List<String> rows = new ArrayList<>();
        for (AssetEvent e : recorded) {
            assertEquals(1, e.objects().size());
            String value = EventKeys.value(e, "line").orElseThrow();
            assertTrue(e.objects().get(0).contains("/date=" + DAY + "/line=" + value + "/"), e.objects().toString());
            rows.add(value + ":" + e.metadata().get("rows"));
        }
        assertEquals(Set.of("A:2", "B:1", "C:1"), Set.copyOf(rows));
        assertEquals(1, recorded.stream().map(e -> e.metadata().get("snapshot")).distinct().count(), "one commit holds every key");

        Run lineA = PublicationRecoveryTest.only(w, "line_a");
        assertEquals(RunState.SUCCEEDED, lineA.state(), lineA.toString());
        assertEquals(1, lineA.consumed().size(), "the key consumer consumed line A's event only");
        assertEquals("2 rows, 50, A", output(w, "mart.line_a"));

        Run all = PublicationRecoveryTest.only(w, "all_lines");
        assertEquals(RunState.SUCCEEDED, all.state(), all.toString());
        assertEquals(Set.copyOf(recorded.stream().map(AssetEvent::eventId).toList()), Set.copyOf(all.consumed()),
                "the whole-asset consumer consumed the three key events in one run");
        assertEquals("4 rows, 100, A,B,C", output(w, "mart.all_lines"));
    }

    /** The newest event's output of a mart: its n, amount and lines. */
    private String output(TimeWorld w, String asset) throws Exception {
        AssetEvent e = w.stack.store().events().latest(asset, DAY).orElseThrow();
        String uri = e.objects().get(0);
        String key = uri.substring(("s3://" + TimeWorld.LAKE + "/").length());
        Path file = tmp.resolve(asset + "-" + System.nanoTime() + ".parquet");
        Files.write(file, w.s3.client().getObjectAsBytes(b -> b.bucket(TimeWorld.LAKE).key(key)).asByteArray());
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT n, amount, lines FROM read_parquet('" + file + "')")) {
            r.next();
            return r.getLong(1) + " rows, " + r.getLong(2) + ", " + r.getString(3);
        }
    }
}
