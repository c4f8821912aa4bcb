package io.freshet.core.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.freshet.core.model.PgQueryText;
import io.freshet.core.model.PostgresConnections;
import io.freshet.core.model.PostgresRead;
import io.freshet.core.model.Source;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.yaml.YNode;

/**
 * Reads a PostgreSQL source's {@code postgres:} mapping: a connection, and optionally the one
 * table ({@code table}, {@code schema}) or query ({@code query}) that SQL steps read as a view.
 */
final class PostgresSourceParser {

    private static final Pattern CONNECTION_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    /** PostgreSQL truncates identifiers past NAMEDATALEN - 1 bytes; a longer name would silently read another relation. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    private final Diagnostics out;

    PostgresSourceParser(Diagnostics out) {
        this.out = out;
    }

    Optional<Source> parse(String name, String description, YNode node, SourcePos pos) {
        Optional<MapReader> m = MapReader.of(node, "'postgres' of source '" + name + "'", out);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        MapReader pg = m.get();
        Optional<String> connection = pg.requiredString("connection");
        connection.ifPresent(v -> {
            if (!CONNECTION_NAME.matcher(v).matches()) {
                out.error(pg.keyPos("connection"), "connection name '" + v
                        + "' must be lower-case letters, digits, '_' or '-': it names a secret, credentials never go in YAML");
            }
        });
        int maxConnections = pg.integer("max_connections", 1, PostgresConnections.LIMIT).map(Long::intValue)
                .orElse(PostgresConnections.DEFAULT_MAX);
        boolean ok = true;
        Optional<PostgresRead> read = Optional.empty();
        if (pg.has("table") && pg.has("query")) {
            out.error(pg.keyPos("query"), "source '" + name + "' names both a 'table' and a 'query'; a source reads one of them");
            ok = false;
        } else if (pg.has("query")) {
            read = query(pg);
            ok = read.isPresent();
        } else if (pg.has("table")) {
            read = table(pg);
            ok = read.isPresent();
        } else if (pg.has("schema")) {
            out.error(pg.keyPos("schema"), "'schema' goes with 'table'; a source without 'table' or 'query' is a connection for snapshot steps");
            ok = false;
        }
        pg.get("table");
        pg.get("schema");
        pg.get("query");
        pg.finish();
        if (connection.isEmpty() || !ok) {
            return Optional.empty();
        }
        return Optional.of(new Source.Postgres(name, description, connection.get(), read, maxConnections, pos));
    }

    private Optional<PostgresRead> table(MapReader pg) {
        Optional<String> table = pg.requiredString("table");
        Optional<String> schema = pg.string("schema");
        if (table.isEmpty()) {
            return Optional.empty();
        }
        String written = table.get();
        String schemaName = schema.orElse("public");
        String tableName = written;
        int dot = written.indexOf('.');
        if (schema.isEmpty() && dot >= 0) {
            if (written.indexOf('.', dot + 1) >= 0) {
                out.error(pg.keyPos("table"), "malformed table name '" + written + "': more than one '.'; write 'schema.table', or give 'schema'"
                        + " separately when the table's own name holds a dot");
                return Optional.empty();
            }
            schemaName = written.substring(0, dot);
            tableName = written.substring(dot + 1);
        }
        Optional<String> problem = identifierProblem("schema", schemaName);
        if (problem.isEmpty()) {
            problem = identifierProblem("table", tableName);
        }
        if (problem.isPresent()) {
            out.error(pg.keyPos("table"), "malformed table name '" + written + "': " + problem.get());
            return Optional.empty();
        }
        return Optional.of(new PostgresRead.Table(schemaName, tableName, pg.keyPos("table")));
    }

    /** The names are exact catalog names: quotes would be part of the name, and PostgreSQL would truncate a long one. */
    private static Optional<String> identifierProblem(String what, String name) {
        if (name.isEmpty()) {
            return Optional.of("the " + what + " name is empty");
        }
        if (name.indexOf('"') >= 0) {
            return Optional.of("write the " + what + " name as the catalog stores it, without quotes (\"Tap Log\" is Tap Log)");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("the " + what + " name holds a control character");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
            return Optional.of("the " + what + " name is longer than PostgreSQL's 63 bytes");
        }
        return Optional.empty();
    }

    private Optional<PostgresRead> query(MapReader pg) {
        if (pg.has("schema")) {
            out.error(pg.keyPos("schema"), "'schema' goes with 'table'; a query names its tables itself");
        }
        Optional<YNode> node = pg.required("query");
        Optional<String> sql = pg.requiredString("query");
        if (sql.isEmpty() || node.isEmpty()) {
            return Optional.empty();
        }
        YNode.Scalar scalar = (YNode.Scalar) node.get();
        if (sql.get().isBlank()) {
            out.error(scalar.pos(), "'query' is empty");
            return Optional.empty();
        }
        PgQueryText.Scan scan = PgQueryText.scan(sql.get());
        boolean ok = true;
        if (scan.problem().isPresent()) {
            out.error(scalar.posAt(scan.problem().get().offset()), scan.problem().get().message());
            ok = false;
        }
        Set<String> names = new LinkedHashSet<>();
        for (PgQueryText.Placeholder p : scan.placeholders()) {
            if (!RunVariables.NAMES.contains(p.name())) {
                out.error(scalar.posAt(p.offset()), "unknown placeholder '{" + p.name() + "}'" + DidYouMean.hint(p.name(), RunVariables.NAMES)
                        + "; a query may use " + placeholderList());
                ok = false;
            }
            names.add(p.name());
        }
        return ok ? Optional.of(new PostgresRead.Query(sql.get(), new ArrayList<>(names), scalar.pos())) : Optional.empty();
    }

    static String placeholderList() {
        return String.join(", ", RunVariables.NAMES.stream().map(n -> "{" + n + "}").toList());
    }

    static List<String> partitionPlaceholders() {
        return List.of(RunVariables.PARTITION, RunVariables.PARTITION_START, RunVariables.PARTITION_END);
    }
}
