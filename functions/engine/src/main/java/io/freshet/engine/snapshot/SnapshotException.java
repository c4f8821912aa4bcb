package io.freshet.engine.snapshot;

import java.util.Optional;

/**
 * A snapshot failed. Names the table ({@code "schema"."table"}) when one table is the reason, and
 * carries the cause (a PostgreSQL or DuckDB error, a value that cannot be represented). Never
 * contains the connection's password.
 */
public sealed class SnapshotException extends RuntimeException permits TableLockedException {

    private final String table;

    public SnapshotException(String table, String message, Throwable cause) {
        super(table == null ? message : table + ": " + message, cause);
        this.table = table;
    }

    public SnapshotException(String table, String message) {
        this(table, message, null);
    }

    /** The table concerned, as {@code "schema"."table"}; empty when the snapshot as a whole failed (e.g. no connection). */
    public Optional<String> table() {
        return Optional.ofNullable(table);
    }
}
