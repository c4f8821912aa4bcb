package io.freshet.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.freshet.testkit.LocalPostgres;

/**
 * The tables {@code bench snapshot} reads: the 8-column one of mixed types it always had, and a
 * wide one of 22 columns (numerics, texts, instants, jsonb, uuids, arrays), each filled in
 * PostgreSQL with values derived from the row number.
 */
enum SnapshotBenchTable {

    NARROW("bench", "bigint, int, numeric(12,2), text, boolean, date, timestamptz, uuid",
            "CREATE TABLE bench (id bigint PRIMARY KEY, quantity int, amount numeric(12,2), note text, active boolean, "
                    + "day date, at timestamptz, ref uuid)",
            "INSERT INTO bench SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE ((g * 7919) % 100000)::int END, "
                    + "((g * 31) % 10000000) / 100.0, CASE WHEN g % 17 = 0 THEN NULL ELSE left(md5(g::text), (g % 30)::int) END, g % 3 = 0, "
                    + "date '2020-01-01' + (g % 2000)::int, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second', md5(g::text)::uuid "
                    + "FROM generate_series(1::bigint, {rows}) g"),

    WIDE("bench_wide", "22 columns: bigint, int, smallint, 3 numeric, real, double, boolean, 3 text, date, 3 timestamptz, timestamp, "
            + "jsonb, 2 uuid, int[], text[]",
            "CREATE TABLE bench_wide (id bigint PRIMARY KEY, qty int, flags smallint, price numeric(12,2), rate numeric(18,6), "
                    + "total numeric, ratio real, score double precision, active boolean, name text, city varchar(64), note text, "
                    + "day date, created timestamptz, updated timestamptz, shipped timestamptz, local_at timestamp, attrs jsonb, "
                    + "ref uuid, parent uuid, tags_n int[], tags text[])",
            "INSERT INTO bench_wide SELECT g, (g * 7919 % 100000)::int, (g % 300)::smallint, (g * 31 % 10000000) / 100.0, "
                    + "(g * 17 % 1000000000) / 1000000.0, CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 13 % 100000000000) / 1000.0 END, "
                    + "(g % 1000) / 7.0, g / 3.0, g % 2 = 0, 'customer ' || (g % 100000), 'city-' || (g % 500), "
                    + "CASE WHEN g % 5 = 0 THEN NULL ELSE repeat(md5(g::text), 1 + (g % 3)::int) END, date '2020-01-01' + (g % 2000)::int, "
                    + "timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second', timestamptz '2021-01-01 00:00:00+00' + g * interval '2 second', "
                    + "CASE WHEN g % 4 = 0 THEN NULL ELSE timestamptz '2022-01-01 00:00:00+00' + g * interval '3 second' END, "
                    + "timestamp '2020-01-01 00:00:00' + g * interval '1 second', "
                    + "jsonb_build_object('k', g % 100, 'tag', 'v' || (g % 7), 'ok', g % 2 = 0), md5(g::text)::uuid, "
                    + "md5((g + 1)::text)::uuid, ARRAY[(g % 10)::int, (g % 100)::int, (g % 1000)::int], ARRAY['a' || (g % 3), 'b' || (g % 5)] "
                    + "FROM generate_series(1::bigint, {rows}) g");

    final String name;
    final String columns;
    private final String create;
    private final String insert;

    SnapshotBenchTable(String name, String columns, String create, String insert) {
        this.name = name;
        this.columns = columns;
        this.create = create;
        this.insert = insert;
    }

    /** Creates and fills the table with {@code rows} rows, then vacuums it (hint bits set, visibility map, statistics). */
    void fill(LocalPostgres pg, long rows) {
        pg.execute(create);
        pg.execute(insert.replace("{rows}", Long.toString(rows)));
        pg.execute("VACUUM ANALYZE " + name);
    }

    /** The table's size with its indexes, as PostgreSQL prints it. */
    String size(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_size_pretty(pg_total_relation_size('" + name + "'))")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
