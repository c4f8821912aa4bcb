package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.DAY;
import static io.freshet.publisher.PublisherWorld.RIDES;
import static io.freshet.publisher.PublisherWorld.STATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;

/**
 * Outputs loaded into PostgreSQL by the publisher, on a real PostgreSQL (a database of its own per
 * test), S3Proxy and DynamoDB Local, from Parquet written by DuckDB as the runner writes it: every
 * mapped type read back exactly, replace_partition and merge, a table that cannot take the output.
 */
class WarehouseLoadTest {

    static PublisherLake lake;

    @BeforeAll
    static void start() throws Exception {
        lake = WarehouseLake.start();
    }

    @AfterAll
    static void stop() throws Exception {
        lake.close();
    }

    /** One DuckDB row per value kind, then a row of NULLs. */
    static final String ALL_TYPES = """
            SELECT * FROM (VALUES
              (1, 7::TINYINT, -3::SMALLINT, 9007199254740993::BIGINT, 1.5::REAL, 0.1::DOUBLE, 1234567890.12::DECIMAL(12,2),
               -0.0000000001::DECIMAL(38,10), 12.5::DECIMAL(4,1), 'Praha – Hlavní nádraží', true,
               DATE '2026-11-20', TIMESTAMP '2026-11-20 05:06:07.123456', TIMESTAMPTZ '2026-11-20 05:06:07.5+00', TIME '23:59:59.999999',
               '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID, '\\xDE\\xAD\\x00'::BLOB, '{"a": [1, 2]}'::JSON,
               INTERVAL '1 year 2 months 3 days 04:05:06.789', [1, NULL, 3], ['a', 'b'], []::INTEGER[], 123456789012345678901234567.0123456789::DECIMAL(38,10)),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            ) t(ride_id, tiny, small, big, r, d, money, tiny_fraction, short_decimal, name, flag, day, ts, tstz, clock, id, bytes,
                doc, span, ints, texts, empty, wide)""";

    @Test
    void aPartitionIsLoadedAndReadBackExactlyWithEveryMappedType() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Map<String, String> selects = new LinkedHashMap<>();
        selects.put(RIDES, ALL_TYPES);
        selects.put(STATIONS, PublisherWorld.stations());
        Run run = w.staged("types", selects);

        publishes(w, pg, run);

        assertEquals(List.of(
                "ride_id|integer", "tiny|smallint", "small|smallint", "big|bigint", "r|real", "d|double precision",
                "money|numeric(12,2)", "tiny_fraction|numeric(38,10)", "short_decimal|numeric(4,1)", "name|text", "flag|boolean",
                "day|date", "ts|timestamp without time zone", "tstz|timestamp with time zone", "clock|time without time zone",
                "id|uuid", "bytes|bytea", "doc|jsonb", "span|interval", "ints|integer[]", "texts|text[]", "empty|integer[]",
                "wide|numeric(38,10)", "date|date"),
                pg.rows("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'mart.rides'::regclass"
                        + " AND attnum > 0 ORDER BY attnum"));
        assertEquals(List.of(
                "1|7|-3|9007199254740993|1.5|0.1|1234567890.12|-0.0000000001|12.5|Praha – Hlavní nádraží|t|2026-11-20"
                        + "|2026-11-20 05:06:07.123456|2026-11-20 05:06:07.5+00|23:59:59.999999|6ba7b810-9dad-11d1-80b4-00c04fd430c8"
                        + "|\\xdead00|{\"a\": [1, 2]}|1 year 2 mons 3 days 04:05:06.789|{1,NULL,3}|{a,b}|{}"
                        + "|123456789012345678901234567.0123456789|2026-11-20",
                "2|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|null|2026-11-20"),
                pg.rows("SELECT * FROM mart.rides ORDER BY ride_id"));
        assertEquals(List.of("core.rides|" + DAY + "|" + run.runId() + "|1|2", "core.stations|" + DAY + "|" + run.runId() + "|1|3"),
                pg.rows("SELECT asset, partition, run_id, attempt, rows FROM freshet.loads ORDER BY asset"));
    }

    @Test
    void replacePartitionReplacesOnlyItsPartitionAndMergeUpdatesByKey() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run first = w.staged("first", 5);
        publishes(w, pg, first);
        // Another day's rows, and a station no run wrote: neither is this partition's.
        pg.execute("INSERT INTO mart.rides VALUES (100, 'st-1', 7, DATE '2026-11-19'); INSERT INTO mart.stations VALUES ('st-9', 'Nine', 9, DATE '2026-11-19')");
        assertEquals("t", pg.rows("SELECT count(*) = 3 FROM mart.stations WHERE date = DATE '" + DAY + "'").get(0));

        Map<String, String> selects = new LinkedHashMap<>();
        selects.put(RIDES, PublisherWorld.rides(2));
        selects.put(STATIONS, "SELECT 'st-' || i AS station_id, 'Renamed ' || i AS station_name, (10 + i)::INTEGER AS zone FROM range(1, 5) t(i)");
        Run second = w.staged("second", selects);
        publishes(w, pg, second);

        assertEquals(List.of("1|st-1|10|2026-11-20", "2|st-2|20|2026-11-20", "100|st-1|7|2026-11-19"),
                pg.rows("SELECT * FROM mart.rides ORDER BY ride_id"));
        assertEquals(List.of("st-0|Station 0|0|2026-11-20", "st-1|Renamed 1|11|2026-11-20", "st-2|Renamed 2|12|2026-11-20",
                        "st-3|Renamed 3|13|2026-11-20", "st-4|Renamed 4|14|2026-11-20", "st-9|Nine|9|2026-11-19"),
                pg.rows("SELECT * FROM mart.stations ORDER BY station_id"));
        assertEquals(List.of("station_id"), pg.rows("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'mart.stations'::regclass AND i.indisprimary"));
    }

    @Test
    void anIncompatibleTableFailsTheRunNamingTableAndColumnBeforeAnyWrite() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        // fare_cents is a BIGINT in the output: an integer column would narrow it.
        pg.execute("CREATE SCHEMA mart; CREATE TABLE mart.rides (ride_id integer, station_id text, fare_cents integer, date date);"
                + " INSERT INTO mart.rides VALUES (1, 'old', 1, DATE '" + DAY + "')");
        Run run = w.staged("narrow", 4);

        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()));

        String reason = w.store.runs().run(run.runId()).orElseThrow().finishReason().orElseThrow();
        assertTrue(reason.contains("PostgreSQL table mart.rides, column fare_cents: the table's type integer cannot hold the output's bigint"),
                reason);
        assertEquals(List.of("1|old|1|2026-11-20"), pg.rows("SELECT * FROM mart.rides"));
        assertEquals(List.of("f|f"), pg.rows("SELECT to_regclass('mart.stations') IS NOT NULL, to_regclass('freshet.loads') IS NOT NULL"));
        assertTrue(w.tables.table(RIDES).isEmpty(), "no Iceberg table was committed either");
        assertTrue(w.store.runs().recordedOutputs(run.runId()).isEmpty());
    }

    @Test
    void aMergeIntoATableWithoutAUniqueKeyFailsBeforeAnyWrite() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        pg.execute("CREATE SCHEMA mart; CREATE TABLE mart.stations (station_id text, station_name text, zone integer, date date)");
        Run run = w.staged("no-key", 2);

        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()));

        String reason = w.store.runs().run(run.runId()).orElseThrow().finishReason().orElseThrow();
        assertTrue(reason.contains("PostgreSQL table mart.stations, column station_id: merge needs a unique index or primary key on exactly"
                + " (station_id)"), reason);
        assertEquals(List.of("f|0"), pg.rows("SELECT to_regclass('mart.rides') IS NOT NULL, count(*) FROM mart.stations"),
                "the other output's table was not created either: every load is checked before the first");
    }

    /**
     * A database's statement_timeout (set to keep an application's queries short) would cancel a
     * large load part way; the publication's session turns it off, as pg_restore does. The load
     * here is made slow by a trigger: 5 rows of 300 ms against a timeout of 500 ms.
     */
    @Test
    void aDatabasesStatementTimeoutDoesNotCutALoadShort() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run first = w.staged("before-timeout", 3);
        publishes(w, pg, first);
        pg.execute("CREATE FUNCTION mart.slowly() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NEW; END $$;"
                + "CREATE TRIGGER slowly BEFORE INSERT ON mart.rides FOR EACH ROW EXECUTE FUNCTION mart.slowly();"
                + "ALTER DATABASE " + pg.database() + " SET statement_timeout = '500ms'");
        assertThrows(IllegalStateException.class, () -> pg.execute("INSERT INTO mart.rides SELECT * FROM mart.rides"),
                "the database's own statements are cut short");
        Run second = w.staged("under-timeout", 5);

        publishes(w, pg, second);

        assertEquals(List.of("5"), pg.rows("SELECT count(*) FROM mart.rides WHERE date = DATE '" + DAY + "'"));
    }

    /**
     * A publisher frozen by Lambda's timeout in the middle of a load must not hold its advisory
     * lock, which its own retry waits for, for hours: the load's session has the server give a
     * silent client up after 2 minutes (DeadClientTest shows the effect). A trigger notes what the
     * loading session has set while it inserts.
     */
    @Test
    void aLoadsSessionHasTheServerGiveUpASilentClient() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run first = w.staged("before-noting", 3);
        publishes(w, pg, first);
        pg.execute("CREATE TABLE mart.seen (setting text);"
                + "CREATE FUNCTION mart.note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO mart.seen SELECT"
                + " concat_ws(',', current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_interval'),"
                + " current_setting('tcp_keepalives_count'), current_setting('tcp_user_timeout')); RETURN NULL; END $$;"
                + "CREATE TRIGGER note AFTER INSERT ON mart.rides FOR EACH STATEMENT EXECUTE FUNCTION mart.note()");
        Run second = w.staged("noted", 5);

        publishes(w, pg, second);

        assertEquals(List.of("30,10,3,120000"), pg.rows("SELECT DISTINCT setting FROM mart.seen"), "seconds, seconds, probes, milliseconds");
    }

    @Test
    void aUserWithoutCreateLoadsOnceTheTablesExist() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run first = w.staged("as-owner", 3);
        publishes(w, pg, first);
        // A loader with only the privileges docs/deploy.md lists for existing tables: no CREATE anywhere.
        String role = "loader_" + pg.database();
        pg.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'loader'; GRANT USAGE ON SCHEMA mart, freshet TO " + role
                + "; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA mart, freshet TO " + role);
        PgCredentials loader = new PgCredentials(Map.of("FRESHET_PG_REPORTING_URL", pg.url(), "FRESHET_PG_REPORTING_USER", role,
                "FRESHET_PG_REPORTING_PASSWORD", "loader"), arn -> {
                    throw new IllegalStateException("no secret in tests");
                });
        Run second = w.staged("as-loader", 5);

        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, loader).publish(second.runId()));

        assertEquals(List.of("5"), pg.rows("SELECT count(*) FROM mart.rides WHERE date = DATE '" + DAY + "'"));
        assertEquals(List.of("4"), pg.rows("SELECT count(*) FROM freshet.loads"));
    }

    @Test
    void aMergeKeyMissingFromTheOutputFailsNamingIt() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Map<String, String> selects = new LinkedHashMap<>();
        selects.put(RIDES, PublisherWorld.rides(2));
        selects.put(STATIONS, "SELECT 'Station ' || i AS station_name FROM range(0, 3) t(i)");
        Run run = w.staged("keyless", selects);

        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()));

        String reason = w.store.runs().run(run.runId()).orElseThrow().finishReason().orElseThrow();
        assertTrue(reason.contains("PostgreSQL table mart.stations, column station_id: the merge key column is not a column of the output"),
                reason);
        assertEquals(List.of("f"), pg.rows("SELECT to_regclass('mart.rides') IS NOT NULL"), "nothing loaded");
    }

    /** Publishes a staged run with the reporting database's own credentials: it must succeed. */
    private static void publishes(PublisherWorld w, WarehouseLake.Reporting pg, Run run) {
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()));
    }
}
