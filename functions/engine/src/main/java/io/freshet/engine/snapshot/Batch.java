package io.freshet.engine.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Up to {@link #capacity} decoded rows, column by column: what the reader thread hands to DuckDB's
 * table function, at most one DuckDB vector's worth at a time. Batches are recycled, never
 * reallocated.
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
    /**
     * What one stream's batches may take together as first allocated ({@link #capacity(List, int)}):
     * their arrays are made for a whole batch of rows up front, per column, so rows of hundreds of
     * columns (900: 15 KB a row before any string is longer than 16 bytes) would otherwise hold 250 MB
     * of heap in eight batches of 2,048 rows, where 22 columns hold 7 MB.
     */
    static final long MEMORY = 64L << 20;
    /** The fewest rows a batch is made for: one word of the validity mask. */
    static final int MIN_CAPACITY = 64;

    final ColumnBuffer[] columns;
    /** Rows this batch is made for: {@link #CAPACITY}, or fewer for wide rows. */
    final int capacity;
    /** The columns whose bytes vary by value (strings, LISTs): the only ones {@link #full()} must look at, once per row. */
    private final ColumnBuffer[] variable;
    int rows;

    Batch(List<PgColumn> columns) {
        this(columns, CAPACITY);
    }

    Batch(List<PgColumn> columns, int capacity) {
        this.capacity = capacity;
        this.columns = new ColumnBuffer[columns.size()];
        List<ColumnBuffer> variable = new ArrayList<>();
        for (int i = 0; i < this.columns.length; i++) {
            PgColumn c = columns.get(i);
            this.columns[i] = ColumnBuffer.of(c, capacity);
            if (this.columns[i].width == 0 || this.columns[i].child != null) {
                variable.add(this.columns[i]);
            }
        }
        this.variable = variable.toArray(ColumnBuffer[]::new);
    }

    /**
     * Rows per batch for {@code batches} batches of {@code columns}: {@link #CAPACITY}, or as many
     * fewer (a multiple of 64, at least {@link #MIN_CAPACITY}) as keeps them all within
     * {@link #MEMORY} as first allocated. A DuckDB chunk of fewer rows costs a call per column
     * more often, which on rows this wide is little beside the values themselves.
     */
    static int capacity(List<PgColumn> columns, int batches) {
        long perRow = 0;
        for (PgColumn c : columns) {
            perRow += ColumnBuffer.bytesPerRow(c);
        }
        long rows = MEMORY / Math.max(1, batches) / Math.max(1, perRow);
        return (int) Math.max(MIN_CAPACITY, Math.min(CAPACITY, rows & -MIN_CAPACITY));
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

    /** Bytes of the batch's strings, the elements of lists included. */
    long stringBytes() {
        long n = 0;
        for (ColumnBuffer c : columns) {
            for (ColumnBuffer x = c; x != null; x = x.child) {
                if (x.width == 0) {
                    n += x.payloadLength;
                }
            }
        }
        return n;
    }

    /** Columns of strings (text, JSON, bytes), not counting the elements of lists. */
    int stringColumns() {
        int n = 0;
        for (ColumnBuffer c : columns) {
            if (c.width == 0) {
                n++;
            }
        }
        return n;
    }

    boolean full() {
        if (rows == capacity) {
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
