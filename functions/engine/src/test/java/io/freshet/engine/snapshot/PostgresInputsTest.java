package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;


/**
 * PostgreSQL inputs of SQL steps against a real PostgreSQL: several inputs of one connection from
 * one snapshot, a query's placeholders bound as parameters (its partition's rows exactly), and the
 * types of a query mapped as a snapshot maps a table's.
 */
class PostgresInputsTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @TempDir
    Path work;

    @BeforeAll
    static void tables() {
        DB.pg().execute("""
                CREATE TABLE stations (station_id int PRIMARY KEY, name text);
                CREATE TABLE taps (tap_id bigint PRIMARY KEY, station_id int, note text, tapped_at timestamptz NOT NULL);
                INSERT INTO stations VALUES (1, 'Můstek'), (2, 'Muzeum');
                INSERT INTO taps VALUES
                  (1, 1, 'before the day', '2026-05-25 23:59:59.999999+02'),
                  (2, 1, 'the first instant of the day in Prague', '2026-05-26 00:00:00+02'),
                  (3, 2, 'in the UTC day but not yet in Prague''s next', '2026-05-26 23:30:00+02'),
                  (4, 2, 'the next Prague day (still 26 May in UTC)', '2026-05-27 00:30:00+02'),
                  (5, 1, 'midday', '2026-05-26 12:00:00+02');
                CREATE TABLE typed (id int, amount numeric(12,2), wide numeric, at timestamptz, local_at timestamp, d date, u uuid,
                  tags int[], doc jsonb, span interval, b bytea, ok boolean, f double precision);
                INSERT INTO typed VALUES (1, 12.50, 1.000000000000000000000000000000000000000001, '2026-05-26 08:00:00+02', '2026-05-26 08:00',
                  '2026-05-26', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', ARRAY[1, NULL, 3], '{"a": [1, 2]}', '1 day 02:03:04', '\\xDEADBEEF', true, -0.0),
                  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'NaN');
                """);
    }

    static SnapshotSettings settings(Path work) {
        return SnapshotSettings.defaults(work);
    }

    static Map<String, PostgresInputs.Parameter> day(String start, String end) {
        return Map.of("partition", new PostgresInputs.Parameter(Optional.of(start.substring(0, 10)), "text"),
                "partition_start", new PostgresInputs.Parameter(Optional.of(start), "timestamp"),
                "partition_end", new PostgresInputs.Parameter(Optional.of(end), "timestamp"));
    }

    static List<String> rows(List<Path> files, String select) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery(select.replace("$files", files.stream().map(f -> "'" + f + "'").toList().toString()))) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(String.join("|", row));
            }
        }
        return out;
    }

    @Test
    void aQueryReadsExactlyItsPartitionsRowsInThePipelinesZone() throws Exception {
        String sql = "SELECT tap_id, note FROM taps WHERE tapped_at >= {partition_start} AND tapped_at < {partition_end} -- the day";
        SnapshotResult result = new PostgresInputs().read(DB.info(), List.of(new PostgresInputs.Query(sql,
                day("2026-05-26 00:00:00", "2026-05-27 00:00:00"), "metro.day_taps")), "Europe/Prague", work, settings(work), ParquetFileListener.NONE);

        assertEquals(List.of("2", "3", "5"), rows(result.table("metro.day_taps").parquetFiles(), "SELECT tap_id FROM read_parquet($files) ORDER BY 1"));
        assertEquals(3, result.table("metro.day_taps").rows());
    }

    /**
     * A tstzrange's text depends on the session's zone: in the pipeline's zone it is the server's
     * (Freshet makes it only for a UTC session); ranges of other subtypes read the same in any zone.
     */
    @Test
    void zoneDependentTextIsThePipelinesZones() throws Exception {
        String sql = "SELECT tstzrange('2026-05-26 00:00:00+00', '2026-05-27 00:00:00+00') AS r, int4range(1, 5) AS i, "
                + "'{[2026-01-01 00:00:00+00,)}'::tstzmultirange AS m";
        for (String zone : List.of("Europe/Prague", "UTC")) {
            SnapshotResult result = new PostgresInputs().read(DB.info(), List.of(new PostgresInputs.Query(sql, Map.of(), "metro.ranges")), zone,
                    work.resolve(zone.replace('/', '_')), settings(work), ParquetFileListener.NONE);
            String expected = zone.equals("UTC")
                    ? "[\"2026-05-26 00:00:00+00\",\"2026-05-27 00:00:00+00\")|[1,5)|{[\"2026-01-01 00:00:00+00\",)}"
                    : "[\"2026-05-26 02:00:00+02\",\"2026-05-27 02:00:00+02\")|[1,5)|{[\"2026-01-01 01:00:00+01\",)}";
            assertEquals(List.of(expected), rows(result.table("metro.ranges").parquetFiles(), "SELECT r, i, m FROM read_parquet($files)"), zone);
        }
    }

    @Test
    void aValueIsBoundNeverSplicedIntoTheText() throws Exception {
        String hostile = "x'); DROP TABLE taps; --";
        SnapshotResult result = new PostgresInputs().read(DB.info(), List.of(new PostgresInputs.Query(
                "SELECT {partition} AS p, count(*) AS n FROM taps WHERE note = {partition}",
                Map.of("partition", new PostgresInputs.Parameter(Optional.of(hostile), "text")), "metro.odd")), "UTC", work, settings(work),
                ParquetFileListener.NONE);

        assertEquals(List.of(hostile + "|0"), rows(result.table("metro.odd").parquetFiles(), "SELECT p, n FROM read_parquet($files)"));
        DB.pg().execute("SELECT 1 FROM taps LIMIT 1"); // still there
    }

    /**
     * A row inserted into both tables and committed while the first is being written (after its
     * file is complete, before the second's COPY starts) is seen by neither: both come from the
     * transaction's one snapshot. Read one by one, the second table would have it.
     */
    @Test
    void twoTablesOfOneConnectionAreReadFromOneSnapshot() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        ParquetFileListener commitBetweenReads = (output, file, rows) -> {
            if (output.equals("metro.stations") && commits.getAndIncrement() == 0) {
                DB.pg().execute("BEGIN; INSERT INTO stations VALUES (3, 'Florenc'); INSERT INTO taps VALUES (6, 3, 'between', now()); COMMIT");
            }
        };
        try {
            SnapshotResult result = new PostgresInputs().read(DB.info(), List.of(new PostgresInputs.Table("public", "stations", "metro.stations"),
                    new PostgresInputs.Table("public", "taps", "metro.taps")), "UTC", work, settings(work), commitBetweenReads);

            assertEquals(1, commits.get());
            assertEquals(2, result.table("metro.stations").rows());
            assertEquals(5, result.table("metro.taps").rows(), "the row committed between the two reads is not in the second either");
            SnapshotResult after = new PostgresInputs().read(DB.info(), List.of(new PostgresInputs.Table("public", "taps", "metro.taps")), "UTC",
                    work.resolve("again"), settings(work), ParquetFileListener.NONE);
            assertEquals(6, after.table("metro.taps").rows(), "a later read sees it: the listener did commit");
        } finally {
            DB.pg().execute("DELETE FROM taps WHERE tap_id = 6; DELETE FROM stations WHERE station_id = 3");
        }
    }

    /** A query's columns take the types a snapshot of the same columns has, values alike. */
    @Test
    void aQuerysTypesAreTheSnapshotsTypes() throws Exception {
        SnapshotResult snapshot = new PostgresSnapshot().snapshot(DB.info(), List.of(TableRequest.full("public", "typed", "raw.typed")),
                work.resolve("snapshot"), settings(work));
        SnapshotResult query = new PostgresInputs().read(DB.info(), List.of(new PostgresInputs.Query("SELECT * FROM typed", Map.of(), "metro.typed")),
                "UTC", work.resolve("query"), settings(work), ParquetFileListener.NONE);

        TableSnapshot s = snapshot.table("raw.typed");
        TableSnapshot q = query.table("metro.typed");
        assertEquals(s.columns(), q.columns());
        assertEquals(s.schemaHash(), q.schemaHash());
        assertTrue(q.columns().stream().anyMatch(c -> c.duckdbType().equals("DECIMAL(12,2)")), q.columns().toString());
        String select = "SELECT * FROM read_parquet($files) ORDER BY id";
        assertEquals(rows(s.parquetFiles(), select), rows(q.parquetFiles(), select));
        assertEquals(rows(s.parquetFiles(), "DESCRIBE " + select), rows(q.parquetFiles(), "DESCRIBE " + select));
    }
}
