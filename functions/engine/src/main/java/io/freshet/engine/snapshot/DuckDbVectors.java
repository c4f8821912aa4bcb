package io.freshet.engine.snapshot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import org.duckdb.FreshetTableFunction;

/**
 * Bulk writes of a {@link Batch} into the vectors of a DuckDB output chunk, through the C API
 * calls {@link FreshetTableFunction} exposes.
 *
 * <p>The driver's public {@code DuckDBWritableVector} writes one value per call, each behind a
 * lock and a validity-mask read-modify-write; at 8 columns that alone cost about as much CPU per
 * row as PostgreSQL spends producing it. A column is instead copied into the vector's native
 * buffer in one {@code ByteBuffer.put}, its validity word by word, and strings as DuckDB's own
 * 16-byte {@code string_t} values in one put ({@link ColumnBuffer#stringTs}): a short string inside
 * its value, a longer one as a pointer into the writer's copy of the column's bytes
 * ({@link ChunkStrings}). Where that copy cannot be made, a column with a long string takes the
 * driver's call ({@code duckdb_vector_assign_string_elements}). A LIST column writes its entries
 * the same way, then sizes the list's child vector and writes the elements into it as a column of
 * its own.
 */
final class DuckDbVectors {

    private DuckDbVectors() {
    }

    static void check() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("big-endian platforms are not supported");
        }
        if (FreshetTableFunction.VECTOR_SIZE < Batch.CAPACITY) {
            throw new IllegalStateException("DuckDB's vectors hold " + FreshetTableFunction.VECTOR_SIZE + " rows, a batch " + Batch.CAPACITY);
        }
    }

    /**
     * Declares the stream's columns {@code c0, c1, ...} in their stream types; json and jsonb as
     * DuckDB's JSON, so that their text is kept as PostgreSQL wrote it, unparsed, and enums as
     * DuckDB ENUMs of their labels, from {@code types}.
     */
    static void declare(ByteBuffer bindInfo, List<PgColumn> columns, DuckTypes types) {
        for (int i = 0; i < columns.size(); i++) {
            PgColumn c = columns.get(i);
            ByteBuffer type = type(c, types);
            try {
                FreshetTableFunction.addColumn(bindInfo, "c" + i, type);
            } finally {
                destroy(c, type);
            }
        }
    }

    /** The column's stream type: a new one, or one of {@code types}' own (see {@link #destroy}). */
    private static ByteBuffer type(PgColumn c, DuckTypes types) {
        return switch (c.kind()) {
            case DECIMAL -> FreshetTableFunction.decimalType(c.precision(), c.scale());
            case JSON, JSONB -> types.json();
            case ENUM -> types.enumOf(c.labels());
            case ARRAY -> {
                ByteBuffer element = type(c.element(), types);
                try {
                    yield FreshetTableFunction.listType(element);
                } finally {
                    destroy(c.element(), element);
                }
            }
            default -> FreshetTableFunction.type(c.kind().streamType);
        };
    }

    /** Destroys a type made by {@link #type} for {@code c}; the shared ones are {@link DuckTypes}'. */
    private static void destroy(PgColumn c, ByteBuffer type) {
        if (!DuckTypes.shared(c.kind())) {
            FreshetTableFunction.destroyType(type);
        }
    }

    /** Copies the batch's rows into {@code chunk}'s vectors, their long strings into {@code strings}. */
    static void write(ByteBuffer chunk, Batch batch, ChunkStrings strings) {
        ColumnBuffer[] columns = batch.columns;
        strings.startChunk(batch.stringBytes());
        for (int c = 0; c < columns.length; c++) {
            write(FreshetTableFunction.vector(chunk, c), columns[c], batch.rows, strings);
        }
    }

    /**
     * A column of strings as {@code string_t} values in one put: a column of short ones (codes,
     * statuses, short names) needs no copy of its bytes; one with a longer string points into the
     * writer's copy, or, without one, takes the driver's call.
     */
    private static void writeStrings(ByteBuffer vector, ColumnBuffer column, int rows, ChunkStrings strings) {
        boolean inline = column.allInline(rows);
        if (inline || strings.nativeMemory()) {
            long payload = inline ? 0 : strings.copy(column.payload, column.payloadLength);
            FreshetTableFunction.data(vector, (long) rows * ColumnBuffer.STRING_T).put(0, column.stringTs(rows, payload), 0, rows * ColumnBuffer.STRING_T);
        } else {
            long[] lengths = rows == column.lengths.length ? column.lengths : Arrays.copyOf(column.lengths, rows);
            FreshetTableFunction.strings(vector, 0, column.payload, lengths, column.payloadLength);
        }
    }

    private static void write(ByteBuffer vector, ColumnBuffer column, int rows, ChunkStrings strings) {
        if (rows == 0) {
            return;
        }
        if (column.width > 0) {
            FreshetTableFunction.data(vector, (long) rows * column.width).put(0, column.fixed, 0, rows * column.width);
        } else {
            writeStrings(vector, column, rows, strings);
        }
        // A column without NULLs gets no validity mask at all (DuckDB resets a chunk's masks between
        // calls): its writers then take their all-valid paths instead of testing every row.
        if (column.hasNulls) {
            ByteBuffer validity = FreshetTableFunction.validity(vector, rows);
            long[] words = column.validity;
            int n = (rows + 63) >>> 6;
            for (int i = 0; i < n; i++) {
                validity.putLong(i << 3, words[i]);
            }
        }
        if (column.child != null) {
            ByteBuffer child = FreshetTableFunction.listChild(vector);
            if (column.child.hasNulls) {
                // made writable before the list is sized, so that sizing resizes the mask with the values
                FreshetTableFunction.validity(child, Math.min(column.child.size, Batch.CAPACITY));
            }
            FreshetTableFunction.listSize(vector, column.child.size);
            write(FreshetTableFunction.listChild(vector), column.child, column.child.size, strings);
        }
    }
}
