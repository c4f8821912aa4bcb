package io.freshet.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.duckdb.DuckDBDriver;

/**
 * Each column of a Parquet file as DuckDB reads it back ({@code DESCRIBE}), so that {@code bench
 * snapshot} can say where Freshet's file and the scanner's are not the same kind of output: a
 * ratio of their rates compares exact decimal text with a DOUBLE, or PostgreSQL's interval text
 * with Parquet's INTERVAL, and the reader of the figures should see that beside them.
 */
final class ParquetColumnTypes {

    private ParquetColumnTypes() {
    }

    /** Column name to DuckDB's type name for it, in the file's order. */
    static Map<String, String> of(Path file) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + SnapshotBenchTable.literal(file.toString()) + ")")) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return types;
    }

    /**
     * The columns the two files type differently, {@code "name Freshet's type / DuckDB's type"}, in
     * Freshet's order; a column only one of them has is named with "none" for the other.
     */
    static List<String> differences(Map<String, String> freshet, Map<String, String> duckdb) {
        List<String> out = new ArrayList<>();
        freshet.forEach((name, type) -> {
            String theirs = duckdb.getOrDefault(name, "none");
            if (!type.equals(theirs)) {
                out.add(name + " " + type + " / " + theirs);
            }
        });
        duckdb.keySet().stream().filter(name -> !freshet.containsKey(name)).forEach(name -> out.add(name + " none / " + duckdb.get(name)));
        return out;
    }
}
