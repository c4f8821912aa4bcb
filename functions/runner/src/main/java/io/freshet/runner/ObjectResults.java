package io.freshet.runner;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.freshet.core.error.PermanentException;
import io.freshet.engine.sql.DuckSession;

/**
 * The union of a {@code for_each} step's per-object results into its output table: every result
 * must have the first one's columns, names and types in order (a union by position of different
 * schemas would shift values between columns), and a mismatch names the object.
 */
final class ObjectResults {

    private ObjectResults() {
    }

    static long union(DuckSession duck, String output, List<ObjectTask.Outcome.Done> results) {
        List<String> first = schema(duck, results.get(0).result());
        for (ObjectTask.Outcome.Done r : results.subList(1, results.size())) {
            List<String> columns = schema(duck, r.result());
            if (!columns.equals(first)) {
                throw new SchemaMismatchException("for_each into " + output + ": the result of " + r.object().uri() + " has columns " + columns
                        + ", but the result of " + results.get(0).object().uri() + " has " + first + "; every object's result must have the same columns");
            }
        }
        return duck.loadTable(output, results.stream().map(ObjectTask.Outcome.Done::result).toList());
    }

    /** The result's columns as {@code name TYPE}, in order. */
    private static List<String> schema(DuckSession duck, Path parquet) {
        List<String> out = new ArrayList<>();
        String file = parquet.toAbsolutePath().toString().replace("'", "''");
        try (Statement s = duck.connection().createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (rs.next()) {
                out.add(rs.getString("column_name") + " " + rs.getString("column_type"));
            }
            return out;
        } catch (SQLException e) {
            throw new SchemaMismatchException("reading the schema of a for_each result " + parquet + ": " + e.getMessage());
        }
    }

    /** Results of one step that cannot be one table. */
    static final class SchemaMismatchException extends PermanentException {
        SchemaMismatchException(String message) {
            super(message);
        }
    }
}
