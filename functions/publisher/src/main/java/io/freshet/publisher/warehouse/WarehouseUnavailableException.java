package io.freshet.publisher.warehouse;

import io.freshet.core.error.TransientException;

/** PostgreSQL did not answer or asked to try again (connection lost, serialization failure, lock timeout): retried. */
public final class WarehouseUnavailableException extends TransientException {

    public WarehouseUnavailableException(String table, String message, Throwable cause) {
        super("loading PostgreSQL table " + table + " must be retried: " + message, cause);
        with("table", table);
    }
}
