package io.freshet.engine.snapshot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import io.freshet.core.error.PermanentException;

/**
 * PostgreSQL's binary value formats (as {@code COPY ... (FORMAT binary)} sends them) decoded into
 * DuckDB's representations, and PostgreSQL's text syntax for the values Freshet writes back
 * (watermarks); numeric's are in {@link PgNumeric}.
 *
 * <p>Deliberate choices, documented in {@link PostgresSnapshot}:
 * <ul>
 * <li>{@code infinity}/{@code -infinity} dates and timestamps become DuckDB's own infinities (in
 *     Parquet: the largest/smallest int32 day resp. int64 microsecond values);</li>
 * <li>timestamps after 294247-01-10 (PostgreSQL goes to 294276) do not fit DuckDB's microseconds since
 *     1970 in 64 bits: the snapshot fails naming the column rather than write a wrong instant;</li>
 * <li>NaN in a {@code numeric(p,s)} column has no DECIMAL form: the snapshot fails naming the column
 *     (unconstrained {@code numeric} is text, where NaN and ±Infinity are kept as written).</li>
 * </ul>
 */
final class PgValues {

    static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Days and microseconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01. */
    static final int PG_EPOCH_DAYS = 10_957;
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** What a user can do about a value the lake's types cannot hold: the table itself is as PostgreSQL allows. */
    static final String UNREPRESENTABLE_REMEDY = "read the table through a view (or, as an input, a query) that casts the column "
            + "to text or leaves such rows out";

    /** DuckDB's date and timestamp infinities (date_t/timestamp_t::infinity() and ninfinity()). */
    static final int DUCK_DATE_INFINITY = Integer.MAX_VALUE;
    static final int DUCK_DATE_NEG_INFINITY = -Integer.MAX_VALUE;
    static final long DUCK_TS_INFINITY = Long.MAX_VALUE;
    static final long DUCK_TS_NEG_INFINITY = -Long.MAX_VALUE;


    /** A value PostgreSQL holds that the target type cannot; the decoder adds the table and column. */
    static class UnrepresentableValueException extends PermanentException {
        UnrepresentableValueException(String message) {
            super(message);
        }
    }

    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

    private PgValues() {
    }

    static short i16(byte[] b, int p) {
        return (short) SHORT_BE.get(b, p);
    }

    static int i32(byte[] b, int p) {
        return (int) INT_BE.get(b, p);
    }

    static long i64(byte[] b, int p) {
        return (long) LONG_BE.get(b, p);
    }

    /** PostgreSQL days since 2000 -> DuckDB days since 1970. */
    static int duckDate(int pgDays) {
        if (pgDays == Integer.MAX_VALUE) {
            return DUCK_DATE_INFINITY;
        }
        if (pgDays == Integer.MIN_VALUE) {
            return DUCK_DATE_NEG_INFINITY;
        }
        return pgDays + PG_EPOCH_DAYS; // PostgreSQL's range (4713 BC .. 5874897 AD) fits
    }

    /** PostgreSQL microseconds since 2000 -> DuckDB microseconds since 1970. */
    static long duckTimestamp(long pgMicros) {
        // the common case in as few bytecodes as the JIT inlines into any caller, however cold
        if (pgMicros > Long.MIN_VALUE && pgMicros < Long.MAX_VALUE - PG_EPOCH_MICROS) {
            return pgMicros + PG_EPOCH_MICROS;
        }
        return duckTimestampAtTheEnds(pgMicros);
    }

    /** ±infinity, or an instant past what DuckDB holds (refused). */
    private static long duckTimestampAtTheEnds(long pgMicros) {
        if (pgMicros == Long.MAX_VALUE) {
            return DUCK_TS_INFINITY;
        }
        if (pgMicros == Long.MIN_VALUE) {
            return DUCK_TS_NEG_INFINITY;
        }
        throw new UnrepresentableValueException("timestamp " + pgTimestampText(pgMicros, false)
                + " is after 294247-01-10, the last instant DuckDB and Parquet can hold in microseconds since 1970; "
                + UNREPRESENTABLE_REMEDY);
    }

    /** bytea's bytes in base64 (RFC 4648, padded), for DuckDB's from_base64. */
    static void base64(byte[] b, int p, int len, ColumnBuffer out) {
        out.ensure((len + 2) / 3 * 4);
        byte[] dst = out.payload;
        int o = out.payloadLength;
        int whole = p + len / 3 * 3;
        for (int i = p; i < whole; i += 3) {
            int v = (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | b[i + 2] & 0xff;
            dst[o] = BASE64[v >>> 18];
            dst[o + 1] = BASE64[v >>> 12 & 63];
            dst[o + 2] = BASE64[v >>> 6 & 63];
            dst[o + 3] = BASE64[v & 63];
            o += 4;
        }
        int rest = p + len - whole;
        if (rest > 0) {
            int v = (b[whole] & 0xff) << 16 | (rest == 2 ? (b[whole + 1] & 0xff) << 8 : 0);
            dst[o] = BASE64[v >>> 18];
            dst[o + 1] = BASE64[v >>> 12 & 63];
            dst[o + 2] = rest == 2 ? BASE64[v >>> 6 & 63] : (byte) '=';
            dst[o + 3] = (byte) '=';
            o += 4;
        }
        out.payloadLength = o;
    }

    // ---- PostgreSQL input syntax for watermarks ---------------------------------------------------

    /** PostgreSQL days since 2000 -> {@code 2026-05-26}, {@code 0044-03-15 BC}, {@code infinity}. */
    static String pgDateText(int pgDays) {
        if (pgDays == Integer.MAX_VALUE) {
            return "infinity";
        }
        if (pgDays == Integer.MIN_VALUE) {
            return "-infinity";
        }
        LocalDate d = LocalDate.ofEpochDay((long) pgDays + PG_EPOCH_DAYS);
        return yearText(d.getYear()) + "-" + pad2(d.getMonthValue()) + "-" + pad2(d.getDayOfMonth()) + (d.getYear() <= 0 ? " BC" : "");
    }

    /**
     * PostgreSQL microseconds since 2000 -> {@code 2026-05-26 08:15:02.123456}, with {@code +00}
     * for timestamptz (the value is a UTC instant), {@code BC} for years before 1.
     */
    static String pgTimestampText(long pgMicros, boolean withZone) {
        if (pgMicros == Long.MAX_VALUE) {
            return "infinity";
        }
        if (pgMicros == Long.MIN_VALUE) {
            return "-infinity";
        }
        long seconds = Math.floorDiv(pgMicros, 1_000_000L);
        int micros = (int) Math.floorMod(pgMicros, 1_000_000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds + PG_EPOCH_MICROS / 1_000_000L, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(40);
        sb.append(yearText(t.getYear())).append('-').append(pad2(t.getMonthValue())).append('-').append(pad2(t.getDayOfMonth()))
                .append(' ').append(pad2(t.getHour())).append(':').append(pad2(t.getMinute())).append(':').append(pad2(t.getSecond()));
        if (micros != 0) {
            String f = String.format("%06d", micros);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        if (withZone) {
            sb.append("+00");
        }
        if (t.getYear() <= 0) {
            sb.append(" BC");
        }
        return sb.toString();
    }

    /** ISO proleptic year (0 = 1 BC) -> PostgreSQL's year digits, at least four. */
    private static String yearText(int isoYear) {
        int year = isoYear <= 0 ? 1 - isoYear : isoYear;
        String s = Integer.toString(year);
        return s.length() >= 4 ? s : "0".repeat(4 - s.length()) + s;
    }

    private static String pad2(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    static String decimalText(long unscaled, int scale) {
        return BigDecimal.valueOf(unscaled, scale).toPlainString();
    }

    static String decimalText(BigInteger unscaled, int scale) {
        return new BigDecimal(unscaled, scale).toPlainString();
    }
}
