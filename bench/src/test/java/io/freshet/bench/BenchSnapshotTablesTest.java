package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.cli.operate.OperateException;
import io.freshet.testkit.LocalPostgres;
import picocli.CommandLine;

/** The tables {@code bench snapshot} can be pointed at besides its own two: named types, or a user's SQL. */
class BenchSnapshotTablesTest {

    static final String EVERY_TYPE = "smallint*2, int, bigint, numeric, numeric(12,2), numeric(5,5), numeric(40,10), real, float8, bool, text, "
            + "varchar(10), char(3), \"char\", name, date, timestamp(3), timestamptz, time, timetz, interval, interval day to second, uuid, "
            + "json, jsonb, bytea, inet, cidr, macaddr, money, bit(8), varbit, int[], text[], numeric(12,2)[], timestamptz[], uuid[], bytea[], "
            + "interval[], jsonb[], int[][], text[][][], macaddr8, oid, xid, pg_lsn, tsvector, tsquery, xml, jsonpath, point, line, lseg, box, path, "
            + "polygon, circle, int4range, int8range, numrange, daterange, tsrange, tstzrange, int4multirange, tstzmultirange, citext, hstore";

    @Test
    void typesBecomeNumberedColumnsRepeatedAsAsked() {
        assertEquals(List.of("c1 int", "c2 int", "c3 int", "c4 numeric(12,2)", "c5 timestamptz[]", "c6 double precision"),
                GeneratedColumns.definitions("int*3, numeric(12,2), timestamptz[] ,double precision"));
        assertThrows(IllegalArgumentException.class, () -> GeneratedColumns.definitions(" "));
        assertThrows(IllegalArgumentException.class, () -> GeneratedColumns.definitions("int, , text"));
        assertThrows(IllegalArgumentException.class, () -> GeneratedColumns.definitions("int*0"));
    }

    /**
     * Every type the generator knows fills its column with values that vary from row to row, and
     * NULLs, in a real PostgreSQL; an extension's type (citext, hstore) has its extension installed first.
     */
    @Test
    void everyKnownTypeIsFilledWithVariedValuesAndNulls() throws Exception {
        try (BenchDatabase pg = BenchDatabase.embedded()) {
            SnapshotBenchTable table = SnapshotBenchTable.generated(EVERY_TYPE);
            table.fill(pg, 500);
            assertEquals(500, table.rows(pg));
            List<GeneratedColumns.Column> columns = GeneratedColumns.columns(pg, table.sqlName());
            assertEquals(69, columns.size(), columns.toString());
            assertEquals(List.of(2, 3), columns.stream().filter(c -> c.dimensions() > 1).map(GeneratedColumns.Column::dimensions).toList());
            for (GeneratedColumns.Column c : columns.subList(1, columns.size())) {
                String q = "\"" + c.name() + "\"";
                long distinct = queryLong(pg, "SELECT count(DISTINCT " + q + "::text) FROM " + table.sqlName());
                long nulls = queryLong(pg, "SELECT count(*) FROM " + table.sqlName() + " WHERE " + q + " IS NULL");
                long least = c.type().equals("boolean") ? 2 : 20;
                assertTrue(distinct >= least, c + ": " + distinct + " distinct values");
                assertTrue(nulls > 0 && nulls < 100, c + ": " + nulls + " NULLs");
            }
        }
    }

    /** Columns that refuse NULL (the serial types, a type written with NOT NULL) are filled without one; the others still get theirs. */
    @Test
    void notNullColumnsGetNoNulls() throws Exception {
        try (BenchDatabase pg = BenchDatabase.embedded()) {
            SnapshotBenchTable table = SnapshotBenchTable.generated("serial, bigserial, smallserial, int not null, text");
            table.fill(pg, 300);
            for (int i = 1; i <= 5; i++) {
                long nulls = queryLong(pg, "SELECT count(*) FROM " + table.sqlName() + " WHERE c" + i + " IS NULL");
                long distinct = queryLong(pg, "SELECT count(DISTINCT c" + i + ") FROM " + table.sqlName());
                assertTrue(i == 5 ? nulls > 0 : nulls == 0, "c" + i + ": " + nulls + " NULLs");
                assertTrue(distinct >= 20, "c" + i + ": " + distinct + " distinct values");
            }
        }
    }

    /** A user's SQL makes the tables; --table picks which are measured, and their rows are counted, not assumed. */
    @Test
    void tablesOfAUsersSqlAreMeasuredAsMade(@TempDir Path dir) throws Exception {
        Path sql = dir.resolve("tables.sql");
        Files.writeString(sql, """
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE DOMAIN positive AS int CHECK (VALUE > 0);
                CREATE TABLE orders (id bigint PRIMARY KEY, m mood, p positive, note text);
                INSERT INTO orders SELECT g, (ARRAY['sad','ok','happy']::mood[])[1 + g % 3], 1 + g % 50, 'n' || g FROM generate_series(1, 3210) g;
                CREATE TABLE ignored (id int);
                CREATE TABLE "Odd Names" ("Order Date" date, "select" int, "Weird""Quote" text);
                INSERT INTO "Odd Names" SELECT date '2026-01-01' + g % 50, g, 'q"' || g FROM generate_series(1, 1500) g;
                CREATE TABLE empty_one (id int);
                """);
        String out = measured("--sql", sql.toString(), "--table", "orders", "--table", "Odd Names", "--table", "empty_one");
        assertTrue(out.contains("table orders       3,210 rows (4 columns: bigint, mood, positive, text)"), out);
        assertTrue(out.contains("Freshet / parallel COPY"), out);
        // the embedded server's CPU is measured (ServerCpu); a table this small takes too little of it for a figure per row
        assertEquals(2, out.lines().filter(l -> l.startsWith("round 1") && l.contains("  server CPU d ")).count(), out);
        assertEquals(2, out.lines().filter(l -> l.startsWith("  CPU per row                 not given: ")).count(), out);
        // the decoder alone on each table measured; the writer, the split and the bound only where the CPU is enough to measure (SnapshotProbesTest)
        assertEquals(2, out.lines().filter(l -> l.matches("  decoder alone +\\d+ ns/row .*")).count(), out);
        assertEquals(2, out.lines().filter(l -> l.startsWith("  writer alone                not measured: ")).count(), out);
        assertTrue(!out.contains("at most, with this writer"), "CPU this small is not split: " + out);
        assertTrue(!out.contains("table ignored"), out);
        assertTrue(out.contains("table Odd Names    1,500 rows (3 columns: date, integer, text)"), out);
        assertTrue(out.contains("table empty_one    0 rows (1 column: integer)") && out.contains("  no rows: nothing to measure"), out);
        assertEquals(2, out.lines().filter(l -> l.startsWith("  Freshet / parallel COPY")).count(), out);
    }

    /** A partitioned table (every table of the file, none named) is measured as a whole, its leaves shared out among the connections. */
    @Test
    void aPartitionedTableIsMeasuredWhole(@TempDir Path dir) throws Exception {
        Path sql = dir.resolve("parted.sql");
        Files.writeString(sql, """
                CREATE TABLE readings (id bigint, at date, v double precision) PARTITION BY RANGE (at);
                CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                CREATE TABLE readings_2026 (v double precision, id bigint, at date);
                ALTER TABLE readings ATTACH PARTITION readings_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                INSERT INTO readings SELECT g, date '2025-01-01' + (g % 700), g / 3.0 FROM generate_series(1, 5000) g;
                """);
        String out = measured("--sql", sql.toString());
        assertTrue(out.contains("table readings     5,000 rows (3 columns: bigint, date, double precision)"), out);
        assertTrue(!out.contains("table readings_20"), out);
    }

    /**
     * Views have no pages: the limit reads them whole on one connection, as Freshet does; a
     * materialized view is read in ranges of pages; a table's array columns show their dimensions.
     */
    @Test
    void viewsAndMaterializedViewsAreMeasured(@TempDir Path dir) throws Exception {
        Path sql = dir.resolve("views.sql");
        Files.writeString(sql, """
                CREATE TABLE base (id bigint PRIMARY KEY, v int, note text, grid int[][]);
                INSERT INTO base SELECT g, g % 100, md5(g::text), ARRAY[[g, g + 1], [g + 2, g + 3]] FROM generate_series(1, 4000) g;
                CREATE VIEW half AS SELECT id, v * 2 AS v2, note FROM base WHERE v < 50;
                CREATE MATERIALIZED VIEW per_v AS SELECT v, count(*) AS n, max(note) AS top FROM base GROUP BY v;
                """);
        String out = measured("--sql", sql.toString(), "--table", "half", "--table", "per_v", "--table", "base");
        assertTrue(out.contains("table half         2,000 rows"), out);
        assertTrue(out.contains("table per_v        100 rows"), out);
        assertTrue(out.contains("(4 columns: bigint, integer, text, integer[][])"), out);
        assertEquals(3, out.lines().filter(l -> l.startsWith("  Freshet / parallel COPY")).count(), out);
    }

    /**
     * Without --table, every table and materialized view the file made is measured, in any schema;
     * with it, a name is found as the catalog spells it or as SQL reads it (quoted, or folded to
     * lower case), and a name that finds nothing says what is there.
     */
    @Test
    void tablesInAnySchemaAreFoundAndNamedAsInSql(@TempDir Path dir) throws Exception {
        Path sql = dir.resolve("schemas.sql");
        Files.writeString(sql, """
                CREATE SCHEMA "Sales Data";
                CREATE TABLE "Sales Data"."Order Lines" ("Line ID" bigint PRIMARY KEY, "Qty" int, gone text,
                    total numeric(12,2) GENERATED ALWAYS AS ("Qty" * 1.5) STORED);
                INSERT INTO "Sales Data"."Order Lines" ("Line ID", "Qty", gone) SELECT g, g % 100, 'x' FROM generate_series(1, 2200) g;
                ALTER TABLE "Sales Data"."Order Lines" DROP COLUMN gone;
                CREATE SCHEMA ops;
                CREATE TABLE ops.events (id bigint, kind text);
                INSERT INTO ops.events SELECT g, 'k' || g % 5 FROM generate_series(1, 1300) g;
                CREATE MATERIALIZED VIEW ops.kinds AS SELECT kind, count(*) AS n FROM ops.events GROUP BY kind;
                CREATE VIEW ops.recent AS SELECT * FROM ops.events WHERE id > 1000;
                CREATE EXTENSION hstore;
                """);
        String all = measured("--sql", sql.toString());
        assertTrue(all.contains("table Sales Data.Order Lines 2,200 rows (3 columns: bigint, integer, numeric(12,2))"), all);
        assertTrue(all.contains("table ops.events") && all.contains("1,300 rows") && all.contains("table ops.kinds"), all);
        assertTrue(!all.contains("ops.recent"), "a view is measured only when named: " + all);
        assertEquals(3, all.lines().filter(l -> l.startsWith("  Freshet / parallel COPY")).count(), all);

        String named = measured("--sql", sql.toString(), "--table", "\"Sales Data\".\"Order Lines\"", "--table", "OPS.Events",
                "--table", "Sales Data.Order Lines");
        assertEquals(2, named.lines().filter(l -> l.startsWith("table Sales Data.Order Lines")).count(), named);
        assertTrue(named.contains("table ops.events"), named);

        try (BenchDatabase pg = BenchDatabase.embedded()) {
            pg.execute(Files.readString(sql));
            OperateException e = assertThrows(OperateException.class, () -> SnapshotBenchTable.named(pg, "ops.evnets"));
            assertTrue(e.getMessage().startsWith("no table ops.evnets on "), e.getMessage());
            assertTrue(e.getMessage().endsWith("its tables: \"Sales Data\".\"Order Lines\", ops.events, ops.kinds"), e.getMessage());
            assertThrows(OperateException.class, () -> SnapshotBenchTable.named(pg, "\"unclosed"));
        }
    }

    /**
     * A table Freshet refuses (a 2-dimensional array in a column declared with one: CREATE TABLE AS
     * declares none) is reported with the reason a run would give; the tables after it are still
     * measured, and the exit code says that one was not.
     */
    @Test
    void aRefusedTableDoesNotCostTheOthersTheirFigures(@TempDir Path dir) throws Exception {
        Path sql = dir.resolve("mixed.sql");
        Files.writeString(sql, """
                CREATE TABLE a_grid AS SELECT g::bigint AS id, ARRAY[[g, 1], [2, 3]] AS cells FROM generate_series(1, 2000) g;
                CREATE TABLE b_fine (id bigint PRIMARY KEY, note text);
                INSERT INTO b_fine SELECT g, 'n' || g FROM generate_series(1, 2500) g;
                """);
        String out = measuredExiting(2, "--sql", sql.toString());
        assertTrue(out.contains("(d) Freshet refused a_grid: ") && out.contains("a 2-dimensional array in a column read as 1-dimensional"), out);
        assertTrue(out.contains("table b_fine       2,500 rows"), out);
        assertEquals(1, out.lines().filter(l -> l.startsWith("  Freshet / parallel COPY")).count(), out);
        assertTrue(out.contains("Freshet refused 1 of 2 tables: a_grid"), out);
    }

    /**
     * A column of a type PostgreSQL cannot send in binary (aclitem) made the limit's binary COPY
     * fail and ended the benchmark with a stack trace; the limit now casts such columns to text, as
     * Freshet does, and the table is measured.
     */
    @Test
    void aTypeWithoutBinaryOutputIsMeasuredToo(@TempDir Path dir) throws Exception {
        Path sql = dir.resolve("grants.sql");
        Files.writeString(sql, """
                CREATE TABLE grants (id bigint PRIMARY KEY, acl aclitem[], who name);
                INSERT INTO grants SELECT g, ARRAY['postgres=r/postgres'::aclitem], 'u' || g FROM generate_series(1, 3000) g;
                """);
        String out = measured("--sql", sql.toString());
        assertTrue(out.contains("table grants       3,000 rows"), out);
        assertEquals(1, out.lines().filter(l -> l.startsWith("  Freshet / parallel COPY")).count(), out);
    }

    /**
     * A table the server will not read to anyone (a materialized view made WITH NO DATA) ended the
     * benchmark with a stack trace; it is now named with the server's reason, and the next table is
     * measured.
     */
    @Test
    void aTableTheServerWillNotReadIsNamedWithItsReason(@TempDir Path dir) throws Exception {
        Path sql = dir.resolve("unread.sql");
        Files.writeString(sql, """
                CREATE MATERIALIZED VIEW a_later AS SELECT g AS id FROM generate_series(1, 10) g WITH NO DATA;
                CREATE TABLE b_now (id bigint PRIMARY KEY, note text);
                INSERT INTO b_now SELECT g, 'n' || g FROM generate_series(1, 2500) g;
                """);
        String out = measuredExiting(2, "--sql", sql.toString());
        assertTrue(out.contains("PostgreSQL did not read a_later: ERROR: materialized view \"a_later\" has not been populated"), out);
        assertTrue(out.contains("table b_now        2,500 rows"), out);
        assertTrue(out.contains("PostgreSQL did not read 1 of 2 tables: a_later"), out);
    }

    /** A user's own server (--url): the named tables, in any schema, are measured where they are, and nothing is created there. */
    @Test
    void tablesOfAUsersServerAreMeasuredWhereTheyAre() throws Exception {
        try (LocalPostgres theirs = LocalPostgres.start()) {
            theirs.execute("CREATE SCHEMA sales; CREATE TABLE sales.orders (id bigint, amount numeric(12,2), note text);"
                    + "INSERT INTO sales.orders SELECT g, g / 10.0, 'n' || g FROM generate_series(1, 2500) g");
            String url = "postgresql://" + theirs.user() + ":" + theirs.password() + "@127.0.0.1:" + theirs.port() + "/postgres";
            String out = measured("--url", url, "--table", "sales.orders");
            assertTrue(out.contains("postgres@127.0.0.1:" + theirs.port() + "/postgres") && !out.contains(theirs.password()), out);
            assertTrue(out.contains("table sales.orders 2,500 rows (3 columns: bigint, numeric(12,2), text)"), out);
            try (Connection c = theirs.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT string_agg(table_schema || '.' || table_name, ',') FROM information_schema.tables "
                         + "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")) {
                rs.next();
                assertEquals("sales.orders", rs.getString(1), "nothing created there");
            }
        }
    }

    @Test
    void aUsersServerNeedsTheTablesNamed() {
        String err = refused("--url", "postgresql://u:p@127.0.0.1:1/db", "--no-duckdb");
        assertTrue(err.contains("with --url, name the tables to measure with --table"), err);
    }

    @Test
    void aUsersUrlIsReadAsLibpqReadsIt() {
        BenchDatabase db = BenchDatabase.at("postgresql://ann:p%40ss%3Aw0rd@db.example:6543/warehouse");
        assertEquals("jdbc:postgresql://db.example:6543/warehouse", db.jdbcUrl());
        assertEquals("host='db.example' port=6543 dbname='warehouse' user='ann' password='p@ss:w0rd'", db.libpq());
        assertEquals("jdbc:postgresql://h:5432/postgres", BenchDatabase.at("postgres://h").jdbcUrl());
        assertThrows(IllegalArgumentException.class, () -> BenchDatabase.at("mysql://h/db"));
    }

    /** A type the generator cannot fill from a number's text is the user's to give with --sql: said so, without a stack trace. */
    @Test
    void aTypeTheGeneratorCannotFillSaysWhatToDoInstead() throws Exception {
        try (BenchDatabase pg = BenchDatabase.embedded()) {
            OperateException e = assertThrows(OperateException.class, () -> SnapshotBenchTable.generated("txid_snapshot").fill(pg, 10));
            assertTrue(e.getMessage().startsWith("filling bench_columns failed (SQL failed: ERROR: invalid input syntax for type pg_snapshot"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("give such a table with --sql FILE instead"), e.getMessage());
        }
    }

    /** A mistake in the user's SQL names the file, and the line and column where PostgreSQL points at one, without a stack trace. */
    @Test
    void aMistakeInTheUsersSqlNamesItsPlace(@TempDir Path dir) throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.sql"), "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nCREATE TABLE b (id int,, v text);\n");
        Path bad = Files.writeString(dir.resolve("bad.sql"), "CREATE TABLE r (id int);\nSELECT int4range(5, 2);\n");
        try (BenchDatabase pg = BenchDatabase.embedded()) {
            OperateException e = assertThrows(OperateException.class, () -> SnapshotBenchTable.runUserSql(pg, typo));
            assertEquals(typo + ":3:24: ERROR: syntax error at or near \",\"", e.getMessage());
            e = assertThrows(OperateException.class, () -> SnapshotBenchTable.runUserSql(pg, bad));
            assertEquals(bad + ":2:1: ERROR: range lower bound must be less than or equal to range upper bound", e.getMessage(),
                    "an error without a position is placed at its statement's start");
        }
    }

    /**
     * A file runs statement by statement as psql runs it, so VACUUM and CREATE INDEX CONCURRENTLY,
     * which refuse a transaction block, run; a transaction the file opens holds; function bodies
     * keep their semicolons.
     */
    @Test
    void statementsThatRefuseATransactionBlockRunAsInPsql(@TempDir Path dir) throws Exception {
        Path sql = Files.writeString(dir.resolve("setup.sql"), """
                CREATE TABLE t (id bigint PRIMARY KEY, v text);
                CREATE FUNCTION fill(n int) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO t SELECT g, 'v;' || g FROM generate_series(1, n) g;
                END;
                $$;
                BEGIN;
                SELECT fill(500);
                COMMIT;
                CREATE INDEX CONCURRENTLY t_v ON t (v);
                VACUUM (ANALYZE) t;
                """);
        try (BenchDatabase pg = BenchDatabase.embedded()) {
            SnapshotBenchTable.runUserSql(pg, sql);
            assertEquals(500, queryLong(pg, "SELECT count(*) FROM t WHERE v LIKE 'v;%'"));
            assertEquals(1, queryLong(pg, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_v'"));
            assertEquals(500, queryLong(pg, "SELECT reltuples::bigint FROM pg_class WHERE relname = 't'"), "VACUUM ANALYZE ran");
        }
    }

    @Test
    void columnsAndSqlAreAlternatives(@TempDir Path dir) throws Exception {
        Path sql = Files.writeString(dir.resolve("t.sql"), "CREATE TABLE t (id int);");
        String err = refused("--sql", sql.toString(), "--columns", "int", "--no-duckdb");
        assertTrue(err.contains("--columns and --sql are alternatives"), err);
    }

    /** {@code bench snapshot} with {@code args}, one round on two connections without DuckDB; asserts it succeeded and returns what it printed. */
    private static String measured(String... args) {
        return measuredExiting(0, args);
    }

    /** As {@link #measured}, asserting the exit code {@code exit} (2: a table was not measured). */
    private static String measuredExiting(int exit, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--rounds", "1", "--no-duckdb", "--connections", "2"));
        StringWriter printed = new StringWriter();
        CommandLine cli = new CommandLine(new BenchSnapshot());
        cli.setOut(new PrintWriter(printed, true));
        assertEquals(exit, cli.execute(all.toArray(String[]::new)), printed.toString());
        return printed.toString();
    }

    /** {@code bench snapshot} with {@code args}, refused as a usage error (exit 2); returns what it printed to stderr. */
    private static String refused(String... args) {
        StringWriter printed = new StringWriter();
        CommandLine cli = new CommandLine(new BenchSnapshot());
        cli.setErr(new PrintWriter(printed, true));
        assertEquals(2, cli.execute(args), printed.toString());
        return printed.toString();
    }

    private static long queryLong(BenchDatabase pg, String sql) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
