package io.freshet.engine.sql;

/** SQL identifiers and literals, always quoted: names come from YAML and catalogs, never concatenated raw. */
public final class Identifiers {

    private Identifiers() {
    }

    /** {@code "name"}, with embedded quotes doubled. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** An asset {@code layer.name} as the quoted DuckDB name {@code "layer"."name"}. */
    public static String asset(String asset) {
        int dot = asset.indexOf('.');
        return quote(asset.substring(0, dot)) + "." + quote(asset.substring(dot + 1));
    }

    /** {@code 'text'}, with embedded quotes doubled. */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
