package io.freshet.engine.sql;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes an output with a dynamic key ({@code partition_by}) as one zstd Parquet file per key
 * value, each holding exactly that value's rows (with the partition column added as
 * {@link DuckSession#writeParquet(String, Path, String, String)} adds it), so that each key's asset
 * event names exactly its own files.
 */
public final class KeyedParquet {

    /** A key value: printable, no path separator (docs/pipelines.md, "Dynamic keys"). */
    private static final Pattern VALUE = Pattern.compile("[^/\\p{Cntrl}]{1,128}");

    /** One key's file: its value, its rows, and the folder name it goes under ({@code line=A}). */
    public record Part(String value, long rows, Path file, String folder) {
    }

    private KeyedParquet() {
    }

    /**
     * Writes {@code output}'s rows per value of {@code keyColumn} into {@code dir}, ordered by value.
     *
     * @param partitionColumn the time partition column and its SQL literal value, added when the result lacks it
     * @throws DynamicKeyException the column is missing or not a string, or a value is NULL or unusable
     */
    public static List<Part> write(DuckSession duck, String output, String keyColumn, Path dir,
                                   Optional<String> partitionColumn, String partitionLiteral) {
        String column = resultColumn(duck, output, keyColumn);
        String key = Identifiers.quote(column);
        long nulls = duck.queryLong("SELECT count(*) FROM " + Identifiers.asset(output) + " WHERE " + key + " IS NULL",
                "counting NULL keys of '" + output + "'");
        if (nulls > 0) {
            throw new DynamicKeyException("output '" + output + "': " + nulls + " row(s) have no value in its key column '" + keyColumn
                    + "' (partition_by); every row needs one");
        }
        boolean addPartition = partitionColumn.isPresent()
                && duck.columns(output).stream().noneMatch(c -> c.equalsIgnoreCase(partitionColumn.get()));
        String select = "SELECT *" + (addPartition ? ", " + partitionLiteral + " AS " + Identifiers.quote(partitionColumn.get()) : "")
                + " FROM " + Identifiers.asset(output);
        List<Part> parts = new ArrayList<>();
        int n = 0;
        for (Group group : groups(duck, output, key)) {
            String value = group.value();
            if (!VALUE.matcher(value).matches()) {
                throw new DynamicKeyException("output '" + output + "': key value '" + value + "' of column '" + keyColumn
                        + "' must be 1 to 128 characters with no '/' and no control character");
            }
            Path file = dir.resolve(output + "-key-" + (n++) + ".parquet");
            duck.execute("COPY (" + select + " WHERE " + key + " = " + Identifiers.literal(value) + ") TO "
                    + Identifiers.literal(file.toAbsolutePath().toString()) + " (FORMAT parquet, COMPRESSION zstd)",
                    "writing key " + keyColumn + "=" + value + " of '" + output + "'");
            parts.add(new Part(value, group.rows(), file, keyColumn + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        }
        return parts;
    }

    /** The result's column of that name (SQL folds unquoted names), which must be a string. */
    private static String resultColumn(DuckSession duck, String output, String keyColumn) {
        List<String> columns = duck.columns(output);
        String column = columns.stream().filter(c -> c.equalsIgnoreCase(keyColumn)).findFirst().orElseThrow(() ->
                new DynamicKeyException("output '" + output + "' has no column '" + keyColumn + "', its dynamic key (partition_by);"
                        + " the result's columns are " + String.join(", ", columns)));
        String type = typeOf(duck, output, column);
        if (!type.toUpperCase(Locale.ROOT).equals("VARCHAR")) {
            throw new DynamicKeyException("output '" + output + "': its key column '" + keyColumn + "' is " + type
                    + ", not a string; cast it in the SQL (" + keyColumn + "::VARCHAR AS " + keyColumn + ")");
        }
        return column;
    }

    private static String typeOf(DuckSession duck, String output, String column) {
        int dot = output.indexOf('.');
        String sql = "SELECT data_type FROM information_schema.columns WHERE table_schema = " + Identifiers.literal(output.substring(0, dot))
                + " AND table_name = " + Identifiers.literal(output.substring(dot + 1)) + " AND column_name = " + Identifiers.literal(column);
        try (Statement s = duck.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "unknown";
        } catch (SQLException e) {
            throw new EngineException("reading the type of '" + output + "'." + column + ": " + e.getMessage(), e);
        }
    }

    /** Each key value and its row count, by value. */
    private record Group(String value, long rows) {
    }

    private static List<Group> groups(DuckSession duck, String output, String key) {
        String sql = "SELECT " + key + ", count(*) FROM " + Identifiers.asset(output) + " GROUP BY 1 ORDER BY 1";
        List<Group> out = new ArrayList<>();
        try (Statement s = duck.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(new Group(rs.getString(1), rs.getLong(2)));
            }
            return out;
        } catch (SQLException e) {
            throw new EngineException("listing the keys of '" + output + "': " + e.getMessage(), e);
        }
    }
}
