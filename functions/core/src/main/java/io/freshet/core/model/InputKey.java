package io.freshet.core.model;

import io.freshet.core.yaml.SourcePos;

/**
 * The one key of a dynamically keyed asset an input depends on ({@code key: {line: A}}): only
 * that key's events trigger the consumer, and its input view holds only that key's rows.
 *
 * @param column the producer's key column ({@code partition_by})
 * @param value  the key value, a string
 * @param pos    where {@code key} is, for errors
 */
public record InputKey(String column, String value, SourcePos pos) {

    /** As the event carries it and people read it: {@code line=A}. */
    @Override
    public String toString() {
        return column + "=" + value;
    }
}
