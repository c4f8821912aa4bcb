package io.freshet.engine.snapshot;

import java.util.Optional;

import io.freshet.core.error.AdapterException;
import io.freshet.core.error.Failures;

/**
 * A snapshot failed. Names the table ({@code "schema"."table"}) when one table is the reason, and
 * carries the cause (a PostgreSQL or DuckDB error, a value that cannot be represented). Never
 * contains the connection's password. Without a cause it is permanent (a missing table, a schema
 * that changed); with one, the cause decides (PostgreSQL's SQL state, a dropped connection).
 */
public sealed class SnapshotException extends AdapterException permits TableLockedException {

    private final String table;

    public SnapshotException(String table, String message, Throwable cause) {
        this(cause == null ? Kind.PERMANENT : Failures.kindOf(cause), table, message, cause);
    }

    SnapshotException(Kind kind, String table, String message, Throwable cause) {
        super(kind, table == null ? message : table + ": " + message, cause);
        this.table = table;
        with("table", table);
    }

    public SnapshotException(String table, String message) {
        this(table, message, null);
    }

    /** The table concerned, as {@code "schema"."table"}; empty when the snapshot as a whole failed (e.g. no connection). */
    public Optional<String> table() {
        return Optional.ofNullable(table);
    }
}
