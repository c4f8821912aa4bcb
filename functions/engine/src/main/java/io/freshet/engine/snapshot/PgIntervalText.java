package io.freshet.engine.snapshot;

/**
 * An interval's binary COPY form (microseconds, days, months) as the text PostgreSQL itself prints
 * with {@code IntervalStyle = 'postgres'}, which the snapshot session pins: {@code 1 year 2 mons
 * -3 days +04:05:06.5}. Decoding here instead of selecting {@code CAST(col AS text)} saves
 * PostgreSQL's backend the formatting: on 8 interval columns the snapshot's rows/s doubled (0.15 to
 * 0.29 of parallel COPY's) with the client's CPU per row about the same (docs/performance.md).
 *
 * <p>A transcription of {@code EncodeInterval} (INTSTYLE_POSTGRES), {@code AddPostgresIntPart} and
 * {@code AppendSeconds} in PostgreSQL's src/backend/utils/adt/datetime.c, after {@code
 * interval2itm}: C's integer division truncates toward zero, as Java's does. PostgreSQL 17's
 * infinite intervals print as {@code infinity} and {@code -infinity}.
 */
final class PgIntervalText {

    private static final int MONTHS_PER_YEAR = 12;
    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final long MICROS_PER_MINUTE = 60_000_000L;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private PgIntervalText() {
    }

    /** Appends the text of the interval of {@code micros}, {@code days} and {@code months} to {@code out}. */
    static void append(long micros, int days, int months, ColumnBuffer out) {
        if (months == Integer.MAX_VALUE && days == Integer.MAX_VALUE && micros == Long.MAX_VALUE) {
            out.appendAscii("infinity");
            return;
        }
        if (months == Integer.MIN_VALUE && days == Integer.MIN_VALUE && micros == Long.MIN_VALUE) {
            out.appendAscii("-infinity");
            return;
        }
        Parts parts = new Parts(out);
        parts.add(months / MONTHS_PER_YEAR, "year");
        parts.add(months % MONTHS_PER_YEAR, "mon");
        parts.add(days, "day");
        time(micros, parts, out);
    }

    /** The time part, {@code [-+]HH:MM:SS[.ffffff]}: when it is not zero, or when all else was. */
    private static void time(long micros, Parts parts, ColumnBuffer out) {
        long time = micros;
        long hour = time / MICROS_PER_HOUR;
        time -= hour * MICROS_PER_HOUR;
        int min = (int) (time / MICROS_PER_MINUTE);
        time -= min * MICROS_PER_MINUTE;
        int sec = (int) (time / MICROS_PER_SECOND);
        int fsec = (int) (time - sec * MICROS_PER_SECOND);
        if (!parts.isZero && micros == 0) {
            return;
        }
        if (!parts.isZero) {
            out.append((byte) ' ');
        }
        if (micros < 0) { // hour, min, sec and fsec all share the sign of micros
            out.append((byte) '-');
        } else if (parts.isBefore) {
            out.append((byte) '+');
        }
        long h = Math.abs(hour); // |micros| / 3.6e9: never Long.MIN_VALUE
        if (h < 10) {
            out.append((byte) '0');
        }
        out.appendDecimal(h);
        out.append((byte) ':');
        two(out, Math.abs(min));
        out.append((byte) ':');
        two(out, Math.abs(sec));
        fraction(out, Math.abs(fsec));
    }

    /** The year, month and day parts: each non-zero one, signed, separated by spaces (AddPostgresIntPart). */
    private static final class Parts {
        private final ColumnBuffer out;
        boolean isZero = true;
        boolean isBefore;

        Parts(ColumnBuffer out) {
            this.out = out;
        }

        void add(int value, String unit) {
            if (value == 0) {
                return;
            }
            if (!isZero) {
                out.append((byte) ' ');
            }
            if (isBefore && value > 0) {
                out.append((byte) '+');
            }
            out.appendDecimal(value);
            out.append((byte) ' ');
            out.appendAscii(unit);
            if (value != 1) {
                out.append((byte) 's');
            }
            // each non-zero part sets "before" for the next one only, as PostgreSQL always has
            isBefore = value < 0;
            isZero = false;
        }
    }

    /** Two decimal digits, zero-padded: {@code v} below 100. */
    static void two(ColumnBuffer out, int v) {
        out.append((byte) ('0' + v / 10));
        out.append((byte) ('0' + v % 10));
    }

    /** {@code .ffffff} without trailing zeros, nothing for 0 (AppendSeconds, precision 6). */
    static void fraction(ColumnBuffer out, int fsec) {
        if (fsec == 0) {
            return;
        }
        int digits = 6;
        int v = fsec;
        while (v % 10 == 0) {
            v /= 10;
            digits--;
        }
        out.append((byte) '.');
        int div = 100_000;
        for (int k = 0; k < digits; k++) {
            out.append((byte) ('0' + fsec / div % 10));
            div /= 10;
        }
    }
}
