package io.freshet.publisher.warehouse;

import io.freshet.core.error.PermanentException;

/**
 * An output cannot be loaded into its PostgreSQL table as it is (a column the table lacks or holds
 * with another type, a merge key that is not unique there, a Parquet type with no PostgreSQL
 * counterpart). Found before anything is written; the run fails naming table and column.
 */
public final class IncompatibleTableException extends PermanentException {

    public IncompatibleTableException(String table, String column, String problem) {
        super("PostgreSQL table " + table + (column.isEmpty() ? "" : ", column " + column) + ": " + problem);
        with("table", table);
        if (!column.isEmpty()) {
            with("column", column);
        }
    }
}
