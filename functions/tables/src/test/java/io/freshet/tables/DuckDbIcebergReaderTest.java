package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.freshet.testkit.PythonVenv;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A second independent reader, an engine Freshet did not write: the Python DuckDB with its iceberg
 * extension from PyPI (src/test/python/read_duckdb.py: no Freshet code, no catalog, nothing
 * downloaded at run time) reads a table Freshet committed the way docs/reading.md tells a DuckDB
 * user to, {@code iceberg_scan} of the table's metadata file in S3 with the S3 server in a DuckDB
 * secret. Rows per partition, every row, a partition filter, the previous snapshot by id, and the
 * metadata file an earlier commit left (what an earlier asset event points at) equal what was written.
 */
class DuckDbIcebergReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void duckdbReadsWhatFreshetCommitted() throws Exception {
        PythonVenv venv = PythonVenv.ready(PythonVenv.DUCKDB_ICEBERG);
        try (Lake lake = new Lake(); LakeTables tables = new LakeTables(lake.config, Lake.STACK)) {
            tables.commit(new PartitionOutput("core.trips", "date", "2026-11-20",
                    List.of(lake.trips("core.trips", "2026-11-20", "r1", 1, 3)), "r1", 1));
            long previous = tables.commit(new PartitionOutput("core.trips", "date", "2026-11-21",
                    List.of(lake.trips("core.trips", "2026-11-21", "r2", 1, 2)), "r2", 1));
            String previousMetadata = metadataLocation(lake, tables);
            long current = tables.commit(new PartitionOutput("core.trips", "date", "2026-11-21",
                    List.of(lake.trips("core.trips", "2026-11-21", "r3", 1, 5)), "r3", 1));
            String currentMetadata = metadataLocation(lake, tables);
            // The shape docs/reading.md shows a DuckDB user: <warehouse>/<namespace>/<table>/metadata/<n>-<uuid>.metadata.json
            assertTrue(currentMetadata.matches("s3://lake/tables/freshet_test/core_trips/metadata/\\d{5}-[0-9a-f-]{36}\\.metadata\\.json"),
                    currentMetadata);

            JsonNode read = JSON.readTree(venv.run(Path.of("src", "test", "python", "read_duckdb.py"),
                    arguments(lake, currentMetadata, previousMetadata, previous)));

            assertEquals("1.5.5", read.get("version").asText());
            assertEquals(List.of("avro", "httpfs", "iceberg"), strings(read.get("extensions")));
            assertEquals(Map.of("2026-11-20", 3, "2026-11-21", 5), counts(read.get("counts")));
            List<Map<String, Object>> now = new ArrayList<>(trips("2026-11-20", 3));
            now.addAll(trips("2026-11-21", 5));
            assertEquals(now, rows(read.get("rows")));
            assertEquals(trips("2026-11-21", 5), rows(read.get("partition_rows")));
            Table table = tables.table("core.trips").orElseThrow();
            List<Long> snapshots = new ArrayList<>();
            table.snapshots().forEach(s -> snapshots.add(s.snapshotId()));
            assertEquals(snapshots, longs(read.get("snapshots")));
            assertEquals(current, snapshots.getLast());
            List<Map<String, Object>> before = new ArrayList<>(trips("2026-11-20", 3));
            before.addAll(trips("2026-11-21", 2));
            assertEquals(before, rows(read.get("previous_rows")));
            assertEquals(before, rows(read.get("previous_metadata_rows")));
        }
    }

    /**
     * The table's current metadata file: what the asset event of the commit just made carries. Read
     * as docs/reading.md tells a local DuckDB user to (the JDBC catalog's own table), and checked
     * against Iceberg's.
     */
    private static String metadataLocation(Lake lake, LakeTables tables) throws SQLException {
        Table table = tables.table("core.trips").orElseThrow();
        String expected = ((HasTableOperations) table).operations().current().metadataFileLocation();
        try (Connection c = lake.postgres.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT table_namespace, table_name, metadata_location FROM iceberg_tables "
                     + "WHERE catalog_name = 'freshet'")) {
            assertTrue(r.next(), "no table in iceberg_tables");
            List<String> row = List.of(r.getString(1), r.getString(2), r.getString(3));
            assertFalse(r.next(), "one table only");
            assertEquals(List.of("freshet_test", "core_trips", expected), row);
            return row.get(2);
        }
    }

    private static String arguments(Lake lake, String metadata, String previousMetadata, long previous) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("metadata_location", metadata);
        args.put("previous_metadata_location", previousMetadata);
        args.put("previous_snapshot", previous);
        args.put("s3_endpoint", lake.s3.endpoint().getAuthority());
        args.put("s3_access_key_id", "local");
        args.put("s3_secret_access_key", "local");
        args.put("s3_region", lake.config.region());
        args.put("partition_column", "date");
        args.put("partition_value", "2026-11-21");
        args.put("order", List.of("date", "id"));
        return JSON.writeValueAsString(args);
    }

    /** The rows {@link Lake#trips} writes for a day: ids 1..n. */
    private static List<Map<String, Object>> trips(String date, int n) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("date", date);
            row.put("fare", i * 10);
            row.put("station", "station-" + i);
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
            assertEquals(4, node.size(), "columns of " + node);
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, Integer> counts(JsonNode object) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        object.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }
}
