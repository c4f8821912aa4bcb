package io.freshet.core.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.freshet.core.model.PostgresOutput;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Reads an output's {@code postgres:} mapping (docs/pipelines.md, "Loading an output into
 * PostgreSQL"): {@code connection}, {@code table} as {@code schema.table}, {@code mode} and, for
 * {@code merge}, {@code key}. What needs the declared connections is checked by
 * {@link WarehouseOutputValidator}.
 */
final class PostgresOutputParser {

    /** A plain lower-case PostgreSQL identifier: written unquoted in SQL and meaning the same quoted. */
    static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Diagnostics out;

    PostgresOutputParser(Diagnostics out) {
        this.out = out;
    }

    Optional<PostgresOutput> parse(YNode node, String asset) {
        Optional<MapReader> m = MapReader.of(node, "'postgres' of output '" + asset + "'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader r = m.get();
        Optional<String> connection = r.requiredString("connection");
        Optional<String[]> table = r.requiredString("table").flatMap(t -> qualifiedTable(t, r));
        Optional<PostgresOutput.Mode> mode = r.get("mode").map(this::mode).orElse(Optional.of(PostgresOutput.Mode.REPLACE_PARTITION));
        List<String> key = key(r);
        if (mode.isPresent() && mode.get() == PostgresOutput.Mode.MERGE && !r.has("key")) {
            out.error(r.keyPos("mode"), "output '" + asset + "' is loaded with mode merge, which needs 'key': the columns that identify a row");
        }
        if (mode.isPresent() && mode.get() == PostgresOutput.Mode.REPLACE_PARTITION && r.has("key")) {
            out.error(r.keyPos("key"), "'key' applies to mode merge; replace_partition replaces the run's partition by the partition column");
        }
        r.finish();
        if (connection.isEmpty() || table.isEmpty() || mode.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PostgresOutput(connection.get(), table.get()[0], table.get()[1], mode.get(), key,
                r.keyPos("connection"), r.keyPos("table"), node.pos()));
    }

    private Optional<String[]> qualifiedTable(String table, MapReader r) {
        String[] parts = table.split("\\.", -1);
        if (parts.length != 2 || !IDENTIFIER.matcher(parts[0]).matches() || !IDENTIFIER.matcher(parts[1]).matches()) {
            out.error(r.keyPos("table"), "'table' must be schema.table in plain lower-case identifiers (letters, digits, '_'), got '"
                    + table + "'");
            return Optional.empty();
        }
        return Optional.of(parts);
    }

    private Optional<PostgresOutput.Mode> mode(YNode node) {
        Optional<String> v = Values.string(node, "'mode'", out);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        for (PostgresOutput.Mode mode : PostgresOutput.Mode.values()) {
            if (mode.yamlName().equals(v.get())) {
                return Optional.of(mode);
            }
        }
        out.error(node.pos(), "'mode' must be replace_partition or merge, got '" + v.get() + "'");
        return Optional.empty();
    }

    private List<String> key(MapReader r) {
        List<String> key = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YNode item : r.list("key")) {
            Values.string(item, "a key column", out).ifPresent(column -> {
                if (!IDENTIFIER.matcher(column).matches()) {
                    out.error(item.pos(), "key column '" + column + "' must be a plain lower-case identifier (letters, digits, '_')");
                } else if (!seen.add(column)) {
                    out.error(item.pos(), "key column '" + column + "' is listed twice");
                } else {
                    key.add(column);
                }
            });
        }
        if (r.has("key") && key.isEmpty() && seen.isEmpty()) {
            out.error(r.keyPos("key"), "'key' is empty: name the columns that identify a row");
        }
        return key;
    }
}
