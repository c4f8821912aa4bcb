package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.Parity.Canon.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.engine.snapshot.Parity.Col;

/**
 * Enum columns travel as codes of a DuckDB ENUM of the same labels ({@link EnumLabels}) and are
 * written as their labels: they must read back as PostgreSQL holds them whatever the labels' order
 * and number, in arrays, with NULLs, and the files must say what a string column says (type,
 * statistics of the values present).
 */
class EnumColumnsTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @TempDir
    Path work;

    @Test
    void enumsReadBackAsTheirLabelsWhateverTheirOrderAndNumber() throws Exception {
        // 'packed' is added before 'shipped': its sort order is not its position of creation;
        // 300 labels need two-byte codes; 'nothing' has no label at all, so its column is read as text.
        DB.pg().execute("""
                CREATE TYPE status AS ENUM ('new', 'paid', 'shipped', '', 'très "bien"');
                ALTER TYPE status ADD VALUE 'packed' BEFORE 'shipped';
                """);
        StringBuilder many = new StringBuilder("CREATE TYPE many AS ENUM (");
        for (int i = 0; i < 300; i++) {
            many.append(i == 0 ? "" : ", ").append("'label ").append(i).append('\'');
        }
        DB.pg().execute(many.append(");\nCREATE TYPE nothing AS ENUM ();").toString());
        DB.pg().execute("""
                CREATE TABLE orders AS SELECT g AS id,
                  CASE WHEN g % 13 = 0 THEN NULL ELSE (enum_range(NULL::status))[1 + g % 6] END AS status,
                  CASE WHEN g % 17 = 0 THEN NULL ELSE ARRAY[(enum_range(NULL::status))[1 + g % 6], NULL, 'new'::status] END AS history,
                  (enum_range(NULL::many))[1 + g % 300] AS many,
                  ARRAY[(enum_range(NULL::many))[1 + g % 300], (enum_range(NULL::many))[300 - g % 300]] AS manies,
                  NULL::nothing AS nothing
                FROM generate_series(1, 12000) g
                """);
        try (Connection c = DB.pg().connect()) {
            List<PgColumn> columns = new PgCatalog(c).columns(new PgCatalog(c).relation("public", "orders").orElseThrow());
            assertEquals(List.of("new", "paid", "packed", "shipped", "", "très \"bien\""), columns.get(1).labels().labels());
            assertEquals(List.of(Kind.ENUM, Kind.ARRAY, Kind.ENUM, Kind.ARRAY, Kind.TEXT), columns.stream().skip(1).map(PgColumn::kind).toList());
            assertEquals(List.of(1, 2), List.of(columns.get(1).width(), columns.get(3).width()));
        }
        List<Col> cols = List.of(Col.of("status", TEXT), Col.arrayOf("history", TEXT), Col.of("many", TEXT), Col.arrayOf("manies", TEXT),
                Col.of("nothing", TEXT));
        Parity.assertSnapshotReadsBack(DB.pg(), "orders", 12000, cols);

        // two writers at once (the table's rows are wide enough for both), each making its COPY's types
        TableSnapshot t = new PostgresSnapshot().snapshot(DB.info(), List.of(TableRequest.full("public", "orders", "raw.orders")), work,
                new SnapshotSettings("256MB", 2, work.resolve("spill"), 2)).tables().get(0);
        Parity.assertSameRows(DB.pg(), "orders", null, t.parquetFiles(), "id", cols);
    }

    /**
     * What a reader sees of an enum column is a string column: UTF-8 bytes, dictionary encoded,
     * its bounds those of the labels present (the lake's tables check a partition column's bounds),
     * not of every label the enum has.
     */
    @Test
    void theFileHoldsStringsWithTheBoundsOfTheValuesPresent() throws Exception {
        DB.pg().execute("""
                CREATE TYPE stage AS ENUM ('a-first', 'm-middle', 'n-next', 'z-last');
                CREATE TABLE stages AS SELECT g AS id, CASE WHEN g % 2 = 0 THEN 'n-next' ELSE 'm-middle' END::stage AS stage
                FROM generate_series(1, 1000) g;
                """);
        TableSnapshot t = DB.snapshot(work, "stages");
        Path file = t.parquetFiles().get(0);
        assertEquals("VARCHAR", Parity.parquetTypes(file).get("stage"));
        Map<String, String> stats = new LinkedHashMap<>();
        try (Connection d = Parity.duck(); Statement s = d.createStatement();
             ResultSet rs = s.executeQuery("SELECT type, stats_min_value, stats_max_value, encodings FROM parquet_metadata("
                     + Sql.quoteLiteral(file.toString()) + ") WHERE path_in_schema = 'stage'")) {
            while (rs.next()) {
                stats.put("type", rs.getString(1));
                stats.put("min", rs.getString(2));
                stats.put("max", rs.getString(3));
                stats.put("encodings", rs.getString(4));
            }
        }
        assertEquals(Map.of("type", "BYTE_ARRAY", "min", "m-middle", "max", "n-next", "encodings", "RLE_DICTIONARY"), stats);
    }
}
