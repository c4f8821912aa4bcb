package io.freshet.core.model;

import java.util.List;

import io.freshet.core.yaml.SourcePos;

/**
 * A PostgreSQL connection declared under {@code connections:}: its name (resolved to credentials
 * at run time, never written in YAML) and the schemas Freshet may write tables into, so a typo in
 * an output's table cannot land rows in a schema the dashboards' owners never opened.
 *
 * @param allowedSchemas the schemas outputs may be loaded into; empty: none (the connection is read only)
 */
public record Connection(String name, String description, List<String> allowedSchemas, SourcePos pos) {

    public Connection {
        allowedSchemas = List.copyOf(allowedSchemas);
    }
}
