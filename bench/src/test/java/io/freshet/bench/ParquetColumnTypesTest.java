package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The columns two Parquet files type differently, read back by DuckDB from files DuckDB wrote. */
class ParquetColumnTypesTest {

    @TempDir
    Path dir;

    @Test
    void namesEachColumnTypedDifferentlyAndEachColumnOnlyOneFileHas() throws Exception {
        Path text = write("SELECT 1 AS id, '1.50' AS amount, INTERVAL 1 DAY AS span, 'x' AS only_here");
        Path typed = write("SELECT 1 AS id, 1.5::DOUBLE AS amount, INTERVAL 1 DAY AS span, 2::BIGINT AS only_there");
        Map<String, String> textTypes = ParquetColumnTypes.of(text);
        assertEquals(Map.of("id", "INTEGER", "amount", "VARCHAR", "span", "INTERVAL", "only_here", "VARCHAR"), textTypes);
        assertEquals(List.of("amount VARCHAR / DOUBLE", "only_here VARCHAR / none", "only_there none / BIGINT"),
                ParquetColumnTypes.differences(textTypes, ParquetColumnTypes.of(typed)));
        assertEquals(List.of(), ParquetColumnTypes.differences(textTypes, textTypes));
    }

    private Path write(String select) throws Exception {
        Path file = dir.resolve(Integer.toHexString(select.hashCode()) + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
        }
        return file;
    }
}
