package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import io.freshet.testkit.LocalPostgres;

/**
 * Compares a table in PostgreSQL with its Parquet snapshot, value by value. Each side computes the
 * same canonical form in its own SQL (days since 1970, microseconds since 1970 for instants,
 * lower-case hex for bytes, element lists for arrays) and floating-point values are compared bit
 * for bit in Java, so a difference in any value, NULL or type shows up with its row and column.
 */
final class Parity {

    /** How a column's values are made comparable. */
    enum Canon {
        TEXT, DECIMAL, FLOAT, DATE, INSTANT, TIME, BYTEA,
        /** char(n): as selected (blank-padded); a cast to text would strip the padding. */
        CHAR
    }

    /**
     * A column to compare: its canon (for arrays the elements'), and its dimensions (0 for a scalar).
     * An array of several dimensions is compared by its elements in row-major order; its shape is
     * the caller's to check.
     */
    record Col(String name, Canon canon, int dimensions) {
        static Col of(String name, Canon canon) {
            return new Col(name, canon, 0);
        }

        static Col arrayOf(String name, Canon canon) {
            return new Col(name, canon, 1);
        }

        static Col nestedOf(String name, Canon canon, int dimensions) {
            return new Col(name, canon, dimensions);
        }

        boolean array() {
            return dimensions > 0;
        }
    }

    private Parity() {
    }

    /**
     * Snapshots {@code public.<table>} on one connection, into a directory deleted after, and
     * asserts that its {@code rows} rows read back from Parquet as PostgreSQL holds them (by {@code id}).
     */
    static void assertSnapshotReadsBack(LocalPostgres pg, String table, int rows, List<Col> cols) throws Exception {
        Path work = Files.createTempDirectory("freshet-" + table);
        try {
            PgConnectionInfo info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
            TableSnapshot t = new PostgresSnapshot().snapshot(info, List.of(TableRequest.full("public", table, "raw." + table)), work,
                    new SnapshotSettings("64MB", 1, work.resolve("spill"), 1)).tables().get(0);
            assertEquals(rows, t.rows());
            assertSameRows(pg, table, null, t.parquetFiles().get(0), "id", cols);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** What {@link #withStringsThroughTheDriver} runs. */
    interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with long strings sent through the driver's call ({@link ChunkStrings#THROUGH_DRIVER}). */
    static void withStringsThroughTheDriver(Body body) throws Exception {
        System.setProperty(ChunkStrings.THROUGH_DRIVER, "true");
        try {
            body.run();
        } finally {
            System.clearProperty(ChunkStrings.THROUGH_DRIVER);
        }
    }

    static Connection duck() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    /** Asserts that {@code parquet} holds exactly the rows of {@code table} (optionally filtered), ordered by {@code key}. */
    static void assertSameRows(LocalPostgres pg, String table, String where, Path parquet, String key, List<Col> cols) throws SQLException {
        assertSameRows(pg, table, where, List.of(parquet), key, cols);
    }

    /** As above, over all the files of a snapshot together. */
    static void assertSameRows(LocalPostgres pg, String table, String where, List<Path> parquet, String key, List<Col> cols) throws SQLException {
        List<List<Object>> expected;
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            String sql = "SELECT " + cols.stream().map(Parity::pgExpr).collect(Collectors.joining(", ")) + " FROM " + table
                    + " AS src" + (where == null ? "" : " WHERE " + where) + " ORDER BY src." + Sql.quoteIdent(key);
            expected = fetch(s, sql, cols);
        }
        List<List<Object>> actual;
        try (Connection d = duck(); Statement s = d.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            String sql = "SELECT " + cols.stream().map(Parity::duckExpr).collect(Collectors.joining(", ")) + " FROM read_parquet("
                    + files(parquet) + ") AS src ORDER BY src." + Sql.quoteIdent(key);
            actual = fetch(s, sql, cols);
        }
        assertEquals(expected.size(), actual.size(), table + ": row count");
        for (int r = 0; r < expected.size(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                Object e = expected.get(r).get(c);
                Object a = actual.get(r).get(c);
                if (!Objects.equals(e, a)) {
                    fail(table + " row " + (r + 1) + " (ordered by " + key + "), column " + cols.get(c).name() + ": PostgreSQL " + show(e)
                            + ", Parquet " + show(a));
                }
            }
        }
    }

    /** The files as a DuckDB list literal, for read_parquet and parquet_metadata. */
    static String files(List<Path> parquet) {
        return parquet.stream().map(p -> Sql.quoteLiteral(p.toString())).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Column name -> DuckDB type, as read back from the Parquet file. */
    static Map<String, String> parquetTypes(Path parquet) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Connection d = duck(); Statement s = d.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + Sql.quoteLiteral(parquet.toString()) + ")")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }

    private static String show(Object v) {
        return v == null ? "NULL" : v instanceof String s ? "'" + s + "'" : v.toString();
    }

    private static List<List<Object>> fetch(Statement s, String sql, List<Col> cols) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < cols.size(); i++) {
                    Col col = cols.get(i);
                    if (col.array()) {
                        Array array = rs.getArray(i + 1);
                        if (array == null) {
                            row.add(null);
                        } else {
                            List<Object> elements = new ArrayList<>();
                            for (Object e : (Object[]) array.getArray()) {
                                elements.add(normalize(col.canon(), e));
                            }
                            row.add(elements);
                        }
                    } else {
                        row.add(normalize(col.canon(), rs.getObject(i + 1)));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object normalize(Canon canon, Object v) {
        if (v == null) {
            return null;
        }
        if (canon == Canon.FLOAT) {
            return "bits:" + Long.toHexString(Double.doubleToRawLongBits(((Number) v).doubleValue()));
        }
        String s = v.toString();
        if (canon == Canon.DECIMAL) { // DuckDB writes DECIMAL(18,18) 0.5 as .5
            if (s.startsWith(".")) {
                s = "0" + s;
            } else if (s.startsWith("-.")) {
                s = "-0" + s.substring(1);
            }
        }
        return s;
    }

    private static String pgExpr(Col col) {
        String c = Sql.quoteIdent(col.name());
        if (!col.array()) {
            return pgScalar(col.canon(), c);
        }
        return "CASE WHEN " + c + " IS NULL THEN NULL ELSE ARRAY(SELECT " + pgScalar(col.canon(), "x") + " FROM unnest(" + c
                + ") WITH ORDINALITY AS u(x, i) ORDER BY i) END";
    }

    private static String pgScalar(Canon canon, String e) {
        return switch (canon) {
            case TEXT, DECIMAL -> "(" + e + ")::text";
            case CHAR -> e;
            case FLOAT -> "(" + e + ")::float8";
            case DATE -> "CASE WHEN isfinite(" + e + ") THEN (" + e + " - DATE '1970-01-01')::text ELSE (" + e + ")::text END";
            case INSTANT -> "CASE WHEN isfinite(" + e + ") THEN (extract(epoch FROM " + e + ") * 1000000)::bigint::text ELSE (" + e + ")::text END";
            case TIME -> "(extract(epoch FROM " + e + ") * 1000000)::bigint::text";
            case BYTEA -> "encode(" + e + ", 'hex')";
        };
    }

    private static String duckExpr(Col col) {
        String c = Sql.quoteIdent(col.name());
        if (!col.array()) {
            return duckScalar(col.canon(), c);
        }
        String elements = c;
        for (int d = 1; d < col.dimensions(); d++) {
            elements = "flatten(" + elements + ")"; // PostgreSQL's unnest flattens every dimension, row-major
        }
        return "list_transform(" + elements + ", lambda x: " + duckScalar(col.canon(), "x") + ")";
    }

    private static String duckScalar(Canon canon, String e) {
        return switch (canon) {
            case TEXT, DECIMAL, CHAR -> "CAST(" + e + " AS VARCHAR)";
            case FLOAT -> "CAST(" + e + " AS DOUBLE)";
            case DATE -> "CASE WHEN isfinite(" + e + ") THEN CAST(" + e + " - DATE '1970-01-01' AS VARCHAR) ELSE CAST(" + e + " AS VARCHAR) END";
            case INSTANT -> "CASE WHEN isfinite(" + e + ") THEN CAST(epoch_us(" + e + ") AS VARCHAR) ELSE CAST(" + e + " AS VARCHAR) END";
            case TIME -> "CAST((hour(" + e + ") * 60 + minute(" + e + ")) * CAST(60000000 AS BIGINT) + microsecond(" + e + ") AS VARCHAR)";
            case BYTEA -> "lower(hex(" + e + "))";
        };
    }
}
