package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.DAY;
import static io.freshet.publisher.PublisherWorld.RIDES;
import static io.freshet.publisher.PublisherWorld.STATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()));

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
}
