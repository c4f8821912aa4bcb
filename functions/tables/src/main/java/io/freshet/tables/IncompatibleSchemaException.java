package io.freshet.tables;

import io.freshet.core.error.PermanentException;

/**
 * A run's output cannot be committed to its table as it is: a column the table has is missing from
 * the output, changed to a type the table cannot be evolved to, or the partition column is absent.
 * Thrown before anything is committed; the same SQL would fail the same way, so the run fails for
 * good, naming the column ({@link #column()}, also in {@link #context()}).
 */
public final class IncompatibleSchemaException extends PermanentException {

    private final String column;

    public IncompatibleSchemaException(String table, String column, String message) {
        super("table " + table + ", column " + column + ": " + message);
        this.column = column;
        with("table", table);
        with("column", column);
    }

    /** The column at fault. */
    public String column() {
        return column;
    }
}
