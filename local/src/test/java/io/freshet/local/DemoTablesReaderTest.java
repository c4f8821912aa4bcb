package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.TableLayout;
import io.freshet.local.demo.Demo;
import io.freshet.local.demo.EmbeddedDemoStack;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.state.StateStore;
import io.freshet.tables.CatalogConfig;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.PythonVenv;

/**
 * {@code freshet demo}'s lake read by a reader Freshet did not write (pyiceberg, through its SQL
 * catalog on the embedded PostgreSQL: src/test/python/read_demo_tables.py): every table the demo
 * published is there, each partition exactly once with the rows its newest asset event recorded
 * (what {@code freshet status} reports), the partition filter returns them, the table's current
 * snapshot is the asset's newest event's, and every snapshot an event recorded is readable by time
 * travel with that event's rows for its partition.
 */
class DemoTablesReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    @Test
    void anIndependentReaderFindsEveryPartitionOnceWithTheRowsFreshetRecorded() throws Exception {
        PythonVenv venv = PythonVenv.ready();
        StringWriter text = new StringWriter();
        List<String> checked = new ArrayList<>();
        int code = new Demo(new PrintWriter(text, true), Path.of(".."), state)
                .run(s -> checked.addAll(readEveryTable(((EmbeddedDemoStack) s).embedded(), venv)));
        assertEquals(0, code, text.toString());
        assertTrue(checked.containsAll(List.of("raw_stations", "raw_taps", "core_trips", "mart_daily_ridership")), checked.toString());
    }

    /** What Freshet recorded per table, then what pyiceberg reads; returns the tables checked. */
    private static List<String> readEveryTable(EmbeddedStack stack, PythonVenv venv) {
        Map<String, Expected> expected = expected(stack);
        assertFalse(expected.isEmpty(), "the demo published no table");
        JsonNode read;
        try {
            read = JSON.readTree(venv.run(Path.of("src", "test", "python", "read_demo_tables.py"), arguments(stack, expected)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertEquals(expected.keySet(), names(read), "the namespace holds exactly the published tables");
        List<String> checked = new ArrayList<>();
        expected.forEach((table, e) -> {
            JsonNode t = read.get(table);
            assertEquals(2, t.get("format_version").asInt(), table);
            assertEquals(e.currentSnapshot, t.get("snapshot_id").asText(), table + ": the newest event's snapshot is current");
            assertEquals(e.rows, longs(t.get("rows")), table + ": each partition once, with the rows its newest event recorded");
            if (e.partitioned) {
                assertEquals(e.rows, longs(t.get("filtered")), table + ": the partition filter");
            }
            e.snapshotRows.forEach((snapshot, partitionRows) -> partitionRows.forEach((partition, rows) ->
                    assertEquals(rows, t.get("snapshots").get(snapshot).path(partition).asLong(0),
                            table + " at snapshot " + snapshot + ", partition " + partition + ": time travel")));
            checked.add(table.substring(table.indexOf('.') + 1));
        });
        return checked;
    }

    /** A table as Freshet's events describe it. */
    private static final class Expected {
        boolean partitioned;
        String currentSnapshot;
        final Map<String, Long> rows = new TreeMap<>();
        final Map<String, Map<String, Long>> snapshotRows = new LinkedHashMap<>();
    }

    private static Map<String, Expected> expected(EmbeddedStack stack) {
        StateStore store = stack.store();
        Map<String, Expected> out = new TreeMap<>();
        for (Pipeline p : stack.project().pipelines()) {
            for (Output o : p.outputs()) {
                TableLayout layout = TableLayout.of(o, stack.parameters());
                var newest = store.events().newest(o.asset()).filter(e -> e.metadata().containsKey(TableMetadata.TABLE));
                if (newest.isEmpty()) {
                    continue;
                }
                Expected e = out.computeIfAbsent(newest.get().metadata().get(TableMetadata.TABLE), k -> new Expected());
                e.partitioned = layout.partitionColumn().isPresent();
                e.currentSnapshot = newest.get().metadata().get(TableMetadata.SNAPSHOT);
                for (String partition : store.events().partitionsWithData(o.asset(), 10_000)) {
                    String value = layout.partitionColumn().map(c -> c.value(partition)).orElse("");
                    store.events().latest(o.asset(), partition).map(AssetEvent::metadata)
                            .ifPresent(m -> e.rows.merge(value, Long.parseLong(m.get("rows")), Long::sum));
                    for (AssetEvent past : store.events().history(o.asset(), partition)) {
                        if (past.metadata().containsKey(TableMetadata.SNAPSHOT)) {
                            e.snapshotRows.computeIfAbsent(past.metadata().get(TableMetadata.SNAPSHOT), k -> new TreeMap<>())
                                    .put(value, Long.parseLong(past.metadata().get("rows")));
                        }
                    }
                }
                e.rows.values().removeIf(n -> n == 0);
            }
        }
        return out;
    }

    private static String arguments(EmbeddedStack stack, Map<String, Expected> expected) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("catalog", CatalogConfig.CATALOG_NAME);
        args.put("uri", "postgresql+psycopg2://" + stack.postgres().user() + ":" + stack.postgres().password() + "@127.0.0.1:"
                + stack.postgres().port() + "/postgres");
        args.put("warehouse", "s3://" + stack.lakeBucket() + "/");
        args.put("s3_endpoint", stack.s3().endpoint().toString());
        args.put("s3_region", LocalS3.REGION.id());
        args.put("namespace", expected.keySet().iterator().next().split("\\.")[0]);
        Map<String, List<String>> snapshots = new TreeMap<>();
        expected.forEach((table, e) -> snapshots.put(table, List.copyOf(e.snapshotRows.keySet())));
        args.put("snapshots", snapshots);
        try {
            return JSON.writeValueAsString(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> names(JsonNode read) {
        Set<String> names = new TreeSet<>();
        read.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, Long> longs(JsonNode node) {
        Map<String, Long> out = new TreeMap<>();
        node.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asLong()));
        return out;
    }
}
