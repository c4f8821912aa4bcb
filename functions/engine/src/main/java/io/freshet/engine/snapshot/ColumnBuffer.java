package io.freshet.engine.snapshot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One column of a {@link Batch}, laid out exactly as a DuckDB vector wants it, so that handing it
 * to DuckDB is a bulk copy: fixed-width values little-endian in {@link #fixed}, a validity bitmask
 * (bit set = not NULL) in {@link #validity}, strings concatenated in {@link #payload} with their
 * lengths (-1 for NULL) in {@link #lengths}. A LIST column holds DuckDB's list entries (offset
 * and length of each row's elements, two little-endian 64-bit integers) in {@link #fixed} and the
 * elements of all its rows in {@link #child}, a column of its own that grows as needed.
 */
final class ColumnBuffer {

    static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Bytes of one list entry. */
    static final int LIST_ENTRY = 16;

    /** Bytes of DuckDB's {@code string_t}, a string vector's value. */
    static final int STRING_T = 16;
    /** The longest string a {@code string_t} holds inside itself, after its 4-byte length. */
    static final int INLINE_BYTES = 12;

    final int width;
    byte[] fixed;
    long[] validity;
    long[] lengths;
    byte[] payload;
    int payloadLength;
    private int valueStart;
    /** Scratch for {@link #stringTs}, made on first use. */
    private byte[] stringTs;
    /** A LIST column's elements, else null. */
    final ColumnBuffer child;
    /** Values held, for a LIST's {@link #child} (a batch's own columns count rows in {@link Batch#rows}). */
    int size;
    /** Whether any value since {@link #reset()} is NULL: DuckDB's vectors then need a validity mask, else none. */
    boolean hasNulls;

    ColumnBuffer(int width, int capacity) {
        this(width, capacity, null);
    }

    /** The buffer for {@code column}: a LIST for each dimension of an array, the scalar's width inside. */
    static ColumnBuffer of(PgColumn column, int capacity) {
        if (column.kind() == Kind.ARRAY) {
            return new ColumnBuffer(LIST_ENTRY, capacity, of(column.element(), capacity));
        }
        return new ColumnBuffer(column.width(), capacity);
    }

    /**
     * Bytes a buffer for {@code column} is made with per row of its capacity: the value's width, or
     * for a string its length, the first 16 bytes of its payload and its {@code string_t} in
     * {@link #stringTs}; a LIST's entry and its element's (the elements start with room for as many
     * as the rows). The validity mask's eighth of a byte is left out.
     */
    static long bytesPerRow(PgColumn column) {
        if (column.kind() == Kind.ARRAY) {
            return LIST_ENTRY + bytesPerRow(column.element());
        }
        return column.width() > 0 ? column.width() : Long.BYTES + 16 + STRING_T;
    }

    private ColumnBuffer(int width, int capacity, ColumnBuffer child) {
        this.width = width;
        this.child = child;
        this.validity = new long[(capacity + 63) / 64];
        if (width > 0) {
            this.fixed = new byte[width * capacity];
            this.lengths = null;
            this.payload = null;
        } else {
            this.fixed = null;
            this.lengths = new long[capacity];
            this.payload = new byte[Math.max(1024, capacity * 16)];
        }
    }

    void reset() {
        Arrays.fill(validity, -1L);
        payloadLength = 0;
        size = 0;
        hasNulls = false;
        if (child != null) {
            child.reset();
        }
    }

    /** Room for {@code values} values (a LIST's elements; a batch's own columns are sized once). */
    void ensureCapacity(int values) {
        int words = (values + 63) >>> 6;
        if (words <= validity.length) {
            return;
        }
        // whole words of the mask: the check above measures room by words, so the values must fill them
        int capacity = Math.max(words << 6, validity.length * 64 * 2);
        int oldWords = validity.length;
        validity = Arrays.copyOf(validity, (capacity + 63) >>> 6);
        Arrays.fill(validity, oldWords, validity.length, -1L);
        if (width > 0) {
            fixed = Arrays.copyOf(fixed, capacity * width);
        } else {
            lengths = Arrays.copyOf(lengths, capacity);
        }
    }

    /** Row {@code row}'s list entry: {@code length} elements from {@code offset} of {@link #child}. */
    void putList(int row, long offset, long length) {
        LONG_LE.set(fixed, row << 4, offset);
        LONG_LE.set(fixed, (row << 4) + 8, length);
    }

    /** Bytes of values held for {@code rows} rows, elements included. */
    long bytes(int rows) {
        long n = width > 0 ? (long) width * rows : payloadLength;
        return child == null ? n : n + child.bytes(child.size);
    }

    /** Whether every string of the first {@code rows} fits inside its {@code string_t} (a NULL counts as empty). */
    boolean allInline(int rows) {
        for (int i = 0; i < rows; i++) {
            if (lengths[i] > INLINE_BYTES) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first {@code rows} strings as the {@code string_t} values of a DuckDB vector: each its
     * length (4 bytes, little-endian), then, for at most {@link #INLINE_BYTES} bytes, the bytes
     * themselves and zeros to 16 bytes (DuckDB compares the padding too); for a longer string, its
     * first 4 bytes and the address of the whole string in a copy of {@link #payload} made at
     * {@code payloadAddress} ({@link ChunkStrings#copy}), which {@link #allInline} columns need
     * not have. A NULL is all zeros. So a whole column is one copy into the vector, not a call per
     * string. The strings' bytes are checked to be UTF-8 in one pass, as the driver's call checks
     * what it is given.
     */
    byte[] stringTs(int rows, long payloadAddress) {
        if (stringTs == null || stringTs.length < rows * STRING_T) {
            stringTs = new byte[lengths.length * STRING_T];
        }
        if (!Utf8.isValid(payload, 0, payloadLength)) {
            throw new IllegalStateException("Invalid UTF-8 string batch: a string that is not UTF-8 (text of a SQL_ASCII database?)");
        }
        int from = 0;
        for (int i = 0; i < rows; i++) {
            int at = i * STRING_T;
            LONG_LE.set(stringTs, at, 0L);
            LONG_LE.set(stringTs, at + 8, 0L);
            int length = (int) lengths[i];
            if (length > 0) {
                INT_LE.set(stringTs, at, length);
                if (length <= INLINE_BYTES) {
                    System.arraycopy(payload, from, stringTs, at + 4, length);
                } else {
                    System.arraycopy(payload, from, stringTs, at + 4, 4);
                    LONG_LE.set(stringTs, at + 8, payloadAddress + from);
                }
                from += length;
            }
        }
        return stringTs;
    }

    void setNull(int row) {
        hasNulls = true;
        validity[row >>> 6] &= ~(1L << (row & 63));
        if (lengths != null) {
            lengths[row] = -1;
        }
    }

    void putByte(int row, byte v) {
        fixed[row] = v;
    }

    void putShort(int row, short v) {
        SHORT_LE.set(fixed, row << 1, v);
    }

    void putInt(int row, int v) {
        INT_LE.set(fixed, row << 2, v);
    }

    void putLong(int row, long v) {
        LONG_LE.set(fixed, row << 3, v);
    }

    void putHuge(int row, long lower, long upper) {
        LONG_LE.set(fixed, row << 4, lower);
        LONG_LE.set(fixed, (row << 4) + 8, upper);
    }

    /** A whole string value. */
    void putBytes(int row, byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, payload, payloadLength, length);
        payloadLength += length;
        lengths[row] = length;
    }

    // A string value written piece by piece: begin(), append...(), end(row).

    void begin() {
        valueStart = payloadLength;
    }

    void end(int row) {
        lengths[row] = payloadLength - valueStart;
    }

    /** Drops what was appended since {@link #begin()} (an element that turned out not to fit). */
    void rollback() {
        payloadLength = valueStart;
    }

    int valueStart() {
        return valueStart;
    }

    void append(byte b) {
        if (payloadLength == payload.length) {
            ensure(1);
        }
        payload[payloadLength++] = b;
    }

    void append(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, payload, payloadLength, length);
        payloadLength += length;
    }

    /** The decimal digits of {@code v}, signed, written in place (no String per value). */
    void appendDecimal(long v) {
        ensure(Digits.LONG_TEXT);
        payloadLength = Digits.signed(payload, payloadLength, v);
    }

    /** Two decimal digits, zero-padded: {@code v} from 0 to 99. */
    void appendTwoDigits(int v) {
        ensure(2);
        payloadLength = Digits.two(payload, payloadLength, v);
    }

    void appendAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            payload[payloadLength++] = (byte) s.charAt(i);
        }
    }

    void ensure(int more) {
        long needed = (long) payloadLength + more;
        if (needed > payload.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a batch's strings exceed 2 GB");
            }
            payload = Arrays.copyOf(payload, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16, payload.length * 2L)));
        }
    }
}
