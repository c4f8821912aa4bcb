package io.freshet.engine.snapshot;

import java.lang.ref.Cleaner;
import java.lang.reflect.Field;

import sun.misc.Unsafe;

/**
 * Native memory that one writer's chunk keeps its long strings in while DuckDB reads the chunk, so
 * that a string column is one copy out of the Java heap and its {@code string_t} values point into
 * that copy ({@link ColumnBuffer#stringTs}).
 *
 * <p>The driver's call for a column of strings ({@code duckdb_vector_assign_string_elements})
 * copies the whole Java array into native memory ({@code GetByteArrayElements}), copies it back
 * when it lets go of it (release mode 0), and then copies each string again into the vector's
 * string heap: three copies of every byte, two of them of the array's whole capacity, into memory
 * freshly mapped for each call. On a table of 1.3 kB texts that was a fifth of Freshet's client CPU
 * (docs/performance.md, "Long strings copied once").
 *
 * <p>Why the memory may be reused by the next chunk: DuckDB pushes a table function's chunk
 * through the whole pipeline, up to the Parquet writer's row group, which copies the strings into
 * its own buffers, before it asks the function for the next chunk on the same thread, and a part
 * is read by one thread ({@code maxThreads} 1). So the memory is rewritten only by the chunk after.
 *
 * <p>Java 21 (Lambda's runtime) has no final API for native memory ({@code java.lang.foreign} is a
 * preview there), so this uses {@code sun.misc.Unsafe}'s allocate, copy and free. Where it is
 * missing or refuses (a JDK that no longer allows it), or where
 * {@code -Dfreshet.snapshot.stringsThroughDriver=true} asks for it, the strings take the driver's
 * call as before ({@link #nativeMemory()} false): the same files, more CPU.
 */
final class ChunkStrings implements AutoCloseable {

    /** The system property that sends strings through the driver's call instead. */
    static final String THROUGH_DRIVER = "freshet.snapshot.stringsThroughDriver";

    private static final Unsafe UNSAFE = unsafe();
    private static final Cleaner CLEANER = Cleaner.create();

    private final Memory memory;
    private final Cleaner.Cleanable cleanable;
    private long used;

    private ChunkStrings(boolean nativeMemory) {
        this.memory = nativeMemory ? new Memory() : null;
        // a COPY that fails mid-way never asks for its last chunk: the memory goes with the part
        this.cleanable = nativeMemory ? CLEANER.register(this, memory) : null;
    }

    /** For one writer's part: native memory where this JVM allows it and nobody asked otherwise. */
    static ChunkStrings forPart() {
        return new ChunkStrings(UNSAFE != null && !Boolean.getBoolean(THROUGH_DRIVER));
    }

    /** Whether long strings are copied here ({@link #copy}); if not, they take the driver's call. */
    boolean nativeMemory() {
        return memory != null;
    }

    /** Starts a chunk whose strings come to at most {@code bytes}: the last chunk's are done with. */
    void startChunk(long bytes) {
        used = 0;
        if (memory != null && bytes > memory.capacity) {
            memory.grow(Math.max(bytes, memory.capacity * 2));
        }
    }

    /** Copies {@code length} bytes of {@code payload} after the chunk's others; returns their address. */
    long copy(byte[] payload, int length) {
        // Unsafe checks nothing: a length past the array would read the heap beyond it
        if (length < 0 || length > payload.length) {
            throw new IllegalArgumentException(length + " bytes asked of a payload of " + payload.length);
        }
        if (used + length > memory.capacity) {
            throw new IllegalStateException("a chunk's strings past the " + memory.capacity + " bytes it started with");
        }
        long at = memory.address + used;
        UNSAFE.copyMemory(payload, Unsafe.ARRAY_BYTE_BASE_OFFSET, null, at, length);
        used += length;
        return at;
    }

    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** The allocation, apart from its owner so that the cleaner can free it after the owner is gone. */
    private static final class Memory implements Runnable {
        long address;
        long capacity;

        void grow(long bytes) {
            run();
            address = UNSAFE.allocateMemory(bytes);
            capacity = bytes;
        }

        @Override
        public void run() {
            if (address != 0) {
                UNSAFE.freeMemory(address);
                address = 0;
                capacity = 0;
            }
        }
    }

    /** The JVM's {@code Unsafe}, if it has one and its memory methods work here; else null. */
    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Unsafe u = (Unsafe) f.get(null);
            long probe = u.allocateMemory(16);
            try {
                u.copyMemory(new byte[16], Unsafe.ARRAY_BYTE_BASE_OFFSET, null, probe, 16);
            } finally {
                u.freeMemory(probe);
            }
            return u;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
