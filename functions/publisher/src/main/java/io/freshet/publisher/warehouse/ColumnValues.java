package io.freshet.publisher.warehouse;

import org.apache.parquet.column.ColumnReader;

/** A column reader and how many of its values are left: a reader does not say when it is exhausted. */
final class ColumnValues {

    private final ColumnReader reader;
    private long left;

    ColumnValues(ColumnReader reader) {
        this.reader = reader;
        this.left = reader.getTotalValueCount();
    }

    ColumnReader reader() {
        return reader;
    }

    boolean hasNext() {
        return left > 0;
    }

    void consume() {
        left--;
        if (left > 0) {
            reader.consume();
        }
    }
}
