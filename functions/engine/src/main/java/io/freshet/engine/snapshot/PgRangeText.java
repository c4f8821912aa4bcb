package io.freshet.engine.snapshot;

import java.time.LocalDate;

/**
 * The text PostgreSQL prints for a range ({@code [1,5)}, {@code ["2026-01-01 00:00:00+00",)},
 * {@code empty}) or a multirange ({@code {[1,3),[5,8)}}) of integers, numerics, dates or
 * timestamps, made in Java from the binary form instead of by a cast in the COPY query, which
 * spent the server's CPU: 0.25 of parallel COPY's rate on a table of ranges (docs/performance.md).
 * The session's {@code DateStyle} is ISO, and a timestamptz's text is its UTC one: ranges of
 * timestamptz are read this way only in a session whose {@code TimeZone} is UTC ({@link PgCatalog}).
 *
 * <p>Written from PostgreSQL's range_send, range_deparse and range_bound_escape
 * (src/backend/utils/adt/rangetypes.c), multirange_send and multirange_out, and EncodeDateOnly and
 * EncodeDateTime for ISO dates (src/backend/utils/adt/datetime.c); checked value by value against
 * the server's own text (TypeTextPropertiesTest).
 */
final class PgRangeText {

    private static final int EMPTY = 0x01;
    private static final int LOWER_INCLUSIVE = 0x02;
    private static final int UPPER_INCLUSIVE = 0x04;
    private static final int LOWER_INFINITE = 0x08;
    private static final int UPPER_INFINITE = 0x10;
    private static final int LOWER_NULL = 0x20;
    private static final int UPPER_NULL = 0x40;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /** Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
    private static final long EPOCH_DAYS = 10_957;

    private PgRangeText() {
    }

    /** Whether a range of this subtype is read here; any other is left to the server's cast. */
    static boolean handles(Kind subtype, boolean utcSession) {
        return switch (subtype) {
            case INT4, INT8, NUMERIC_TEXT, DATE, TIMESTAMP -> true;
            case TIMESTAMPTZ -> utcSession;
            default -> false;
        };
    }

    /** A multirange: the count of ranges, then each as a length and a range; printed in braces, comma-separated. */
    static void multirange(Kind subtype, byte[] b, int p, ColumnBuffer out) {
        int count = PgValues.i32(b, p);
        int q = p + 4;
        out.append((byte) '{');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append((byte) ',');
            }
            int len = PgValues.i32(b, q);
            range(subtype, b, q + 4, out);
            q += 4 + len;
        }
        out.append((byte) '}');
    }

    /** A range: its flags, then the lower and the upper bound each as a length and the subtype's binary form where it has one. */
    static void range(Kind subtype, byte[] b, int p, ColumnBuffer out) {
        int flags = b[p] & 0xff;
        if ((flags & EMPTY) != 0) {
            out.appendAscii("empty");
            return;
        }
        int q = p + 1;
        out.append((byte) ((flags & LOWER_INCLUSIVE) != 0 ? '[' : '('));
        if ((flags & (LOWER_INFINITE | LOWER_NULL)) == 0) {
            q += 4 + bound(subtype, b, q, out);
        }
        out.append((byte) ',');
        if ((flags & (UPPER_INFINITE | UPPER_NULL)) == 0) {
            bound(subtype, b, q, out);
        }
        out.append((byte) ((flags & UPPER_INCLUSIVE) != 0 ? ']' : ')'));
    }

    /**
     * One bound's text, in double quotes when it holds a space (a timestamp, a BC date), as
     * range_bound_escape quotes it; none of these subtypes' texts holds a quote or a backslash to
     * escape. Returns the bound's length in the stream.
     */
    private static int bound(Kind subtype, byte[] b, int p, ColumnBuffer out) {
        int len = PgValues.i32(b, p);
        int v = p + 4;
        out.append((byte) '"'); // kept only if the text needs it
        int start = out.payloadLength;
        switch (subtype) {
            case INT4 -> out.appendDecimal(PgValues.i32(b, v));
            case INT8 -> out.appendDecimal(PgValues.i64(b, v));
            case NUMERIC_TEXT -> PgNumeric.numericText(b, v, out);
            case DATE -> date(PgValues.i32(b, v), out);
            case TIMESTAMP -> timestamp(PgValues.i64(b, v), false, out);
            default -> timestamp(PgValues.i64(b, v), true, out);
        }
        boolean quote = false;
        for (int i = start; i < out.payloadLength && !quote; i++) {
            quote = out.payload[i] == ' ';
        }
        if (quote) {
            out.append((byte) '"');
        } else {
            System.arraycopy(out.payload, start, out.payload, start - 1, out.payloadLength - start);
            out.payloadLength--;
        }
        return len;
    }

    /** A date as ISO DateStyle prints it: {@code 2026-01-31}, {@code 0044-03-15 BC}, {@code infinity}. */
    static void date(int pgDays, ColumnBuffer out) {
        if (pgDays == Integer.MAX_VALUE || pgDays == Integer.MIN_VALUE) {
            out.appendAscii(pgDays > 0 ? "infinity" : "-infinity");
            return;
        }
        LocalDate d = LocalDate.ofEpochDay(pgDays + EPOCH_DAYS);
        ymd(d, out);
        if (d.getYear() <= 0) {
            out.appendAscii(" BC");
        }
    }

    /** A timestamp as ISO DateStyle prints it, with {@code +00} for a timestamptz in UTC: {@code 2026-01-31 08:00:00.5+00}. */
    static void timestamp(long pgMicros, boolean utc, ColumnBuffer out) {
        if (pgMicros == Long.MAX_VALUE || pgMicros == Long.MIN_VALUE) {
            out.appendAscii(pgMicros > 0 ? "infinity" : "-infinity");
            return;
        }
        long day = Math.floorDiv(pgMicros, MICROS_PER_DAY);
        long time = Math.floorMod(pgMicros, MICROS_PER_DAY);
        LocalDate d = LocalDate.ofEpochDay(day + EPOCH_DAYS);
        ymd(d, out);
        out.append((byte) ' ');
        out.ensure(PgTypeText.TIME_OF_DAY);
        out.payloadLength = PgTypeText.timeOfDay(out.payload, out.payloadLength, time);
        if (utc) {
            out.appendAscii("+00");
        }
        if (d.getYear() <= 0) {
            out.appendAscii(" BC");
        }
    }

    /** Year (at least four digits; 1 BC is year 0, printed 0001), month and day. */
    private static void ymd(LocalDate d, ColumnBuffer out) {
        int year = d.getYear() > 0 ? d.getYear() : 1 - d.getYear();
        for (int digits = year < 10 ? 3 : year < 100 ? 2 : year < 1000 ? 1 : 0; digits > 0; digits--) {
            out.append((byte) '0');
        }
        out.appendDecimal(year);
        out.append((byte) '-');
        out.appendTwoDigits(d.getMonthValue());
        out.append((byte) '-');
        out.appendTwoDigits(d.getDayOfMonth());
    }
}
