package io.freshet.core.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.freshet.core.model.Connection;
import io.freshet.core.yaml.Diagnostics;
import io.freshet.core.yaml.MapReader;
import io.freshet.core.yaml.Values;
import io.freshet.core.yaml.YNode;

/**
 * Reads {@code connections:} (in a sources file, or a file of its own): each PostgreSQL
 * connection's name and the schemas outputs may be loaded into. Credentials never go here: the
 * name resolves to them at run time (Secrets Manager deployed, {@code FRESHET_PG_<NAME>_*} locally).
 */
final class ConnectionParser {

    static final Pattern CONNECTION_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private final Diagnostics out;

    ConnectionParser(Diagnostics out) {
        this.out = out;
    }

    List<Connection> connections(YNode node) {
        List<Connection> connections = new ArrayList<>();
        Optional<MapReader> all = MapReader.of(node, "'connections'", out);
        if (all.isEmpty()) {
            return connections;
        }
        for (YNode.Entry e : all.get().entries()) {
            String name = e.key().value();
            all.get().get(name); // every key is a connection name
            if (!CONNECTION_NAME.matcher(name).matches()) {
                out.error(e.key().pos(), "connection name '" + name
                        + "' must be lower-case letters, digits, '_' or '-': it names a secret, credentials never go in YAML");
                continue;
            }
            MapReader.of(e.value(), "connection '" + name + "'", out).ifPresent(r -> {
                String description = r.string("description").orElse("");
                List<String> schemas = new ArrayList<>();
                for (YNode item : r.list("allowed_schemas")) {
                    Values.string(item, "a schema", out).ifPresent(s -> {
                        if (!PostgresOutputParser.IDENTIFIER.matcher(s).matches()) {
                            out.error(item.pos(), "schema '" + s + "' must be a plain lower-case identifier (letters, digits, '_')");
                        } else {
                            schemas.add(s);
                        }
                    });
                }
                r.finish();
                connections.add(new Connection(name, description, schemas, e.key().pos()));
            });
        }
        all.get().finish();
        return connections;
    }
}
