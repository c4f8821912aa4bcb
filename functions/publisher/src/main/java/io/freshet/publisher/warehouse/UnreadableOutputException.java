package io.freshet.publisher.warehouse;

import io.freshet.core.error.PermanentException;

/** A staged output file that cannot be read as Parquet for loading: the same file would fail again. */
public final class UnreadableOutputException extends PermanentException {

    public UnreadableOutputException(String location, String problem) {
        super("the staged output " + location + " cannot be loaded: " + problem);
        with("file", location);
    }
}
