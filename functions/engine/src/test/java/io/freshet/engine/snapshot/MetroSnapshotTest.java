package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.Parity.Canon.DECIMAL;
import static io.freshet.engine.snapshot.Parity.Canon.INSTANT;
import static io.freshet.engine.snapshot.Parity.Canon.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.freshet.engine.snapshot.Parity.Col;
import io.freshet.testkit.LocalPostgres;

/**
 * The metro example's operational database: a consistent snapshot of all its tables (and one named
 * {@code Tap Log}), incremental taps, and the errors a pipeline author meets.
 */
class MetroSnapshotTest {

    static LocalPostgres pg;
    static PgConnectionInfo info;

    @TempDir
    Path work;

    static final List<Col> STATIONS = List.of(Col.of("station_id", TEXT), Col.of("name", TEXT), Col.of("line", TEXT), Col.of("lat", DECIMAL),
            Col.of("lon", DECIMAL), Col.of("opened", Parity.Canon.DATE), Col.of("accessible", TEXT));
    static final List<Col> ROUTES = List.of(Col.of("route_id", TEXT), Col.of("line", TEXT), Col.of("color", TEXT), Col.of("length_km", DECIMAL));
    static final List<Col> ROUTE_STATIONS = List.of(Col.of("route_id", TEXT), Col.of("seq", TEXT), Col.of("station_id", TEXT),
            Col.of("minutes_from_start", TEXT));
    static final List<Col> PASSENGERS = List.of(Col.of("passenger_id", TEXT), Col.of("card", TEXT), Col.of("fare_class", TEXT),
            Col.of("registered_at", INSTANT), Col.of("preferences", TEXT), Col.arrayOf("favourite_stations", TEXT));
    static final List<Col> TAPS = List.of(Col.of("tap_id", TEXT), Col.of("passenger_id", TEXT), Col.of("station_id", TEXT),
            Col.of("direction", TEXT), Col.of("tapped_at", INSTANT), Col.of("fare", DECIMAL));
    static final List<Col> TAP_LOG = List.of(Col.of("Log ID", TEXT), Col.of("Tapped At", INSTANT), Col.of("Message", TEXT),
            Col.of("it's \"quoted\"", TEXT));

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
        pg.execute("""
                CREATE SCHEMA metro;
                CREATE TYPE metro.direction AS ENUM ('in', 'out');
                CREATE TABLE metro.stations (station_id int PRIMARY KEY, name text NOT NULL, line char(1) NOT NULL,
                  lat numeric(9,6), lon numeric(9,6), opened date, accessible boolean);
                CREATE TABLE metro.routes (route_id int PRIMARY KEY, line char(1), color text, length_km numeric(6,3));
                CREATE TABLE metro.route_stations (route_id int REFERENCES metro.routes, seq smallint, station_id int REFERENCES metro.stations,
                  minutes_from_start int, PRIMARY KEY (route_id, seq));
                CREATE TABLE metro.passengers (passenger_id uuid PRIMARY KEY, card text UNIQUE, fare_class text,
                  registered_at timestamptz, preferences jsonb, favourite_stations int[]);
                CREATE TABLE metro.taps (tap_id bigserial PRIMARY KEY, passenger_id uuid REFERENCES metro.passengers, station_id int,
                  direction metro.direction, tapped_at timestamptz NOT NULL, fare numeric(8,2));
                CREATE INDEX ON metro.taps (tapped_at);
                CREATE TABLE public."Tap Log" ("Log ID" bigint PRIMARY KEY, "Tapped At" timestamptz, "Message" text, "it's ""quoted""\" text);

                INSERT INTO metro.stations VALUES
                  (1, 'Můstek', 'A', 50.083611, 14.423889, '1978-05-09', true),
                  (2, 'Můstek', 'B', 50.083611, 14.423889, '1985-11-02', true),
                  (3, 'Muzeum', 'C', 50.079722, 14.430556, '1974-05-09', false),
                  (4, 'Florenc', 'C', 50.090833, 14.438889, '1974-05-09', NULL),
                  (5, 'Nádraží "Veleslavín"', 'A', 50.095833, 14.347222, '2015-04-06', true);
                INSERT INTO metro.routes VALUES (1, 'A', 'green', 17.1), (2, 'B', 'yellow', 25.6), (3, 'C', 'red', 22.4);
                INSERT INTO metro.route_stations VALUES (1, 1, 5, 0), (1, 2, 1, 12), (2, 1, 2, 0), (3, 1, 3, 0), (3, 2, 4, 2);
                INSERT INTO metro.passengers
                  SELECT md5('p' || g)::uuid, 'CARD-' || g, CASE g % 3 WHEN 0 THEN 'adult' WHEN 1 THEN 'student' ELSE NULL END,
                         timestamptz '2025-01-01 00:00:00+01' + g * interval '1 hour',
                         jsonb_build_object('lang', CASE WHEN g % 2 = 0 THEN 'cs' ELSE 'en' END, 'alerts', g % 5 = 0),
                         CASE WHEN g % 4 = 0 THEN NULL ELSE ARRAY[1 + g % 5, NULL, 3] END
                  FROM generate_series(1, 500) g;
                INSERT INTO metro.taps (passenger_id, station_id, direction, tapped_at, fare)
                  SELECT md5('p' || (1 + g % 500))::uuid, 1 + g % 5, CASE WHEN g % 2 = 0 THEN 'in' ELSE 'out' END::metro.direction,
                         timestamptz '2026-05-01 05:00:00+02' + g * interval '7 seconds', CASE WHEN g % 2 = 0 THEN 30.00 ELSE NULL END
                  FROM generate_series(1, 20000) g;
                INSERT INTO public."Tap Log" VALUES (1, '2026-05-01 05:00:00+02', 'gate 3 stuck', 'a'), (2, NULL, E'multi\\nline', NULL),
                  (3, '2026-05-01 06:00:00+02', '', 'it''s');
                """);
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static List<TableRequest> metroTables() {
        return List.of(
                TableRequest.full("metro", "stations", "raw.stations"),
                TableRequest.full("metro", "routes", "raw.routes"),
                TableRequest.full("metro", "route_stations", "raw.route_stations"),
                TableRequest.full("metro", "passengers", "raw.passengers"),
                TableRequest.incremental("metro", "taps", "raw.taps", "tapped_at", Optional.empty()),
                TableRequest.full("public", "Tap Log", "raw.tap_log"));
    }

    private SnapshotSettings settings(int connections) {
        return new SnapshotSettings("128MB", 2, work.resolve("spill"), connections);
    }

    @ParameterizedTest(name = "{0} connection(s)")
    @ValueSource(ints = {1, 3})
    void theWholeMetroComesBackExactly(int connections) throws Exception {
        SnapshotResult result = new PostgresSnapshot().snapshot(info, metroTables(), work, settings(connections));
        assertEquals(List.of("raw.stations", "raw.routes", "raw.route_stations", "raw.passengers", "raw.taps", "raw.tap_log"),
                result.tables().stream().map(TableSnapshot::output).toList());
        Parity.assertSameRows(pg, "metro.stations", null, file(result, "raw.stations"), "station_id", STATIONS);
        Parity.assertSameRows(pg, "metro.routes", null, file(result, "raw.routes"), "route_id", ROUTES);
        Parity.assertSameRows(pg, "metro.route_stations", null, file(result, "raw.route_stations"), "station_id", ROUTE_STATIONS);
        Parity.assertSameRows(pg, "metro.passengers", null, file(result, "raw.passengers"), "passenger_id", PASSENGERS);
        Parity.assertSameRows(pg, "metro.taps", null, file(result, "raw.taps"), "tap_id", TAPS);
        Parity.assertSameRows(pg, "public.\"Tap Log\"", null, file(result, "raw.tap_log"), "Log ID", TAP_LOG);

        TableSnapshot taps = result.table("raw.taps");
        assertEquals(20000, taps.rows());
        assertEquals(Files.size(taps.parquetFiles().get(0)), taps.bytes());
        assertTrue(taps.parquetFiles().get(0).startsWith(work));
        assertEquals(Optional.of("2026-05-02 17:53:20+00"), taps.newWatermark(), "the greatest tapped_at, as UTC");
        assertEquals(Map.of("rows", "20000", "bytes", Long.toString(taps.bytes()), "schema_hash", taps.schemaHash(),
                "watermark", "2026-05-02 17:53:20+00"), taps.metadata());
        assertEquals(Optional.empty(), result.table("raw.stations").newWatermark());
        assertFalse(result.table("raw.stations").metadata().containsKey("watermark"));
        assertEquals(List.of("Log ID", "Tapped At", "Message", "it's \"quoted\""),
                result.table("raw.tap_log").columns().stream().map(ColumnInfo::name).toList());
        assertEquals(3, result.table("raw.tap_log").rows());
    }

    private static Path file(SnapshotResult result, String output) {
        return result.table(output).parquetFiles().get(0);
    }

    @ParameterizedTest(name = "{0} connection(s)")
    @ValueSource(ints = {1, 3})
    void rowsCommittedAfterTheSnapshotStartedAreInNoTable(int connections) throws Exception {
        pg.execute("CREATE TABLE public.consistency_a (id int PRIMARY KEY, v text); CREATE TABLE public.consistency_b (id int PRIMARY KEY, a_id int);"
                + "INSERT INTO consistency_a SELECT g, 'v' || g FROM generate_series(1, 1000) g;"
                + "INSERT INTO consistency_b SELECT g, g FROM generate_series(1, 1000) g;");
        try {
            PostgresSnapshot snapshot = new PostgresSnapshot(new PostgresSnapshot.Hooks() {
                @Override
                public void snapshotTaken() {
                    // Another session changes every table and commits before a single row is read.
                    pg.execute("INSERT INTO consistency_a SELECT g, 'late' FROM generate_series(1001, 1100) g;"
                            + "INSERT INTO consistency_b SELECT g, g FROM generate_series(1001, 1100) g;"
                            + "DELETE FROM consistency_b WHERE id <= 10; UPDATE consistency_a SET v = 'changed' WHERE id = 1;"
                            + "INSERT INTO metro.taps (station_id, tapped_at) VALUES (1, now())");
                }
            });
            SnapshotResult result = snapshot.snapshot(info, List.of(
                    TableRequest.full("public", "consistency_a", "raw.a"),
                    TableRequest.full("public", "consistency_b", "raw.b"),
                    TableRequest.full("metro", "taps", "raw.taps")), work, settings(connections));
            assertEquals(1000, result.table("raw.a").rows());
            assertEquals(1000, result.table("raw.b").rows());
            assertEquals(20000, result.table("raw.taps").rows());
            try (Connection d = Parity.duck(); Statement s = d.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE v = 'late' OR v = 'changed'), max(id) FROM read_parquet("
                        + Sql.quoteLiteral(file(result, "raw.a").toString()) + ")")) {
                    rs.next();
                    assertEquals(0, rs.getLong(1));
                    assertEquals(1000, rs.getLong(2));
                }
                try (ResultSet rs = s.executeQuery("SELECT min(id), max(id) FROM read_parquet(" + Sql.quoteLiteral(file(result, "raw.b").toString()) + ")")) {
                    rs.next();
                    assertEquals(1, rs.getLong(1), "deleted rows are still in the snapshot");
                    assertEquals(1000, rs.getLong(2));
                }
            }
        } finally {
            pg.execute("DROP TABLE consistency_a, consistency_b; DELETE FROM metro.taps WHERE tap_id > 20000");
        }
    }

    @Test
    void anIncrementalSnapshotReadsOnlyRowsPastTheLastWatermark() throws Exception {
        pg.execute("CREATE TABLE public.events (id bigint PRIMARY KEY, at timestamptz, payload text);"
                + "INSERT INTO events SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', 'first ' || g FROM generate_series(1, 100) g;"
                + "INSERT INTO events VALUES (0, NULL, 'no time')");
        TableRequest first = TableRequest.incremental("public", "events", "raw.events", "at", Optional.empty());
        TableSnapshot one = new PostgresSnapshot().snapshot(info, List.of(first), work.resolve("1"), settings(1)).tables().get(0);
        assertEquals(101, one.rows(), "the first run reads every row, a NULL watermark included");
        assertEquals(Optional.of("2026-01-01 01:40:00+00"), one.newWatermark());

        pg.execute("INSERT INTO events SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', 'second ' || g FROM generate_series(101, 150) g;"
                + "INSERT INTO events VALUES (1000, '2025-12-31 00:00:00+00', 'late arrival, older than the watermark'), (1001, NULL, 'still no time')");
        TableRequest second = TableRequest.incremental("public", "events", "raw.events", "at", one.newWatermark());
        TableSnapshot two = new PostgresSnapshot().snapshot(info, List.of(second), work.resolve("2"), settings(1)).tables().get(0);
        assertEquals(50, two.rows());
        assertEquals(Optional.of("2026-01-01 02:30:00+00"), two.newWatermark());
        Parity.assertSameRows(pg, "public.events", "at > '2026-01-01 01:40:00+00'", two.parquetFiles().get(0), "id",
                List.of(Col.of("id", TEXT), Col.of("at", INSTANT), Col.of("payload", TEXT)));

        TableRequest third = TableRequest.incremental("public", "events", "raw.events", "at", two.newWatermark());
        TableSnapshot three = new PostgresSnapshot().snapshot(info, List.of(third), work.resolve("3"), settings(1)).tables().get(0);
        assertEquals(0, three.rows());
        assertEquals(two.newWatermark(), three.newWatermark(), "nothing new: the watermark stays");
        assertEquals(one.schemaHash(), three.schemaHash());
    }

    @Test
    void watermarksOfEveryOrderableTypeRoundTrip() throws Exception {
        pg.execute("CREATE TABLE public.marks (i2 smallint, i8 bigint, n numeric(20,4), nf numeric, d date, ts timestamp, tstz timestamptz);"
                + "INSERT INTO marks VALUES (1, -5, 1.5, 2, '2026-01-01', '2026-01-01 00:00:00', '2026-01-01 00:00:00+00'),"
                + " (7, 9223372036854775807, 12345678901234.5678, 10.250, '0044-03-15 BC', '1999-12-31 23:59:59.000001', '0001-01-01 00:00:00+00 BC'),"
                + " (3, 0, -1, -1, '2026-01-02', '2026-01-01 00:00:00.5', '2026-01-01 00:00:00.000001+00')");
        Map<String, String> expected = Map.of("i2", "7", "i8", "9223372036854775807", "n", "12345678901234.5678", "nf", "10.250",
                "d", "2026-01-02", "ts", "2026-01-01 00:00:00.5", "tstz", "2026-01-01 00:00:00.000001+00");
        for (var e : expected.entrySet()) {
            TableSnapshot t = new PostgresSnapshot().snapshot(info, List.of(TableRequest.incremental("public", "marks", "raw.marks", e.getKey(),
                    Optional.empty())), work.resolve(e.getKey()), settings(1)).tables().get(0);
            assertEquals(Optional.of(e.getValue()), t.newWatermark(), e.getKey());
            // Fed back, the watermark selects nothing: it is the greatest value, in a syntax PostgreSQL reads back exactly.
            TableSnapshot again = new PostgresSnapshot().snapshot(info, List.of(TableRequest.incremental("public", "marks", "raw.marks", e.getKey(),
                    t.newWatermark())), work.resolve(e.getKey() + "-again"), settings(1)).tables().get(0);
            assertEquals(0, again.rows(), e.getKey());
        }
        TableSnapshot bc = new PostgresSnapshot().snapshot(info, List.of(TableRequest.incremental("public", "marks", "raw.marks", "d",
                Optional.of("0100-01-01 BC"))), work.resolve("bc"), settings(1)).tables().get(0);
        assertEquals(3, bc.rows(), "44 BC is after 100 BC");
    }

    @Test
    void aMissingTableIsNamedPrecisely() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.full("metro", "stations", "raw.stations"),
                TableRequest.full("metro", "Stations", "raw.upper")), work, settings(1)));
        assertEquals(Optional.of("\"metro\".\"Stations\""), e.table());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(work.resolve("raw.stations")), "nothing is written when a table is missing");

        SnapshotException schema = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.full("nope", "stations", "raw.stations")), work, settings(1)));
        assertTrue(schema.getMessage().contains("schema \"nope\" does not exist"), schema.getMessage());
        pg.execute("CREATE MATERIALIZED VIEW metro.later AS SELECT 1 AS x WITH NO DATA"); // there, but nothing reads it until refreshed
        SnapshotException unread = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.full("metro", "later", "raw.later")), work, settings(1)));
        assertEquals(Optional.of("\"metro\".\"later\""), unread.table());
        assertTrue(unread.getMessage().contains("has not been populated"), unread.getMessage());
    }

    @Test
    void aMissingOrUnsuitableWatermarkColumnIsNamedPrecisely() {
        SnapshotException missing = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.incremental("metro", "taps", "raw.taps", "Tapped_At", Optional.empty())), work, settings(1)));
        assertEquals(Optional.of("\"metro\".\"taps\""), missing.table());
        assertTrue(missing.getMessage().contains("watermark column \"Tapped_At\" does not exist"), missing.getMessage());
        assertTrue(missing.getMessage().contains("\"tapped_at\""), "lists the columns: " + missing.getMessage());

        SnapshotException text = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.incremental("metro", "stations", "raw.stations", "name", Optional.empty())), work, settings(1)));
        assertTrue(text.getMessage().contains("watermark column \"name\" is of type text"), text.getMessage());

        SnapshotException invalid = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.incremental("metro", "taps", "raw.taps", "tapped_at", Optional.of("yesterday-ish'; DROP TABLE metro.taps; --"))),
                work, settings(1)));
        assertTrue(invalid.getMessage().contains("is not a valid timestamp with time zone"), invalid.getMessage());
        pg.execute("SELECT 1 FROM metro.taps LIMIT 1"); // still there
    }

    @Test
    void namesThatNeedQuotingAreQuoted() throws Exception {
        pg.execute("CREATE SCHEMA \"Odd \"\"Schema\"\"\"; CREATE TABLE \"Odd \"\"Schema\"\"\".\"x; DROP TABLE metro.taps; --\" (\"SELECT\" int, \"a\"\"b\" text);"
                + "INSERT INTO \"Odd \"\"Schema\"\"\".\"x; DROP TABLE metro.taps; --\" VALUES (1, 'one'), (2, NULL)");
        SnapshotResult r = new PostgresSnapshot().snapshot(info, List.of(TableRequest.incremental("Odd \"Schema\"", "x; DROP TABLE metro.taps; --",
                "raw.odd", "SELECT", Optional.of("0"))), work, settings(1));
        assertEquals(2, r.table("raw.odd").rows());
        assertEquals(Optional.of("2"), r.table("raw.odd").newWatermark());
        assertEquals(List.of("SELECT", "a\"b"), r.table("raw.odd").columns().stream().map(ColumnInfo::name).toList());
        pg.execute("SELECT 1 FROM metro.taps LIMIT 1");
    }

    @Test
    void theSchemaHashChangesWithTheSchemaOnly() throws Exception {
        pg.execute("CREATE TABLE public.evolving (id int, name text); INSERT INTO evolving VALUES (1, 'a')");
        String before = snapshotOf("evolving").schemaHash();
        pg.execute("INSERT INTO evolving VALUES (2, 'b')");
        assertEquals(before, snapshotOf("evolving").schemaHash(), "new rows, same schema");
        pg.execute("ALTER TABLE evolving ALTER COLUMN name TYPE varchar(10)");
        String retyped = snapshotOf("evolving").schemaHash();
        assertNotEquals(before, retyped);
        pg.execute("ALTER TABLE evolving ADD COLUMN extra int");
        String added = snapshotOf("evolving").schemaHash();
        assertNotEquals(retyped, added);
        pg.execute("ALTER TABLE evolving DROP COLUMN extra");
        assertEquals(retyped, snapshotOf("evolving").schemaHash(), "a dropped column is gone from the hash");
        pg.execute("ALTER TABLE evolving RENAME COLUMN name TO label");
        assertNotEquals(retyped, snapshotOf("evolving").schemaHash());
        assertEquals(64, before.length());
    }

    private TableSnapshot snapshotOf(String table) {
        return new PostgresSnapshot().snapshot(info, List.of(TableRequest.full("public", table, "raw." + table)), work, settings(1)).tables().get(0);
    }

    @Test
    void viewsPartitionedAndMaterializedTablesAreReadAsSelectReadsThem() throws Exception {
        pg.execute("""
                CREATE VIEW public.busy_stations AS SELECT station_id, count(*) AS taps FROM metro.taps GROUP BY station_id;
                CREATE MATERIALIZED VIEW public.line_a AS SELECT * FROM metro.stations WHERE line = 'A';
                CREATE TABLE public.taps_by_month (id int, month date) PARTITION BY RANGE (month);
                CREATE TABLE public.taps_2026_01 PARTITION OF taps_by_month FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
                CREATE TABLE public.taps_2026_02 PARTITION OF taps_by_month FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
                INSERT INTO taps_by_month VALUES (1, '2026-01-05'), (2, '2026-02-05'), (3, '2026-02-06');
                CREATE SEQUENCE public.not_a_table;
                """);
        SnapshotResult r = new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.full("public", "busy_stations", "raw.busy"),
                TableRequest.full("public", "line_a", "raw.line_a"),
                TableRequest.full("public", "taps_by_month", "raw.by_month")), work, settings(2));
        assertEquals(5, r.table("raw.busy").rows());
        assertEquals(2, r.table("raw.line_a").rows());
        assertEquals(3, r.table("raw.by_month").rows());
        SnapshotException e = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.full("public", "not_a_table", "raw.seq")), work, settings(1)));
        assertTrue(e.getMessage().contains("is a sequence"), e.getMessage());
    }

    @Test
    void aWrongPasswordOrServerFailsWithoutShowingThePassword() {
        PgConnectionInfo nowhere = new PgConnectionInfo("jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=2", "metro", "s3cr3t-pw");
        SnapshotException e = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(nowhere,
                List.of(TableRequest.full("metro", "taps", "raw.taps")), work, settings(1)));
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t-pw"));
        assertFalse(nowhere.toString().contains("s3cr3t-pw"));
    }

    @Test
    void aLargeTableIsWrittenAsSeveralFilesEachAnnouncedWhenComplete() throws Exception {
        List<String> announced = new ArrayList<>();
        long[] announcedRows = {0};
        ParquetFileListener listener = (output, file, rows) -> {
            // complete when announced: a reader sees all its rows
            try (Connection d = Parity.duck(); Statement s = d.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + Sql.quoteLiteral(file.toString()) + ")")) {
                rs.next();
                assertEquals(rows, rs.getLong(1));
            }
            announced.add(output + "/" + file.getFileName());
            announcedRows[0] += rows;
        };
        SnapshotResult r = new PostgresSnapshot(new PostgresSnapshot.Hooks() {
        }, 200_000).snapshot(info, List.of(TableRequest.full("metro", "taps", "raw.taps"), TableRequest.full("metro", "stations", "raw.stations")),
                work, settings(1), listener);
        TableSnapshot taps = r.table("raw.taps");
        assertTrue(taps.parquetFiles().size() > 2, "files: " + taps.parquetFiles());
        assertEquals(20000, taps.rows());
        assertEquals(20005, announcedRows[0]);
        // in the order they complete: a part begun while the one before it was finishing may complete first
        assertEquals(taps.parquetFiles().stream().map(f -> "raw.taps/" + f.getFileName()).toList(),
                announced.subList(0, announced.size() - 1).stream().sorted().toList());
        assertEquals("raw.stations/part-00000.parquet", announced.get(announced.size() - 1));
        assertEquals(taps.parquetFiles().size() + 1, announced.size());
        long size = 0;
        for (Path f : taps.parquetFiles()) {
            size += Files.size(f);
        }
        assertEquals(size, taps.bytes());
        Parity.assertSameRows(pg, "metro.taps", null, taps.parquetFiles(), "tap_id", TAPS);
    }

    @Test
    void aFailingFileListenerFailsTheSnapshot() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(info,
                List.of(TableRequest.full("metro", "stations", "raw.stations")), work, settings(1), (output, file, rows) -> {
                    throw new IOException("upload refused");
                }));
        assertTrue(e.getMessage().contains("upload refused"), e.getMessage());
    }

    @Test
    void anEmptyRequestListIsAnEmptyResult() {
        assertEquals(List.of(), new PostgresSnapshot().snapshot(info, List.of(), work, settings(1)).tables());
        assertThrows(IllegalArgumentException.class, () -> new PostgresSnapshot().snapshot(info, List.of(
                TableRequest.full("metro", "taps", "raw.x"), TableRequest.full("metro", "stations", "raw.x")), work, settings(1)));
    }
}
