package io.freshet.engine.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Up to {@link #CAPACITY} decoded rows, column by column: what the reader thread hands to DuckDB's
 * table function, one DuckDB vector's worth at a time. Batches are recycled, never reallocated.
 */
final class Batch {

    /** DuckDB's standard vector size. */
    static final int CAPACITY = 2048;
    /**
     * A batch is handed over early once its strings and LIST elements together reach this size,
     * bounding memory for wide rows: per batch, not per column, so that a table of many large text
     * columns (60 of 1 KB: 120 MB in 2,048 rows) holds no more than one of a single such column.
     */
    static final int PAYLOAD_LIMIT = 4 << 20;

    final ColumnBuffer[] columns;
    /** The columns whose bytes vary by value (strings, LISTs): the only ones {@link #full()} must look at, once per row. */
    private final ColumnBuffer[] variable;
    int rows;

    Batch(List<PgColumn> columns) {
        this.columns = new ColumnBuffer[columns.size()];
        List<ColumnBuffer> variable = new ArrayList<>();
        for (int i = 0; i < this.columns.length; i++) {
            PgColumn c = columns.get(i);
            this.columns[i] = ColumnBuffer.of(c, CAPACITY);
            if (this.columns[i].width == 0 || this.columns[i].child != null) {
                variable.add(this.columns[i]);
            }
        }
        this.variable = variable.toArray(ColumnBuffer[]::new);
    }

    void reset() {
        rows = 0;
        for (ColumnBuffer c : columns) {
            c.reset();
        }
    }

    /** Bytes of values as DuckDB vectors hold them (fixed widths plus string payloads). */
    long bytes() {
        long n = 0;
        for (ColumnBuffer c : columns) {
            n += c.bytes(rows);
        }
        return n;
    }

    boolean full() {
        if (rows == CAPACITY) {
            return true;
        }
        long payload = 0;
        for (ColumnBuffer c : variable) {
            if (c.width == 0) {
                payload += c.payloadLength;
            } else if (c.child != null) {
                payload += c.child.bytes(c.child.size);
            }
        }
        return payload >= PAYLOAD_LIMIT;
    }
}
