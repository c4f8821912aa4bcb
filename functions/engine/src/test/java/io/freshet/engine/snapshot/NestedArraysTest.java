package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.Parity.Canon.BYTEA;
import static io.freshet.engine.snapshot.Parity.Canon.DECIMAL;
import static io.freshet.engine.snapshot.Parity.Canon.INSTANT;
import static io.freshet.engine.snapshot.Parity.Canon.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.engine.snapshot.Parity.Col;

/**
 * Arrays of several dimensions become LISTs nested as deep as the column's declared dimensions:
 * every element in its place (row-major, NULLs kept), every shape kept, across batches, and an
 * array whose dimensions are not its column's refused with the column named.
 */
class NestedArraysTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @TempDir
    Path work;

    private TableSnapshot snapshot(String table) {
        return DB.snapshot(work, table);
    }

    /** A matrix of {@code rows} x {@code cols} for row g, built by PostgreSQL from arrays of arrays; NULL elements where {@code nullWhen}. */
    private static String matrix(String element, String rows, String cols, String nullWhen) {
        return "ARRAY(SELECT ARRAY(SELECT CASE WHEN " + nullWhen + " THEN NULL ELSE " + element + " END FROM generate_series(1, " + cols
                + ") j) FROM generate_series(1, " + rows + ") i)";
    }

    @Test
    void arraysOfSeveralDimensionsBecomeNestedListsExactly() throws Exception {
        DB.pg().execute("CREATE DOMAIN grid AS int[][]; "
                + "CREATE TABLE matrices (id int PRIMARY KEY, m int[][], t text[][], n numeric(6,2)[][][], u uuid[][], b bytea[][], "
                + "ts timestamptz[][], dg grid); "
                + "INSERT INTO matrices SELECT g, "
                + "CASE WHEN g % 11 = 0 THEN NULL WHEN g % 13 = 0 THEN '{}' ELSE "
                + matrix("g * i + j", "1 + g % 3", "1 + g % 4", "(g + i + j) % 5 = 0") + " END, "
                + matrix("md5((g * i + j)::text)", "1 + g % 2", "2", "(g + i) % 7 = 0") + ", "
                + "ARRAY(SELECT " + matrix("(g * i + j + k) / 100.0", "2", "1 + g % 2", "false") + " FROM generate_series(1, 2) k), "
                + matrix("md5((g + i + j)::text)::uuid", "2", "1 + g % 3", "false") + ", "
                + matrix("decode(md5((g + j)::text), 'hex')", "1", "1 + g % 2", "j = 2 AND g % 3 = 0") + ", "
                + matrix("timestamptz '2026-01-01 00:00:00+00' + (g * i * j) * interval '1 second'", "1 + g % 2", "1 + g % 2", "false") + ", "
                + matrix("g + i + j", "2", "2", "false") + "::grid "
                + "FROM generate_series(1, 6000) g; "
                // lower bounds other than 1, and one matrix of 300,000 elements between ordinary rows
                + "INSERT INTO matrices (id, m) VALUES (6001, '[0:1][2:3]={{1,2},{3,4}}'); "
                + "INSERT INTO matrices (id, m) SELECT 6002, " + matrix("i * 1000 + j", "600", "500", "false") + "; "
                + "INSERT INTO matrices (id, m) VALUES (6003, '{{5}}')");
        TableSnapshot t = snapshot("matrices");
        assertEquals(6003, t.rows());
        Path file = t.parquetFiles().get(0);
        assertEquals(Map.of("id", "INTEGER", "m", "INTEGER[][]", "t", "VARCHAR[][]", "n", "DECIMAL(6,2)[][][]", "u", "UUID[][]",
                "b", "BLOB[][]", "ts", "TIMESTAMP WITH TIME ZONE[][]", "dg", "INTEGER[][]"), Parity.parquetTypes(file));
        Parity.assertSameRows(DB.pg(), "matrices", null, t.parquetFiles(), "id", List.of(Col.of("id", TEXT), Col.nestedOf("m", TEXT, 2),
                Col.nestedOf("t", TEXT, 2), Col.nestedOf("n", DECIMAL, 3), Col.nestedOf("u", TEXT, 2), Col.nestedOf("b", BYTEA, 2),
                Col.nestedOf("ts", INSTANT, 2), Col.nestedOf("dg", TEXT, 2)));
        Map<String, Integer> dimensions = new LinkedHashMap<>(Map.of("m", 2, "t", 2, "n", 3, "u", 2, "b", 2, "ts", 2, "dg", 2));
        for (Map.Entry<String, Integer> column : dimensions.entrySet()) {
            assertEquals(pgShapes(column.getKey(), column.getValue()), parquetShapes(t.parquetFiles(), column.getKey(), column.getValue()),
                    "shapes of " + column.getKey());
        }
    }

    /** Each row's shape ("2x3"), ordered by id; NULL for a NULL or empty array. */
    private static List<String> pgShapes(String column, int dimensions) throws SQLException {
        List<String> lengths = new ArrayList<>();
        for (int d = 1; d <= dimensions; d++) {
            lengths.add("array_length(" + column + ", " + d + ")::text");
        }
        try (Connection c = DB.pg().connect(); Statement s = c.createStatement()) {
            return strings(s, "SELECT " + String.join(" || 'x' || ", lengths) + " FROM matrices ORDER BY id");
        }
    }

    private static List<String> parquetShapes(List<Path> files, String column, int dimensions) throws SQLException {
        List<String> lengths = new ArrayList<>();
        String level = column;
        for (int d = 1; d <= dimensions; d++) {
            lengths.add("CAST(len(" + level + ") AS VARCHAR)");
            level = level + "[1]";
        }
        String from = files.stream().map(p -> Sql.quoteLiteral(p.toString())).toList().toString();
        try (Connection d = Parity.duck(); Statement s = d.createStatement()) {
            return strings(s, "SELECT CASE WHEN len(" + column + ") = 0 THEN NULL ELSE " + String.join(" || 'x' || ", lengths)
                    + " END FROM read_parquet(" + from + ") ORDER BY id");
        }
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /**
     * Found by the test above: an array more than twice the elements' buffer grew it to exactly its
     * length, not to whole words of the NULL mask, so small arrays after it in the same batch were
     * written past the end of the values.
     */
    @Test
    void smallArraysAfterAVeryLargeOneInTheSameBatch() throws Exception {
        DB.pg().execute("CREATE TABLE big_then_small (id int, v int[]); "
                + "INSERT INTO big_then_small SELECT 1, array_agg(k) FROM generate_series(1, 300001) k; "
                + "INSERT INTO big_then_small SELECT g, ARRAY[g, NULL, -g] FROM generate_series(2, 200) g");
        TableSnapshot t = snapshot("big_then_small");
        assertEquals(200, t.rows());
        Parity.assertSameRows(DB.pg(), "big_then_small", null, t.parquetFiles(), "id", List.of(Col.of("id", TEXT), Col.arrayOf("v", TEXT)));
    }

    @Test
    void anArrayOfOtherDimensionsThanItsColumnFailsNamingTheColumn() {
        DB.pg().execute("CREATE TABLE flat_then_matrix (id int, m int[]); INSERT INTO flat_then_matrix VALUES (1, '{1,2}'), (2, '{{1,2},{3,4}}')");
        SnapshotException e = assertThrows(SnapshotException.class, () -> snapshot("flat_then_matrix"));
        assertTrue(e.getMessage().contains("\"m\"") && e.getMessage().contains("2-dimensional") && e.getMessage().contains("integer[]"),
                e.getMessage());
    }

    /** A view's columns declare no dimensions; cast to a domain that does, its arrays are nested again. */
    @Test
    void aViewReadsMatricesThroughADomainOfTheirDimensions() throws Exception {
        DB.pg().execute("CREATE DOMAIN int_grid AS int[][]; CREATE TABLE boards (id int, cells int[][]); "
                + "INSERT INTO boards SELECT g, ARRAY[[g, g + 1], [NULL, g * 2]] FROM generate_series(1, 50) g; "
                + "CREATE VIEW boards_as_is AS SELECT id, cells FROM boards; "
                + "CREATE VIEW boards_typed AS SELECT id, cells::int_grid AS cells FROM boards");
        SnapshotException e = assertThrows(SnapshotException.class, () -> snapshot("boards_as_is"));
        assertTrue(e.getMessage().contains("\"cells\"") && e.getMessage().contains("CREATE DOMAIN"), e.getMessage());
        TableSnapshot t = snapshot("boards_typed");
        assertEquals("INTEGER[][]", Parity.parquetTypes(t.parquetFiles().get(0)).get("cells"));
        Parity.assertSameRows(DB.pg(), "boards_typed", null, t.parquetFiles(), "id", List.of(Col.of("id", TEXT), Col.nestedOf("cells", TEXT, 2)));

        // A query input's result describes a domain by its base type: no dimensions reach the reader, text does.
        assertThrows(SnapshotException.class, () -> query("SELECT id, cells::int_grid AS cells FROM boards", "raw.boards_domain"));
        TableSnapshot text = query("SELECT id, cells::text AS cells FROM boards", "raw.boards_text");
        assertEquals("VARCHAR", Parity.parquetTypes(text.parquetFiles().get(0)).get("cells"));
    }

    private TableSnapshot query(String sql, String output) {
        return new PostgresInputs().read(DB.info(), List.of(new PostgresInputs.Query(sql, Map.of(), output)), "UTC", work.resolve(output),
                SnapshotSettings.defaults(work), ParquetFileListener.NONE).table(output);
    }

    @Test
    void aTableMadeByCreateTableAsReadsItsArraysAsOneDimensional() throws Exception {
        // CREATE TABLE AS declares no dimensions (attndims 0): one-dimensional values read as before
        DB.pg().execute("CREATE TABLE copied AS SELECT g AS id, ARRAY[g, g + 1] AS pair FROM generate_series(1, 10) g");
        TableSnapshot t = snapshot("copied");
        assertEquals("INTEGER[]", Parity.parquetTypes(t.parquetFiles().get(0)).get("pair"));
        Parity.assertSameRows(DB.pg(), "copied", null, t.parquetFiles(), "id", List.of(Col.of("id", TEXT), Col.arrayOf("pair", TEXT)));
    }
}
