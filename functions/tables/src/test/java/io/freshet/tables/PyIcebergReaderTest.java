package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.freshet.testkit.PythonVenv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An independent reader (pyiceberg, src/test/python/read_table.py: no Freshet code) reads a table
 * Freshet committed, through pyiceberg's SQL catalog on the same PostgreSQL and S3: the rows, a
 * partition filter, and the previous snapshot by time travel equal what was written. The last
 * commit also adds a column, so the name mapping is read for an evolved schema too.
 */
class PyIcebergReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pyicebergReadsWhatFreshetCommitted() throws Exception {
        PythonVenv venv = PythonVenv.ready();
        try (Lake lake = new Lake(); LakeTables tables = new LakeTables(lake.config, Lake.STACK)) {
            tables.commit(new PartitionOutput("core.trips", "date", "2026-11-20",
                    List.of(lake.trips("core.trips", "2026-11-20", "r1", 1, 3)), "r1", 1));
            long previous = tables.commit(new PartitionOutput("core.trips", "date", "2026-11-21",
                    List.of(lake.trips("core.trips", "2026-11-21", "r2", 1, 2)), "r2", 1));
            String evolved = lake.write(Lake.key("core.trips", "2026-11-21", "r3"), "SELECT i::INTEGER AS id, DATE '2026-11-21' AS date, "
                    + "i * 10 AS fare, 'station-' || i AS station, i % 2 = 0 AS transfer FROM range(1, 5) t(i)");
            long current = tables.commit(new PartitionOutput("core.trips", "date", "2026-11-21", List.of(evolved), "r3", 2));

            JsonNode read = JSON.readTree(venv.run(Path.of("src", "test", "python", "read_table.py"), arguments(lake)));

            assertEquals(2, read.get("format_version").asInt());
            assertEquals(current, read.get("snapshot_id").asLong());
            assertEquals("r3", read.get("run_id").asText());
            assertEquals("2", read.get("attempt").asText());
            List<Map<String, Object>> now = new ArrayList<>(trips("2026-11-20", 3, false));
            now.addAll(trips("2026-11-21", 4, true));
            assertEquals(now, rows(read.get("rows")));
            assertEquals(trips("2026-11-21", 4, true), rows(read.get("partition_rows")));
            assertEquals(1, read.get("partition_files").asInt());
            assertEquals(previous, read.get("previous_snapshot_id").asLong());
            List<Map<String, Object>> before = new ArrayList<>(trips("2026-11-20", 3, false));
            before.addAll(trips("2026-11-21", 2, false));
            assertEquals(withoutTransfer(before), withoutTransfer(rows(read.get("previous_rows"))));
        }
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
        args.put("table", "freshet_" + Lake.STACK + ".core_trips");
        args.put("partition_column", "date");
        args.put("partition_value", "2026-11-21");
        args.put("order", List.of("date", "id"));
        return JSON.writeValueAsString(args);
    }

    /** The rows {@link Lake#trips} writes for a day (ids 1..n), with the transfer column when evolved. */
    private static List<Map<String, Object>> trips(String date, int n, boolean transfer) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("date", date);
            row.put("fare", i * 10);
            row.put("station", "station-" + i);
            row.put("transfer", transfer ? i % 2 == 0 : null);
            rows.add(row);
        }
        return rows;
    }

    private static List<Map<String, Object>> rows(JsonNode array) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode node : array) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", node.get("id").asInt());
            row.put("date", node.get("date").asText());
            row.put("fare", node.get("fare").asInt());
            row.put("station", node.get("station").asText());
            JsonNode transfer = node.get("transfer");
            row.put("transfer", transfer == null || transfer.isNull() ? null : transfer.asBoolean());
            rows.add(row);
        }
        return rows;
    }

    private static List<Map<String, Object>> withoutTransfer(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> {
            Map<String, Object> copy = new LinkedHashMap<>(r);
            copy.remove("transfer");
            return copy;
        }).toList();
    }
}
