package io.freshet.publisher.warehouse;

import java.util.List;
import java.util.stream.Collectors;

/** Identifiers quoted for PostgreSQL's SQL: the loader builds its statements from column names. */
final class Sql {

    private Sql() {
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String idents(List<String> names) {
        return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }
}
