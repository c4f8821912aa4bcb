package io.freshet.tables;

import io.freshet.core.error.PermanentException;

/**
 * Housekeeping cannot be sure which files of a table are unreferenced (its files cannot be listed,
 * or the listing misses the table's current metadata file), so it deletes nothing.
 */
public final class HousekeepingRefusedException extends PermanentException {

    public HousekeepingRefusedException(String table, String reason) {
        super("housekeeping of table " + table + " deletes nothing: " + reason);
        with("table", table);
    }
}
