package io.freshet.tables;

import io.freshet.core.error.PermanentException;

/**
 * A file committed as one partition holds rows of another (its partition column's bounds, read
 * from the Parquet footer, are not the partition's value). Thrown before anything is committed.
 */
public final class PartitionMismatchException extends PermanentException {

    public PartitionMismatchException(String table, String file, String column, String partition, Object lower, Object upper) {
        super("table " + table + ": file " + file + " is committed as " + column + "=" + partition
                + " but its " + column + " runs from " + lower + " to " + upper);
        with("table", table);
        with("file", file);
        with("column", column);
        with("partition", partition);
    }
}
