package io.freshet.engine.snapshot;

/**
 * Quoting for the SQL Freshet builds, for PostgreSQL and DuckDB alike (both follow the standard):
 * every identifier goes through {@link #quoteIdent}, every literal through {@link #quoteLiteral}.
 * Nothing a user or a catalog supplies is ever concatenated into SQL any other way.
 */
final class Sql {

    private Sql() {
    }

    /** {@code Tap "Log"} -> {@code "Tap ""Log"""}. */
    static String quoteIdent(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * A standard string literal ({@code it's} -> {@code 'it''s'}). Backslashes are ordinary
     * characters in it: PostgreSQL sessions are checked for {@code standard_conforming_strings = on}
     * before one is used, and DuckDB always reads them so.
     */
    static String quoteLiteral(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains a NUL character");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }
}
