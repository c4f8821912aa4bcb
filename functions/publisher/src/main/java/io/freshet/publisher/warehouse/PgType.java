package io.freshet.publisher.warehouse;

import org.apache.parquet.column.ColumnReader;

/**
 * A column's PostgreSQL type, as the table is created with it ({@link #ddl}), with the type's OID
 * (an array's elements name it) and how one Parquet value becomes the type's binary COPY field.
 *
 * @param ddl    e.g. {@code numeric(12,2)}, {@code timestamp with time zone}: as {@code format_type} prints it
 * @param oid    the type's OID in {@code pg_type}
 * @param writer writes the reader's current (non-null) value as one whole field, length first
 */
record PgType(String ddl, int oid, ValueWriter writer) {

    /** Writes the current value of a column reader as one binary COPY field (its length, then its bytes). */
    @FunctionalInterface
    interface ValueWriter {
        void write(ColumnReader reader, CopyBuffer out);
    }

    /** The base type's name without its modifiers: {@code numeric} of {@code numeric(12,2)}. */
    String base() {
        int paren = ddl.indexOf('(');
        return paren < 0 ? ddl : ddl.substring(0, paren);
    }
}
