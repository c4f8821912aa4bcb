package io.freshet.engine.snapshot;

/**
 * Decimal digits written into a byte array at a position, returning the position after them: the
 * numbers in the text PostgreSQL prints, made in Java for intervals, times with a zone, inet,
 * ranges and unsigned ids. The caller makes room first ({@link ColumnBuffer#ensure}), so that a
 * value of several numbers is written with one capacity check and its position kept in a local
 * variable, not in the buffer's field byte by byte.
 */
final class Digits {

    /** Room for a long's text: a sign and 19 digits. */
    static final int LONG_TEXT = 20;

    /** {@code "00"} to {@code "99"}: the two ASCII digits of {@code n} at {@code 2n} and {@code 2n + 1}. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int n = 0; n < 100; n++) {
            PAIRS[2 * n] = (byte) ('0' + n / 10);
            PAIRS[2 * n + 1] = (byte) ('0' + n % 10);
        }
    }

    private Digits() {
    }

    /** {@code v}'s digits, signed, at {@code p}: {@link #LONG_TEXT} bytes of room at most. */
    static int signed(byte[] d, int p, long v) {
        if (v >= 0) {
            return unsigned(d, p, v);
        }
        if (v == Long.MIN_VALUE) { // the one value whose negation does not fit
            d[p] = '-';
            d[p + 1] = '9';
            return unsigned(d, p + 2, 223_372_036_854_775_808L);
        }
        d[p] = '-';
        return unsigned(d, p + 1, -v);
    }

    /** The digits of {@code v} >= 0 at {@code p}, two at a time from the end. */
    static int unsigned(byte[] d, int p, long v) {
        int end = p + count(v);
        int i = end;
        for (; v >= 100; v /= 100) {
            int pair = (int) (v % 100) << 1;
            d[--i] = PAIRS[pair + 1];
            d[--i] = PAIRS[pair];
        }
        if (v >= 10) {
            d[--i] = PAIRS[((int) v << 1) + 1];
            d[--i] = PAIRS[(int) v << 1];
        } else {
            d[--i] = (byte) ('0' + v);
        }
        return end;
    }

    /** How many digits {@code v} >= 0 has, by comparisons (a long has at most 19). */
    private static int count(long v) {
        int n = 1;
        for (long t = 10; n < 19 && v >= t; t *= 10) {
            n++;
        }
        return n;
    }

    /** Two digits, zero-padded: {@code v} from 0 to 99 (hours, minutes, seconds, months, days). */
    static int two(byte[] d, int p, int v) {
        d[p] = PAIRS[v << 1];
        d[p + 1] = PAIRS[(v << 1) + 1];
        return p + 2;
    }

    /**
     * {@code .ffffff} of {@code micros} (0 to 999,999) without its trailing zeros, nothing for 0 (7
     * bytes of room at most): a second's fraction as PostgreSQL's AppendSeconds prints it at
     * precision 6.
     */
    static int microsFraction(byte[] d, int p, int micros) {
        if (micros == 0) {
            return p;
        }
        d[p] = '.';
        two(d, p + 1, micros / 10_000);
        two(d, p + 3, micros / 100 % 100);
        two(d, p + 5, micros % 100);
        int end = p + 7;
        while (d[end - 1] == '0') { // stops at a digit: micros is not 0
            end--;
        }
        return end;
    }

    /** {@code bytes} at {@code p}. */
    static int copy(byte[] d, int p, byte[] bytes) {
        System.arraycopy(bytes, 0, d, p, bytes.length);
        return p + bytes.length;
    }
}
