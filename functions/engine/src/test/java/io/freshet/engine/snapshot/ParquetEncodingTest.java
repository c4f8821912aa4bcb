package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** How a snapshot's Parquet is encoded, read back from the files' own metadata by DuckDB. */
class ParquetEncodingTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @TempDir
    Path work;

    @BeforeAll
    static void tables() {
        DB.pg().execute(TypeMappingTest.EVERY_TYPE);
    }

    @Test
    void parquetIsZstdCompressed() throws Exception {
        TableSnapshot t = DB.snapshot(work, "every_type");
        try (Connection d = Parity.duck(); Statement s = d.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT compression FROM parquet_metadata("
                     + Sql.quoteLiteral(t.parquetFiles().get(0).toString()) + ")")) {
            assertTrue(rs.next());
            assertEquals("ZSTD", rs.getString(1));
            assertTrue(!rs.next(), "every column chunk is zstd");
        }
    }

    @Test
    void rowGroupsHoldAtMostAQuarterOfDuckDbsDefaultRows() throws Exception {
        DB.pg().execute("CREATE TABLE many_rows AS SELECT g AS id, g % 7 AS day FROM generate_series(1, 100000) g");
        TableSnapshot t = DB.snapshot(work, "many_rows");
        long rows = 0;
        int groups = 0;
        try (Connection d = Parity.duck(); Statement s = d.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM parquet_metadata("
                     + Parity.files(t.parquetFiles()) + ")")) {
            while (rs.next()) {
                assertTrue(rs.getLong(3) <= DuckDbParquet.ROW_GROUP_ROWS, "a row group of " + rs.getLong(3) + " rows");
                rows += rs.getLong(3);
                groups++;
            }
        }
        assertEquals(100_000, rows);
        assertTrue(groups >= 4, "100,000 rows in row groups of at most 30,720: " + groups);
    }

    @Test
    void onlyColumnsOfFewDistinctValuesAreDictionaryEncoded() throws Exception {
        DB.pg().execute("CREATE TABLE cardinalities AS SELECT g AS id, 'city-' || (g % 12) AS city, g % 1000 AS code, g % 5000 AS account "
                + "FROM generate_series(1, 150000) g"); // in every row group of 30,720 rows: 12, 1,000 and 5,000 distinct
        TableSnapshot t = DB.snapshot(work, "cardinalities");
        Map<String, Boolean> dictionary = new LinkedHashMap<>();
        try (Connection d = Parity.duck(); Statement s = d.createStatement();
             // full row groups only: with two writers, a file may end in a short one, whose few keys do keep a dictionary
             ResultSet rs = s.executeQuery("SELECT path_in_schema, bool_or(dictionary_page_offset IS NOT NULL) FROM parquet_metadata("
                     + Parity.files(t.parquetFiles()) + ") WHERE row_group_num_rows = " + DuckDbParquet.ROW_GROUP_ROWS
                     + " GROUP BY path_in_schema ORDER BY min(column_id)")) {
            while (rs.next()) {
                dictionary.put(rs.getString(1), rs.getBoolean(2));
            }
        }
        // DuckDB alone would keep a dictionary for the 5,000 accounts too (DuckDbParquet.DICTIONARY_LIMIT).
        assertEquals(Map.of("id", false, "city", true, "code", true, "account", false), dictionary,
                "12 and 1,000 distinct values keep a dictionary; 5,000 accounts and 150,000 keys are written plain");
    }
}
