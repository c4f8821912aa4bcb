package io.freshet.publisher.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A PostgreSQL table as the catalog describes it: its columns' types ({@code format_type}), whether
 * each is NOT NULL without a default, and its unique indexes; and whether an output's columns can
 * be loaded into it ({@link #requireAccepts}).
 */
record PgTable(String name, Map<String, PgTable.Column> columns, List<Set<String>> uniqueKeys) {

    /** A column of the table. */
    record Column(String type, boolean requiredWithoutDefault) {
    }

    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull AND NOT a.atthasdef AND a.attidentity = ''
              FROM pg_attribute a
             WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";
    private static final String UNIQUE_KEYS = """
            SELECT array_agg(a.attname::text)
              FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
             WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
             GROUP BY i.indexrelid""";

    /** The table {@code schema.table}, if it exists. */
    static Optional<PgTable> find(Connection c, String schema, String table) throws SQLException {
        String regclass = Sql.ident(schema) + "." + Sql.ident(table);
        Map<String, Column> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new Column(rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<Set<String>> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(UNIQUE_KEYS)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new TreeSet<>(List.of((String[]) rs.getArray(1).getArray())));
                }
            }
        }
        return Optional.of(new PgTable(schema + "." + table, columns, keys));
    }

    /**
     * Fails, naming the column, unless every output column is a column of the table of an accepting
     * type, every column the output lacks may be left NULL, and (for a merge) the key is unique.
     */
    void requireAccepts(List<LoadColumn> output, List<String> mergeKey) {
        Set<String> written = new TreeSet<>();
        for (LoadColumn col : output) {
            written.add(col.name());
            Column have = columns.get(col.name());
            if (have == null) {
                throw new IncompatibleTableException(name, col.name(), "the output has this column (" + col.ddl()
                        + ") and the table does not; add it to the table (ALTER TABLE ... ADD COLUMN) or drop it from the output");
            }
            if (!accepts(have.type(), col.ddl())) {
                throw new IncompatibleTableException(name, col.name(), "the table's type " + have.type()
                        + " cannot hold the output's " + col.ddl());
            }
        }
        columns.forEach((column, c) -> {
            if (!written.contains(column) && c.requiredWithoutDefault()) {
                throw new IncompatibleTableException(name, column, "the column is NOT NULL without a default and the output does not have it");
            }
        });
        if (!mergeKey.isEmpty() && !uniqueKeys.contains(new TreeSet<>(mergeKey))) {
            throw new IncompatibleTableException(name, String.join(", ", mergeKey), "merge needs a unique index or primary key on exactly ("
                    + String.join(", ", mergeKey) + ") for ON CONFLICT, and the table has none");
        }
    }

    /** Whether a column of type {@code table} holds every value of {@code output} unchanged (an assignment cast, no loss). */
    static boolean accepts(String table, String output) {
        if (table.equals(output)) {
            return true;
        }
        if (output.endsWith("[]") || table.endsWith("[]")) {
            return false;
        }
        return switch (output) {
            case "smallint" -> Set.of("integer", "bigint", "numeric").contains(table);
            case "integer" -> Set.of("bigint", "numeric").contains(table);
            case "bigint" -> table.equals("numeric");
            case "real" -> table.equals("double precision");
            case "text" -> table.equals("character varying");
            default -> output.startsWith("numeric(") && widerNumeric(table, output);
        };
    }

    /** numeric(p,s) into numeric, or numeric(P,s) with as many integer digits or more. */
    private static boolean widerNumeric(String table, String output) {
        if (table.equals("numeric")) {
            return true;
        }
        if (!table.startsWith("numeric(")) {
            return false;
        }
        int[] have = precisionScale(table);
        int[] want = precisionScale(output);
        return have[1] == want[1] && have[0] - have[1] >= want[0] - want[1];
    }

    private static int[] precisionScale(String numeric) {
        String[] ps = numeric.substring("numeric(".length(), numeric.length() - 1).split(",");
        return new int[] {Integer.parseInt(ps[0].trim()), Integer.parseInt(ps[1].trim())};
    }
}
