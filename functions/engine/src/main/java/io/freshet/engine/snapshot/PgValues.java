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
 * (watermarks, numeric text).
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

    /** DuckDB's date and timestamp infinities (date_t/timestamp_t::infinity() and ninfinity()). */
    static final int DUCK_DATE_INFINITY = Integer.MAX_VALUE;
    static final int DUCK_DATE_NEG_INFINITY = -Integer.MAX_VALUE;
    static final long DUCK_TS_INFINITY = Long.MAX_VALUE;
    static final long DUCK_TS_NEG_INFINITY = -Long.MAX_VALUE;

    static final int NUMERIC_POS = 0x0000;
    static final int NUMERIC_NEG = 0x4000;
    static final int NUMERIC_NAN = 0xC000;
    static final int NUMERIC_PINF = 0xD000;
    static final int NUMERIC_NINF = 0xF000;

    private static final long[] POW10 = new long[19];
    private static final BigInteger[] POW10_BIG = new BigInteger[40];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        for (int i = 0; i < POW10_BIG.length; i++) {
            POW10_BIG[i] = BigInteger.TEN.pow(i);
        }
    }

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
        if (pgMicros == Long.MAX_VALUE) {
            return DUCK_TS_INFINITY;
        }
        if (pgMicros == Long.MIN_VALUE) {
            return DUCK_TS_NEG_INFINITY;
        }
        if (pgMicros >= Long.MAX_VALUE - PG_EPOCH_MICROS) {
            throw new UnrepresentableValueException("timestamp " + pgTimestampText(pgMicros, false)
                    + " is after 294247-01-10, the last instant DuckDB and Parquet can hold in microseconds since 1970");
        }
        return pgMicros + PG_EPOCH_MICROS;
    }

    // ---- numeric ------------------------------------------------------------------------------

    static int numericSign(byte[] b, int p) {
        return i16(b, p + 4) & 0xffff;
    }

    /**
     * The unscaled value of a numeric at declared scale {@code scale}, for precision <= 18. Each
     * base-10000 digit contributes {@code digit * 10^(4*(weight-i) + scale)}; digits past the scale
     * are zero (PostgreSQL rounds to the column's scale), so every term is exact and the sum fits.
     */
    static long unscaledLong(byte[] b, int p, int scale) {
        int ndigits = i16(b, p);
        int weight = i16(b, p + 2);
        int sign = i16(b, p + 4) & 0xffff;
        checkFinite(sign);
        long v = 0;
        int d = p + 8;
        for (int i = 0; i < ndigits; i++, d += 2) {
            int digit = i16(b, d);
            int exp = 4 * (weight - i) + scale;
            if (exp >= 0) {
                v += digit * POW10[exp];
            } else if (exp > -4) {
                v += digit / POW10[-exp];
            }
        }
        return sign == NUMERIC_NEG ? -v : v;
    }

    /** As {@link #unscaledLong} for precision 19..38. */
    static BigInteger unscaledBig(byte[] b, int p, int scale) {
        int ndigits = i16(b, p);
        int weight = i16(b, p + 2);
        int sign = i16(b, p + 4) & 0xffff;
        checkFinite(sign);
        BigInteger v = BigInteger.ZERO;
        int d = p + 8;
        for (int i = 0; i < ndigits; i++, d += 2) {
            int digit = i16(b, d);
            int exp = 4 * (weight - i) + scale;
            if (exp >= 0) {
                v = v.add(BigInteger.valueOf(digit).multiply(POW10_BIG[exp]));
            } else if (exp > -4) {
                v = v.add(BigInteger.valueOf(digit / POW10[-exp]));
            }
        }
        return sign == NUMERIC_NEG ? v.negate() : v;
    }

    private static void checkFinite(int sign) {
        if (sign == NUMERIC_NAN) {
            throw new UnrepresentableValueException("NaN has no DECIMAL form");
        }
        if (sign == NUMERIC_PINF || sign == NUMERIC_NINF) {
            throw new UnrepresentableValueException("Infinity has no DECIMAL form");
        }
    }

    /**
     * A numeric's text exactly as PostgreSQL's {@code numeric_out} writes it: no exponent, exactly
     * {@code dscale} fractional digits, {@code NaN}, {@code Infinity}, {@code -Infinity}.
     */
    static void numericText(byte[] b, int p, ColumnBuffer out) {
        int ndigits = i16(b, p);
        int weight = i16(b, p + 2);
        int sign = i16(b, p + 4) & 0xffff;
        int dscale = i16(b, p + 6) & 0x3fff;
        switch (sign) {
            case NUMERIC_NAN -> {
                out.appendAscii("NaN");
                return;
            }
            case NUMERIC_PINF -> {
                out.appendAscii("Infinity");
                return;
            }
            case NUMERIC_NINF -> {
                out.appendAscii("-Infinity");
                return;
            }
            default -> {
            }
        }
        // Written straight into the payload after one bounds check: a value's text is at most a
        // sign, 4 digits per base-10000 digit before the point, the point and dscale digits.
        out.ensure(2 + 4 * Math.max(1, weight + 1) + dscale);
        byte[] dst = out.payload;
        int o = out.payloadLength;
        int d = p + 8;
        if (sign == NUMERIC_NEG) {
            dst[o++] = '-';
        }
        if (weight < 0) {
            dst[o++] = '0';
        } else {
            o = leadingGroup(dst, o, ndigits > 0 ? i16(b, d) : 0);
            for (int i = 1; i <= weight; i++) {
                int digit = i < ndigits ? i16(b, d + 2 * i) : 0;
                dst[o] = (byte) ('0' + digit / 1000);
                dst[o + 1] = (byte) ('0' + digit / 100 % 10);
                dst[o + 2] = (byte) ('0' + digit / 10 % 10);
                dst[o + 3] = (byte) ('0' + digit % 10);
                o += 4;
            }
        }
        if (dscale > 0) {
            dst[o++] = '.';
            o = fraction(b, d, ndigits, weight, dscale, dst, o);
        }
        out.payloadLength = o;
    }

    /**
     * The {@code dscale} decimals after the point: each base-10000 digit gives four (the last
     * fewer, as the scale says), by constant divisors, which the JIT turns into multiplications.
     */
    private static int fraction(byte[] b, int d, int ndigits, int weight, int dscale, byte[] dst, int o) {
        int at = o;
        for (int i = weight + 1, left = dscale; left > 0; i++) {
            int digit = i >= 0 && i < ndigits ? i16(b, d + 2 * i) : 0;
            int n = Math.min(4, left);
            dst[at] = (byte) ('0' + digit / 1000);
            if (n > 1) {
                dst[at + 1] = (byte) ('0' + digit / 100 % 10);
            }
            if (n > 2) {
                dst[at + 2] = (byte) ('0' + digit / 10 % 10);
            }
            if (n > 3) {
                dst[at + 3] = (byte) ('0' + digit % 10);
            }
            at += n;
            left -= n;
        }
        return at;
    }

    /** The first base-10000 digit group, without leading zeros ({@code 0} for zero). */
    private static int leadingGroup(byte[] dst, int o, int v) {
        int pos = o;
        if (v >= 1000) {
            dst[pos++] = (byte) ('0' + v / 1000);
        }
        if (v >= 100) {
            dst[pos++] = (byte) ('0' + v / 100 % 10);
        }
        if (v >= 10) {
            dst[pos++] = (byte) ('0' + v / 10 % 10);
        }
        dst[pos++] = (byte) ('0' + v % 10);
        return pos;
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
