package io.freshet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.util.PSQLException;

import io.freshet.cli.operate.OperateException;

/**
 * A table {@code bench snapshot} reads: the 8-column one of mixed types it always had, a wide one
 * of 22 columns (numerics, texts, instants, jsonb, uuids, arrays), a table of the columns a user
 * names ({@code --columns}, filled by {@link GeneratedColumns}), or a table a user's SQL file made
 * ({@code --sql}). The first three are filled in PostgreSQL with values derived from the row number.
 *
 * @param schema  the table's schema
 * @param name    the table's name
 * @param columns what its columns are, as printed
 * @param create  its CREATE TABLE, or {@code null} for a table that exists already
 * @param insert  the INSERT that fills it from {@code generate_series(1, {rows}) g}, or {@code null}
 *                to derive one from the created table's columns ({@link GeneratedColumns})
 */
record SnapshotBenchTable(String schema, String name, String columns, String create, String insert) {

    static final SnapshotBenchTable NARROW = new SnapshotBenchTable("public", "bench", "bigint, int, numeric(12,2), text, boolean, date, timestamptz, uuid",
            "CREATE TABLE bench (id bigint PRIMARY KEY, quantity int, amount numeric(12,2), note text, active boolean, "
                    + "day date, at timestamptz, ref uuid)",
            "INSERT INTO bench SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE ((g * 7919) % 100000)::int END, "
                    + "((g * 31) % 10000000) / 100.0, CASE WHEN g % 17 = 0 THEN NULL ELSE left(md5(g::text), (g % 30)::int) END, g % 3 = 0, "
                    + "date '2020-01-01' + (g % 2000)::int, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second', md5(g::text)::uuid "
                    + "FROM generate_series(1::bigint, {rows}) g");

    static final SnapshotBenchTable WIDE = new SnapshotBenchTable("public", "bench_wide",
            "22 columns: bigint, int, smallint, 3 numeric, real, double, boolean, 3 text, date, 3 timestamptz, timestamp, "
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

    /** The name of the table made from {@code --columns}. */
    static final String GENERATED = "bench_columns";

    /**
     * A table of {@code id bigint PRIMARY KEY} and the columns {@code spec} lists (see
     * {@link GeneratedColumns#definitions}), filled from the row number.
     */
    static SnapshotBenchTable generated(String spec) {
        List<String> definitions = GeneratedColumns.definitions(spec);
        return new SnapshotBenchTable("public", GENERATED, (definitions.size() + 1) + " columns: bigint, " + spec.strip(),
                "CREATE TABLE " + GENERATED + " (id bigint PRIMARY KEY, " + String.join(", ", definitions) + ")", null);
    }

    /** A table that exists already (made by the user's SQL, or in a user's database), described from the catalog. */
    private static SnapshotBenchTable existing(BenchDatabase pg, String schema, String name) throws Exception {
        List<GeneratedColumns.Column> columns = GeneratedColumns.columns(pg, quoted(schema) + "." + quoted(name));
        List<String> types = new ArrayList<>();
        for (GeneratedColumns.Column c : columns) {
            types.add(c.type() + "[]".repeat(Math.max(0, c.dimensions() - 1))); // format_type writes int[][] as integer[]
        }
        return new SnapshotBenchTable(schema, name, GeneratedColumns.describe(types), null, null);
    }

    /**
     * Creates and fills the table with {@code rows} rows, then vacuums it (hint bits set, visibility
     * map, statistics); a table that exists already is left as it is, only vacuumed when the
     * embedded server holds it (a user's server is only read).
     */
    void fill(BenchDatabase pg, long rows) throws Exception {
        if (create != null) {
            createWithExtensions(pg);
            String sql = insert != null ? insert : GeneratedColumns.insert(sqlName(), GeneratedColumns.columns(pg, sqlName()));
            try {
                pg.execute(sql.replace("{rows}", Long.toString(rows)));
            } catch (RuntimeException e) {
                // The user's input (--columns) and what to do about it: the message alone, no stack trace.
                throw new OperateException("filling " + name + " failed (" + e.getMessage() + "); a type the generator does not know "
                        + "is cast from a number's text: give such a table with --sql FILE instead");
            }
        }
        if (create != null || pg.isEmbedded()) {
            pg.execute("VACUUM ANALYZE " + sqlName());
        }
    }

    private static final Pattern MISSING_TYPE = Pattern.compile("type \"([^\"]+)\" does not exist");

    /**
     * Runs the CREATE TABLE, installing first the extension of each type it names that the server
     * ships but has not installed ({@code --columns "citext, hstore"}): a type of that extension's
     * name, as citext, hstore, ltree, cube and seg are.
     */
    private void createWithExtensions(BenchDatabase pg) throws Exception {
        Set<String> installed = new HashSet<>();
        while (true) {
            try {
                pg.execute(create);
                return;
            } catch (RuntimeException e) {
                Matcher missing = MISSING_TYPE.matcher(String.valueOf(e.getMessage()));
                if (!missing.find() || !installed.add(missing.group(1)) || !extensionAvailable(pg, missing.group(1))) {
                    throw e;
                }
                pg.execute("CREATE EXTENSION " + quoted(missing.group(1)));
            }
        }
    }

    private static boolean extensionAvailable(BenchDatabase pg, String name) throws Exception {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_available_extensions WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Runs a user's SQL file ({@code --sql}) statement by statement, as psql runs it. Its mistakes
     * are the user's: said with the file and the line and column of the character PostgreSQL points
     * at (else of the failed statement's start), without a stack trace.
     */
    static void runUserSql(BenchDatabase pg, Path file) throws IOException {
        String sql = Files.readString(file);
        try {
            pg.executeScript(SqlScript.split(sql));
        } catch (SqlScript.MetaCommandException e) {
            throw new OperateException(file + place(sql, e.offset) + ": " + e.getMessage());
        } catch (BenchDatabase.ScriptException e) {
            // PostgreSQL points at a character of the statement, or at nothing (a run-time error): then the statement's start
            String where = "";
            if (e.statement != null) {
                int position = e.getCause() instanceof PSQLException p && p.getServerErrorMessage() != null
                        ? p.getServerErrorMessage().getPosition() : 0;
                where = place(sql, e.statement.offset() + Math.max(0, position - 1));
            }
            String message = String.valueOf(e.getMessage());
            throw new OperateException(file + where + ": " + message.lines().findFirst().orElse(message));
        }
    }

    /** {@code :LINE:COLUMN} of the character at {@code offset} (both from 1). */
    private static String place(String text, int offset) {
        int at = Math.min(offset, text.length());
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        return ":" + (text.substring(0, at).chars().filter(ch -> ch == '\n').count() + 1) + ":" + (at - lineStart + 1);
    }

    /**
     * The relations a user's SQL made, oldest first, as {@code schema.name} (quoted where SQL
     * needs it): tables (plain and partitioned; partitions are read through their table) and
     * materialized views, in every schema but the system's, leaving out what an extension owns.
     */
    static List<String> madeTables(BenchDatabase pg) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
                     + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition "
                     + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
                     + "AND n.nspname NOT LIKE 'pg\\_temp%' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
                     + "AND d.objid = c.oid AND d.deptype = 'e') ORDER BY c.oid")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * The relation {@code given} names, described from the catalog. Read first as it is written
     * ({@code Odd Names}, {@code sales.Order Lines}: a table, or schema.table, in public when no
     * schema is given), then as SQL reads a name ({@code "Sales Data"."Order Lines"}, or
     * {@code Orders} folded to {@code orders}), so that both the catalog's spelling and the one a
     * user would type in psql find it. Nothing found is the user's mistake, said with what is there.
     */
    static SnapshotBenchTable named(BenchDatabase pg, String given) throws Exception {
        int dot = given.indexOf('.');
        String[] exact = dot < 0 ? new String[] {"public", given} : new String[] {given.substring(0, dot), given.substring(dot + 1)};
        if (!given.contains("\"") && exists(pg, exact[0], exact[1])) {
            return existing(pg, exact[0], exact[1]);
        }
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, given);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return existing(pg, rs.getString(1), rs.getString(2));
                }
            } catch (SQLException notAName) {
                // not a name SQL can read ("a.b.c.d", an unclosed quote): not found, said below
            }
        }
        List<String> there = madeTables(pg);
        throw new OperateException("no table " + given + " on " + pg.describe() + ": name it as table or schema.table, as the catalog "
                + "spells it or quoted as in SQL (\"Sales Data\".\"Order Lines\"); " + (there.isEmpty() ? "it has no tables"
                : "its tables: " + String.join(", ", there.subList(0, Math.min(20, there.size()))) + (there.size() > 20 ? ", ..." : "")));
    }

    private static boolean exists(BenchDatabase pg, String schema, String name) throws Exception {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The table's name as an SQL identifier, quoted: any name a user's SQL gave it ({@code "Odd Names"}) reads as itself. */
    String sqlName() {
        return quoted(schema) + "." + quoted(name);
    }

    /** The table as printed: its name, and its schema when that is not public. */
    String label() {
        return "public".equals(schema) ? name : schema + "." + name;
    }

    static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code text} as an SQL string literal. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Its rows, counted. */
    long rows(BenchDatabase pg) throws Exception {
        return queryLong(pg, "SELECT count(*) FROM " + sqlName());
    }

    /** The table's size with its indexes (a partitioned table's, its partitions'), as PostgreSQL prints it. */
    String size(BenchDatabase pg) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_size_pretty(coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree("
                     + literal(sqlName()) + ")), pg_total_relation_size(" + literal(sqlName()) + ")))")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long queryLong(BenchDatabase pg, String sql) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
