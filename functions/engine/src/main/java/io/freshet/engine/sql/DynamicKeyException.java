package io.freshet.engine.sql;

import io.freshet.core.error.PermanentException;

/**
 * An output's dynamic key ({@code partition_by}) cannot be written: its column is missing from the
 * step's result, is not a string, or holds a NULL or a value no folder may be named by. The same
 * SQL on the same data fails the same way, so the run fails, before anything is staged.
 */
public final class DynamicKeyException extends PermanentException {

    public DynamicKeyException(String message) {
        super(message);
    }
}
