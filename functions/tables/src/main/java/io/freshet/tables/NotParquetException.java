package io.freshet.tables;

import io.freshet.core.error.PermanentException;

/** A file given as a partition's Parquet output is not a (readable, unencrypted) Parquet file. */
public final class NotParquetException extends PermanentException {

    public NotParquetException(String location, String why) {
        super(location + " is not a Parquet file Freshet can commit: " + why);
        with("file", location);
    }
}
