package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.freshet.testkit.PythonVenv;

/**
 * A table of an output with a dynamic key ({@code partition_by: [line]}): partitioned by the time
 * column and the key column (identity), each key's file in its own partition; a run replaces its
 * time partition whole (a line it no longer wrote is gone), a retry finds its commit, a file whose
 * rows are not of its key is refused, and pyiceberg (no Freshet code) reads the key partitions.
 */
class KeyedTablesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ASSET = "core.line_trips";

    private static String lineFile(Lake lake, String date, String line, int n) {
        return lake.write(ASSET.replace('.', '/') + "/date=" + date + "/line=" + line + "/r-" + System.nanoTime() + ".parquet",
                "SELECT i::INTEGER AS id, DATE '" + date + "' AS date, '" + line + "' AS line FROM range(1, " + (n + 1) + ") t(i)");
    }

    private static PartitionOutput keyed(String date, Map<String, String> fileKeys, String run) {
        return new PartitionOutput(ASSET, Optional.of("date"), date, List.copyOf(fileKeys.keySet()), run, 1, Optional.empty(),
                Optional.of("line"), fileKeys);
    }

    @Test
    void aKeyedTableIsPartitionedByDayAndKeyAndARunReplacesItsDayWhole() throws Exception {
        try (Lake lake = new Lake(); LakeTables tables = new LakeTables(lake.config, Lake.STACK)) {
            Map<String, String> first = new LinkedHashMap<>();
            first.put(lineFile(lake, "2026-11-20", "A", 2), "A");
            first.put(lineFile(lake, "2026-11-20", "B", 1), "B");
            first.put(lineFile(lake, "2026-11-20", "C", 3), "C");
            long one = tables.commit(keyed("2026-11-20", first, "r1"));
            assertEquals(one, tables.commit(keyed("2026-11-20", first, "r1")), "a retry finds its commit");

            Table table = tables.table(ASSET).orElseThrow();
            assertEquals(List.of("date", "line"), table.spec().fields().stream().map(f -> f.name()).toList());
            assertEquals(3, count(table), "three key partitions of one day");

            Map<String, String> second = new LinkedHashMap<>();
            second.put(lineFile(lake, "2026-11-20", "A", 4), "A");
            second.put(lineFile(lake, "2026-11-20", "B", 1), "B");
            tables.commit(keyed("2026-11-20", second, "r2"));
            table.refresh();
            assertEquals(2, count(table), "the run replaced its day whole: line C, which it no longer wrote, is gone");

            Map<String, String> wrong = Map.of(lineFile(lake, "2026-11-21", "A", 1), "B");
            PartitionMismatchException e = assertThrows(PartitionMismatchException.class, () -> tables.check(keyed("2026-11-21", wrong, "r3")));
            assertTrue(e.getMessage().contains("line"), e.getMessage());

            IncompatibleSchemaException unkeyed = assertThrows(IncompatibleSchemaException.class, () -> tables.check(new PartitionOutput(
                    ASSET, "date", "2026-11-21", List.of(lineFile(lake, "2026-11-21", "A", 1)), "r4", 1)));
            assertEquals("line", unkeyed.column(), "an output without its key cannot go to the keyed table");

            JsonNode read = JSON.readTree(PythonVenv.ready().run(Path.of("src", "test", "python", "read_keyed_table.py"), arguments(lake)));
            assertEquals("[{\"column\":\"date\",\"transform\":\"identity\"},{\"column\":\"line\",\"transform\":\"identity\"}]",
                    read.get("spec").toString());
            assertEquals(5, read.get("rows").size(), "line A's 4 rows and line B's 1");
            List<String> keyRows = new ArrayList<>();
            read.get("key_rows").forEach(r -> keyRows.add(r.get("line").asText() + r.get("id").asInt()));
            assertEquals(List.of("A1", "A2", "A3", "A4"), keyRows);
            assertEquals(1, read.get("key_files").asInt(), "the key filter plans line A's file only");
            long day = LocalDate.parse("2026-11-20").toEpochDay(); // a partition record holds a date as Iceberg's days since 1970
            assertEquals("[{\"date\":" + day + ",\"line\":\"A\"},{\"date\":" + day + ",\"line\":\"B\"}]",
                    read.get("file_partitions").toString());
        }
    }

    private static int count(Table table) {
        int n = 0;
        for (var task : table.newScan().planFiles()) {
            n += task.file().partition().size() == 2 ? 1 : 0;
        }
        return n;
    }

    private static String arguments(Lake lake) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("catalog", CatalogConfig.CATALOG_NAME);
        args.put("uri", "postgresql+psycopg2://" + lake.postgres.user() + ":" + lake.postgres.password() + "@127.0.0.1:"
                + lake.postgres.port() + "/postgres");
        args.put("warehouse", lake.config.warehouse());
        args.put("s3_endpoint", lake.s3.endpoint().toString());
        args.put("s3_access_key_id", "local");
        args.put("s3_secret_access_key", "local");
        args.put("s3_region", lake.config.region());
        args.put("table", "freshet_" + Lake.STACK + ".core_line_trips");
        args.put("partition_column", "date");
        args.put("partition_value", "2026-11-20");
        args.put("key_column", "line");
        args.put("key_value", "A");
        args.put("order", List.of("date", "line", "id"));
        return JSON.writeValueAsString(args);
    }
}
