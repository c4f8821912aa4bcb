package io.freshet.engine.snapshot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.duckdb.DuckDBBindings;
import org.duckdb.DuckDBWritableVector;

/**
 * Bulk writes into the vectors of DuckDB's Java table functions.
 *
 * <p>The public {@link DuckDBWritableVector} API writes one value per call, each behind a lock
 * and a validity-mask read-modify-write; at 8 columns that alone cost about as much CPU per row as
 * PostgreSQL spends producing it. A batch is instead copied into the vector's native buffers in
 * one {@code ByteBuffer.put} per column, and strings go in one JNI call per column through the
 * driver's own binding ({@code duckdb_vector_assign_string_elements}, which
 * {@code setStringUtf8Batch} uses). These are non-public members of duckdb_jdbc 2.0.0.1, reached
 * with method handles resolved once; {@link #check()} fails with a clear message should a driver
 * upgrade move them (the engine's tests catch it first).
 */
final class DuckDbVectors {

    private static final VarHandle DATA;
    private static final VarHandle VALIDITY;
    private static final VarHandle VECTOR_REF;
    private static final MethodHandle ASSIGN_STRINGS;
    private static final Throwable UNAVAILABLE;

    static {
        VarHandle data = null;
        VarHandle validity = null;
        VarHandle ref = null;
        MethodHandle assign = null;
        Throwable error = null;
        try {
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                throw new IllegalStateException("big-endian platforms are not supported");
            }
            MethodHandles.Lookup vectors = MethodHandles.privateLookupIn(DuckDBWritableVector.class, MethodHandles.lookup());
            data = vectors.findVarHandle(DuckDBWritableVector.class, "data", ByteBuffer.class);
            validity = vectors.findVarHandle(DuckDBWritableVector.class, "validity", ByteBuffer.class);
            ref = vectors.findVarHandle(DuckDBWritableVector.class, "vectorRef", ByteBuffer.class);
            MethodHandles.Lookup bindings = MethodHandles.privateLookupIn(DuckDBBindings.class, MethodHandles.lookup());
            assign = bindings.findStatic(DuckDBBindings.class, "duckdb_vector_assign_string_elements",
                    MethodType.methodType(void.class, ByteBuffer.class, long.class, byte[].class, long[].class, int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            error = e;
        }
        DATA = data;
        VALIDITY = validity;
        VECTOR_REF = ref;
        ASSIGN_STRINGS = assign;
        UNAVAILABLE = error;
    }

    private DuckDbVectors() {
    }

    static void check() {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException("this duckdb_jdbc does not have the vector internals Freshet's snapshot writes through "
                    + "(built against 2.0.0.1): " + UNAVAILABLE, UNAVAILABLE);
        }
    }

    /** Copies {@code rows} rows of {@code column} into {@code vector}. */
    static void write(DuckDBWritableVector vector, ColumnBuffer column, int rows) throws Throwable {
        if (column.width > 0) {
            ByteBuffer data = (ByteBuffer) DATA.get(vector);
            data.put(0, column.fixed, 0, rows * column.width);
        } else {
            long[] lengths = rows == column.lengths.length ? column.lengths : Arrays.copyOf(column.lengths, rows);
            ByteBuffer ref = (ByteBuffer) VECTOR_REF.get(vector);
            ASSIGN_STRINGS.invokeExact(ref, 0L, column.payload, lengths, column.payloadLength);
        }
        ByteBuffer validity = (ByteBuffer) VALIDITY.get(vector);
        long[] words = column.validity;
        int n = (rows + 63) >>> 6;
        for (int i = 0; i < n; i++) {
            validity.putLong(i << 3, words[i]);
        }
    }
}
