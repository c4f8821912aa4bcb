package io.freshet.publisher.warehouse;

import io.freshet.core.error.PermanentException;

/**
 * PostgreSQL refused a load for a reason another attempt would meet again (a value too long for
 * the table's column, a merge key twice in the output, a constraint): the load's transaction rolled
 * back, nothing of it is in the table.
 */
public final class WarehouseLoadException extends PermanentException {

    public WarehouseLoadException(String table, String message, Throwable cause) {
        super("loading PostgreSQL table " + table + " failed: " + message, cause);
        with("table", table);
    }
}
