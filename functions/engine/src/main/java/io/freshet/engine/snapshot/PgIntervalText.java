package io.freshet.engine.snapshot;

import java.nio.charset.StandardCharsets;

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
    private static final Unit YEAR = new Unit("year");
    private static final Unit MONTH = new Unit("mon");
    private static final Unit DAY = new Unit("day");
    /** Room for the longest text, {@code -178956970 years -8 mons -2147483648 days -2562047788:00:54.775808} (67 bytes). */
    private static final int LONGEST = 80;

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
        out.ensure(LONGEST); // then written at a local position: one capacity check per value
        byte[] d = out.payload;
        int start = out.payloadLength;
        int years = months / MONTHS_PER_YEAR;
        int mons = months % MONTHS_PER_YEAR;
        // each non-zero part sets "before" (a sign for the next positive part) for the next one only, as PostgreSQL always has
        int p = part(d, start, start, false, years, YEAR);
        p = part(d, p, start, years < 0, mons, MONTH);
        boolean before = mons != 0 ? mons < 0 : years < 0;
        p = part(d, p, start, before, days, DAY);
        before = days != 0 ? days < 0 : before;
        out.payloadLength = time(d, p, start, before, micros);
    }

    /** A year, month or day part, when it is not zero: {@code [ ][+]N unit[s]} (AddPostgresIntPart). */
    private static int part(byte[] d, int p, int start, boolean before, int value, Unit unit) {
        if (value == 0) {
            return p;
        }
        if (p != start) {
            d[p++] = ' ';
        }
        if (before && value > 0) {
            d[p++] = '+';
        }
        p = Digits.signed(d, p, value);
        return Digits.copy(d, p, value == 1 ? unit.one : unit.many);
    }

    /** The time part, {@code [-+]HH:MM:SS[.ffffff]}: when it is not zero, or when all else was. */
    private static int time(byte[] d, int p, int start, boolean before, long micros) {
        boolean zero = p == start;
        if (!zero && micros == 0) {
            return p;
        }
        long hour = micros / MICROS_PER_HOUR;
        long rest = micros - hour * MICROS_PER_HOUR;
        int min = (int) (rest / MICROS_PER_MINUTE);
        rest -= min * MICROS_PER_MINUTE;
        int sec = (int) (rest / MICROS_PER_SECOND);
        int fsec = (int) (rest - sec * MICROS_PER_SECOND);
        if (!zero) {
            d[p++] = ' ';
        }
        if (micros < 0) { // hour, min, sec and fsec all share the sign of micros
            d[p++] = '-';
        } else if (before) {
            d[p++] = '+';
        }
        long h = Math.abs(hour); // |micros| / 3.6e9: never Long.MIN_VALUE
        if (h < 10) {
            d[p++] = '0';
        }
        p = Digits.unsigned(d, p, h);
        d[p++] = ':';
        p = Digits.two(d, p, Math.abs(min));
        d[p++] = ':';
        p = Digits.two(d, p, Math.abs(sec));
        return Digits.microsFraction(d, p, Math.abs(fsec));
    }

    /** A part's unit after its number, {@code " day"} or {@code " days"}, as bytes to copy. */
    private record Unit(byte[] one, byte[] many) {
        Unit(String name) {
            this((" " + name).getBytes(StandardCharsets.US_ASCII), (" " + name + "s").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
