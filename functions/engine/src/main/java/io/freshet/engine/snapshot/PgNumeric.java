package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.PgValues.i16;

import java.math.BigInteger;

import io.freshet.engine.snapshot.PgValues.UnrepresentableValueException;

/**
 * PostgreSQL's binary numeric (as {@code COPY ... (FORMAT binary)} sends it: digit count, weight,
 * sign and display scale, then base-10000 digits) decoded into DuckDB's DECIMAL integers of 2 to 16
 * bytes, or written as {@code numeric_out}'s exact text (unconstrained numeric, watermarks).
 */
final class PgNumeric {

    static final int NUMERIC_POS = 0x0000;
    static final int NUMERIC_NEG = 0x4000;
    static final int NUMERIC_NAN = 0xC000;
    static final int NUMERIC_PINF = 0xD000;
    static final int NUMERIC_NINF = 0xF000;

    /** The base of a numeric's digits. */
    private static final long NBASE = 10_000;

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

    /**
     * As {@link #unscaledLong} for precision 19..38, into {@code row} of a 16-byte column as DuckDB
     * keeps a DECIMAL of that precision: a 128-bit two's complement integer, worked out in two
     * longs. (Through BigInteger, a value cost about ten allocations, one per base-10000 digit, and
     * numeric(38,10) read at 0.65 of DuckDB's scanner.) Horner's rule over the digits down to the
     * scale, then the power of ten that remains: each step is a prefix of the value, which fits
     * (precision <= 38), so none overflows 128 bits.
     */
    static void unscaledHuge(byte[] b, int p, int scale, ColumnBuffer col, int row) {
        int ndigits = i16(b, p);
        int weight = i16(b, p + 2);
        int sign = i16(b, p + 4) & 0xffff;
        checkFinite(sign);
        long lo = 0;
        long hi = 0;
        int exp = 0; // the power of ten of the last digit taken, in the unscaled value
        int d = p + 8;
        for (int i = 0; i < ndigits; i++, d += 2) {
            int e = 4 * (weight - i) + scale;
            if (e <= -4) {
                break; // wholly below the scale: dropped, as unscaledLong drops it
            }
            // A digit that straddles the scale keeps only its 4 + e digits above it (truncated, as
            // unscaledLong does), so the sum never passes the value.
            long base = e >= 0 ? NBASE : POW10[4 + e];
            long digit = e >= 0 ? i16(b, d) : i16(b, d) / POW10[-e];
            long carry = Math.unsignedMultiplyHigh(lo, base);
            hi = hi * base + carry;
            lo *= base;
            long sum = lo + digit;
            if (Long.compareUnsigned(sum, lo) < 0) {
                hi++;
            }
            lo = sum;
            exp = Math.max(e, 0);
        }
        for (int left = exp; left > 0; left -= 18) {
            long m = POW10[Math.min(left, 18)];
            long carry = Math.unsignedMultiplyHigh(lo, m);
            hi = hi * m + carry;
            lo *= m;
        }
        if (sign == NUMERIC_NEG) {
            hi = lo == 0 ? -hi : ~hi;
            lo = -lo;
        }
        col.putHuge(row, lo, hi);
    }

    /** As {@link #unscaledLong} for precision 19..38, as a BigInteger (a watermark's value). */
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
            throw new UnrepresentableValueException("NaN has no DECIMAL form; " + PgValues.UNREPRESENTABLE_REMEDY);
        }
        if (sign == NUMERIC_PINF || sign == NUMERIC_NINF) {
            throw new UnrepresentableValueException("Infinity has no DECIMAL form; " + PgValues.UNREPRESENTABLE_REMEDY);
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

    private PgNumeric() {
    }
}
