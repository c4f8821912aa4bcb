package io.freshet.engine.snapshot;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;

import io.freshet.core.error.PermanentException;

/**
 * Decodes PostgreSQL's binary COPY format row by row into a {@link Batch}. The format: an 11-byte
 * signature, flags and a header extension; then per row a 16-bit field count and per field a
 * 32-bit length (-1 for NULL) and the value in the type's binary send format; a field count of -1
 * ends the data.
 */
final class RowDecoder {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final PgColumn[] columns;
    private final Kind[] kinds;
    private final int watermarkIndex;
    private final Watermark watermark;
    private long rows;

    RowDecoder(List<PgColumn> columns, int watermarkIndex) {
        this.columns = columns.toArray(PgColumn[]::new);
        this.kinds = new Kind[this.columns.length];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = this.columns[i].kind();
        }
        this.watermarkIndex = watermarkIndex;
        this.watermark = watermarkIndex >= 0 ? new Watermark(this.columns[watermarkIndex]) : null;
    }

    Watermark watermark() {
        return watermark;
    }

    long rows() {
        return rows;
    }

    void readHeader(CopyInput in) throws SQLException {
        if (!in.ensure(19)) {
            throw new CopyFormatException("COPY stream ended inside its header");
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (in.buf[in.pos + i] != SIGNATURE[i]) {
                throw new CopyFormatException("not a binary COPY stream");
            }
        }
        int flags = PgValues.i32(in.buf, in.pos + 11);
        if ((flags & 0x10000) != 0) {
            throw new CopyFormatException("binary COPY with OIDs is not supported");
        }
        int extension = PgValues.i32(in.buf, in.pos + 15);
        in.pos += 19;
        if (!in.ensure(extension)) {
            throw new CopyFormatException("COPY stream ended inside its header extension");
        }
        in.pos += extension;
    }

    /** Decodes the next row into {@code batch}; false at the end of the data. */
    boolean readRow(CopyInput in, Batch batch) throws SQLException {
        if (!in.ensure(2)) {
            throw new CopyFormatException("COPY stream ended without its trailer");
        }
        int fields = PgValues.i16(in.buf, in.pos);
        in.pos += 2;
        if (fields == -1) {
            return false;
        }
        if (fields != columns.length) {
            throw new CopyFormatException("row with " + fields + " fields, expected " + columns.length);
        }
        int row = batch.rows;
        ColumnBuffer[] out = batch.columns;
        for (int c = fieldsAtHand(in, out, row); c < fields; c++) {
            if (!in.ensure(4)) {
                throw new CopyFormatException("COPY stream ended inside a row");
            }
            int len = PgValues.i32(in.buf, in.pos);
            in.pos += 4;
            if (len < 0) {
                out[c].setNull(row);
                continue;
            }
            if (!in.ensure(len)) {
                throw new CopyFormatException("COPY stream ended inside a value");
            }
            field(c, in.buf, in.pos, len, out[c], row);
            in.pos += len;
        }
        batch.rows = row + 1;
        rows++;
        return true;
    }

    /**
     * Decodes the row's fields, from the first, for as long as each lies wholly in the buffer at
     * hand, with the position in a local; returns how many. PostgreSQL sends a row as one CopyData
     * message, so this is normally every field, and {@link CopyInput#ensure} (which may stitch
     * messages) is left to the rare row that spans two.
     */
    private int fieldsAtHand(CopyInput in, ColumnBuffer[] out, int row) {
        byte[] b = in.buf;
        int p = in.pos;
        int lim = in.lim;
        int c = 0;
        for (; c < kinds.length && lim - p >= 4; c++) {
            int len = PgValues.i32(b, p);
            if (len < 0) {
                out[c].setNull(row);
                p += 4;
                continue;
            }
            if (lim - p - 4 < len) {
                break;
            }
            p += 4;
            field(c, b, p, len, out[c], row);
            p += len;
        }
        in.pos = p;
        return c;
    }

    /** Field {@code c}'s value at {@code b[p .. p + len)} into its column, offered as the watermark if it is one. */
    private void field(int c, byte[] b, int p, int len, ColumnBuffer col, int row) {
        try {
            value(kinds[c], columns[c], b, p, len, col, row);
            if (c == watermarkIndex) {
                watermark.offer(b, p, len);
            }
        } catch (PgValues.UnrepresentableValueException e) {
            throw new ColumnValueException(columns[c].name(), e.getMessage());
        }
    }

    /**
     * One value of {@code kind} into {@code col}: the commonest kinds here, in a method small
     * enough for the JIT to inline into the row loop (and an array's element loop), the others in
     * {@link #decode}, which is too large to be: its call per field cost more than half of the
     * decoding of a row of booleans (docs/performance.md).
     */
    private static void value(Kind kind, PgColumn column, byte[] b, int p, int len, ColumnBuffer col, int row) {
        switch (kind) {
            case BOOL -> col.putByte(row, b[p]);
            case INT2 -> col.putShort(row, PgValues.i16(b, p));
            case INT4, FLOAT4 -> col.putInt(row, PgValues.i32(b, p));
            case INT8, FLOAT8 -> col.putLong(row, PgValues.i64(b, p));
            case DATE -> col.putInt(row, PgValues.duckDate(PgValues.i32(b, p)));
            case TIMESTAMP, TIMESTAMPTZ -> col.putLong(row, PgValues.duckTimestamp(PgValues.i64(b, p)));
            case TEXT, TEXT_CAST, JSON -> col.putBytes(row, b, p, len);
            case DECIMAL -> decimal(column, b, p, col, row);
            // lower = the last 8 bytes, upper = the first 8 with the top bit flipped (DuckDB's UUID: it sorts as the text)
            case UUID -> col.putHuge(row, PgValues.i64(b, p + 8), PgValues.i64(b, p) ^ Long.MIN_VALUE);
            default -> decode(kind, column, b, p, len, col, row);
        }
    }

    /** The kinds {@link #value} leaves. */
    private static void decode(Kind kind, PgColumn column, byte[] b, int p, int len, ColumnBuffer col, int row) {
        switch (kind) {
            case ENUM -> enumCode(column.labels(), b, p, len, col, row);
            case UNSIGNED -> {
                col.begin();
                long v = len == 8 ? PgValues.i64(b, p) : Integer.toUnsignedLong(PgValues.i32(b, p));
                if (v >= 0) {
                    col.appendDecimal(v);
                } else {
                    col.appendAscii(Long.toUnsignedString(v)); // an xid8 past 2^63: no epoch reaches it in practice
                }
                col.end(row);
            }
            case INET, MACADDR, BIT, TIMETZ, RANGE, MULTIRANGE, TSVECTOR -> typeText(kind, column, b, p, len, col, row);
            case JSONB -> {
                if (len < 1 || b[p] != 1) {
                    throw new CopyFormatException("jsonb value of unknown version " + (len < 1 ? "(empty)" : Integer.toString(b[p])));
                }
                col.putBytes(row, b, p + 1, len - 1);
            }
            case BYTEA -> {
                col.begin();
                PgValues.base64(b, p, len, col);
                col.end(row);
            }
            case TIME -> col.putLong(row, PgValues.i64(b, p));
            case INTERVAL -> {
                col.begin();
                PgIntervalText.append(PgValues.i64(b, p), PgValues.i32(b, p + 8), PgValues.i32(b, p + 12), col);
                col.end(row);
            }
            case NUMERIC_TEXT -> {
                col.begin();
                PgNumeric.numericText(b, p, col);
                col.end(row);
            }
            case ARRAY -> array(column, b, p, col, row);
            default -> throw new IllegalStateException(kind + " values are decoded by value()");
        }
    }

    private static void typeText(Kind kind, PgColumn column, byte[] b, int p, int len, ColumnBuffer col, int row) {
        col.begin();
        switch (kind) {
            case INET -> PgTypeText.inet(b, p, len, col);
            case MACADDR -> PgTypeText.macaddr(b, p, len, col);
            case BIT -> PgTypeText.bits(b, p, len, col);
            case RANGE -> PgRangeText.range(column.element().kind(), b, p, col);
            case MULTIRANGE -> PgRangeText.multirange(column.element().kind(), b, p, col);
            case TSVECTOR -> PgTypeText.tsvector(b, p, col);
            default -> PgTypeText.timetz(b, p, col);
        }
        col.end(row);
    }

    private static void decimal(PgColumn column, byte[] b, int p, ColumnBuffer col, int row) {
        int precision = column.precision();
        if (precision <= 18) {
            long v = PgNumeric.unscaledLong(b, p, column.scale());
            if (precision <= 4) {
                col.putShort(row, (short) v);
            } else if (precision <= 9) {
                col.putInt(row, (int) v);
            } else {
                col.putLong(row, v);
            }
        } else {
            PgNumeric.unscaledHuge(b, p, column.scale(), col, row);
        }
    }

    private static void enumCode(EnumLabels labels, byte[] b, int p, int len, ColumnBuffer col, int row) {
        int code = labels.code(b, p, len);
        if (code < 0) {
            throw new PgValues.UnrepresentableValueException("the label '" + new String(b, p, len, StandardCharsets.UTF_8)
                    + "' is not one of its enum's labels as the snapshot read them (" + labels.labels().size() + ")");
        }
        if (labels.width() == 1) {
            col.putByte(row, (byte) code);
        } else {
            col.putShort(row, (short) code);
        }
    }

    /**
     * An array into the column's LISTs, one per dimension: PostgreSQL's arrays are rectangular, so
     * each level's entries are runs of equal length over the next level, and the elements (in
     * row-major order, as PostgreSQL sends them) are decoded as scalars of their kind into the
     * innermost column. Lower bounds other than 1 are not kept (a LIST starts at 1). An array whose
     * dimensions are not the column's is refused: a LIST's depth is its column's type.
     */
    private static void array(PgColumn column, byte[] b, int p, ColumnBuffer col, int row) {
        int ndim = PgValues.i32(b, p);
        if (ndim == 0) {
            col.putList(row, col.child.size, 0);
            return;
        }
        int declared = column.dimensions();
        if (ndim != declared) {
            throw new PgValues.UnrepresentableValueException("a " + ndim + "-dimensional array in a column read as " + declared
                    + "-dimensional (its declared dimensions, " + column.pgType() + "); declare the column with the dimensions its values have "
                    + "(a view's columns declare none: cast it in the view to a domain declared so, CREATE DOMAIN grid AS int[][]), "
                    + "or cast it to text (in a query input, the only way: PostgreSQL describes a query's domain columns by their base type)");
        }
        ColumnBuffer level = col;
        int first = row;
        int entries = 1;
        for (int d = 0; d < ndim; d++) {
            int length = PgValues.i32(b, p + 12 + 8 * d);
            ColumnBuffer next = level.child;
            int start = next.size;
            for (int e = 0; e < entries; e++) {
                level.putList(first + e, start + (long) e * length, length);
            }
            entries = Math.multiplyExact(entries, length);
            next.ensureCapacity(start + entries);
            next.size = start + entries;
            first = start;
            level = next;
        }
        PgColumn scalar = column.scalar();
        Kind kind = scalar.kind();
        int q = p + 12 + 8 * ndim;
        for (int i = first, end = first + entries; i < end; i++) {
            int elen = PgValues.i32(b, q);
            q += 4;
            if (elen < 0) {
                level.setNull(i);
            } else {
                value(kind, scalar, b, q, elen, level, i);
                q += elen;
            }
        }
    }

    /** The stream is not what a binary COPY of these columns should be. */
    static final class CopyFormatException extends PermanentException {
        CopyFormatException(String message) {
            super(message);
        }
    }

    /** A value of a named column could not be represented; the message says why. */
    static final class ColumnValueException extends PermanentException {
        final String column;

        ColumnValueException(String column, String message) {
            super("column " + Sql.quoteIdent(column) + ": " + message);
            this.column = column;
        }
    }
}
