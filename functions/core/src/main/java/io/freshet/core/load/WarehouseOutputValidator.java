package io.freshet.core.load;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.freshet.core.model.Connection;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.PostgresOutput;
import io.freshet.core.yaml.DidYouMean;
import io.freshet.core.yaml.Diagnostics;

/**
 * The checks of outputs loaded into PostgreSQL that need the whole project: each connection is
 * declared once under {@code connections:}, an output names a declared connection and a table in
 * one of its {@code allowed_schemas}, and no two outputs load the same table (each would replace
 * the other's rows). Key columns against the output's columns are checked at publication, before
 * any write, where the columns are known.
 */
final class WarehouseOutputValidator {

    private final List<Pipeline> pipelines;
    private final Diagnostics out;
    private final Map<String, Connection> connections = new LinkedHashMap<>();

    WarehouseOutputValidator(List<Connection> declared, List<Pipeline> pipelines, Diagnostics out) {
        this.pipelines = pipelines;
        this.out = out;
        for (Connection c : declared) {
            Connection first = connections.putIfAbsent(c.name(), c);
            if (first != null) {
                out.error(c.pos(), "connection '" + c.name() + "' is declared twice (first at " + first.pos() + ")");
            }
        }
    }

    void validate() {
        Map<String, String> loadedBy = new HashMap<>();
        for (Pipeline p : pipelines) {
            for (Output o : p.outputs()) {
                o.postgres().ifPresent(pg -> {
                    check(o.asset(), pg);
                    String target = pg.connection() + "/" + pg.qualifiedName();
                    String first = loadedBy.putIfAbsent(target, o.asset());
                    if (first != null) {
                        out.error(pg.tablePos(), "table " + pg.qualifiedName() + " of connection '" + pg.connection()
                                + "' is already loaded by output '" + first + "': each output needs a table of its own");
                    }
                });
            }
        }
    }

    private void check(String asset, PostgresOutput pg) {
        Connection c = connections.get(pg.connection());
        if (c == null) {
            out.error(pg.connectionPos(), "output '" + asset + "' is loaded into connection '" + pg.connection()
                    + "', which is not declared under 'connections:'" + DidYouMean.hint(pg.connection(), connections.keySet())
                    + (connections.isEmpty() ? "; declare it with the schemas it may write, e.g. connections: { "
                    + pg.connection() + ": { allowed_schemas: [" + pg.schema() + "] } }" : ""));
            return;
        }
        if (!c.allowedSchemas().contains(pg.schema())) {
            out.error(pg.tablePos(), "table " + pg.qualifiedName() + " is outside the schemas connection '" + c.name()
                    + "' allows (" + (c.allowedSchemas().isEmpty() ? "none" : String.join(", ", c.allowedSchemas()))
                    + "); add '" + pg.schema() + "' to its allowed_schemas at " + c.pos() + " or load into an allowed schema");
        }
    }
}
