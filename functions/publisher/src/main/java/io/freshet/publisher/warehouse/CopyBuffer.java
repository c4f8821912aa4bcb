package io.freshet.publisher.warehouse;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;

import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL's binary COPY stream ({@code COPY ... FROM STDIN (FORMAT binary)}), written into a
 * growing buffer and handed to the server by whole rows: the header, each tuple (field count, then
 * each field as its length and bytes, -1 for NULL), the trailer. A field whose length is known only
 * once written (an array) reserves its length slot and fills it afterwards.
 */
final class CopyBuffer {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int FLUSH_AT = 1 << 20;

    private final CopyIn copy;
    private byte[] buf = new byte[FLUSH_AT + (FLUSH_AT >> 2)];
    private int size;

    CopyBuffer(CopyIn copy) {
        this.copy = copy;
        bytes(SIGNATURE, 0, SIGNATURE.length);
        int32(0);
        int32(0);
    }

    void startRow(int fields) {
        int16(fields);
    }

    /** After each row: hands what is buffered to the server once it is large enough. */
    void endRow() throws SQLException {
        if (size >= FLUSH_AT) {
            flush();
        }
    }

    /** The trailer, then the rows written, as the server counts them. */
    long finish() throws SQLException {
        int16(-1);
        flush();
        return copy.endCopy();
    }

    void nullField() {
        int32(-1);
    }

    /** Reserves a field's length; {@link #fillLength} writes it once the field is written. */
    int reserveLength() {
        int at = size;
        int32(0);
        return at;
    }

    void fillLength(int at) {
        putInt(at, size - at - 4);
    }

    /** Position for {@link #putInt} to patch later (an array's null flag and length). */
    int position() {
        return size;
    }

    void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    void int16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    void int32(int v) {
        ensure(4);
        putInt(size, v);
        size += 4;
    }

    void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** A whole field: its length, then its bytes. */
    void field(byte[] b) {
        int32(b.length);
        bytes(b, 0, b.length);
    }

    void text(String s) {
        field(s.getBytes(StandardCharsets.UTF_8));
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    private void flush() throws SQLException {
        if (size > 0) {
            copy.writeToCopy(buf, 0, size);
            size = 0;
        }
    }
}
