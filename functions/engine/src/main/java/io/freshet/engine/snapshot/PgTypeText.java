package io.freshet.engine.snapshot;

import java.nio.charset.StandardCharsets;

/**
 * The text that {@code CAST(col AS text)} gives for inet, cidr, macaddr, macaddr8, bit, varbit,
 * timetz and tsvector, made in Java from their binary COPY forms. Selecting the cast in the COPY query spent the
 * server's CPU on formatting, which bounds a snapshot on two shared cores: a table of two inets, a
 * macaddr, a timetz and a bit(16) read at 0.25 of parallel COPY's rate (docs/performance.md). None
 * of these texts depends on a session setting (DateStyle changes only timetz's zone, and only in
 * XML's style), so it is the same whatever the server's configuration.
 *
 * <p>Written from PostgreSQL's network_show and pg_inet_net_ntop (src/port/inet_net_ntop.c),
 * macaddr_out, macaddr8_out, varbit_out, tsvectorout, and timetz_out with EncodeTimeOnly and EncodeTimezone
 * (src/backend/utils/adt/datetime.c); checked value by value against the server's own text.
 */
final class PgTypeText {

    /** PGSQL_AF_INET: the family byte of an IPv4 inet (PGSQL_AF_INET6 is 3). */
    private static final int AF_INET = 2;
    /** The most bytes {@link #timeOfDay} writes: {@code HH:MM:SS.ffffff}. */
    static final int TIME_OF_DAY = 15;
    /** The most bytes of a timetz's zone: {@code +HH:MM:SS}. */
    private static final int ZONE = 9;
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private PgTypeText() {
    }

    /**
     * inet or cidr: family, mask length, is_cidr, address length, address. Printed as {@code
     * CAST(col AS text)} (network_show) prints them, the form Freshet has always published: the
     * address, then the mask length always ({@code 192.168.0.1/32}, {@code ::1/128}), where the
     * type's own output leaves a whole address's mask out.
     */
    static void inet(byte[] b, int p, int len, ColumnBuffer out) {
        int family = b[p];
        int nb = b[p + 3] & 0xff;
        if (len != 4 + nb || nb != (family == AF_INET ? 4 : 16)) {
            throw new RowDecoder.CopyFormatException("inet value of " + len + " bytes for family " + family + " and " + nb + " address bytes");
        }
        if (family == AF_INET) {
            dotted(b, p + 4, out);
        } else {
            ipv6(b, p + 4, out);
        }
        out.append((byte) '/');
        out.appendDecimal(b[p + 1] & 0xff);
    }

    private static void dotted(byte[] b, int p, ColumnBuffer out) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                out.append((byte) '.');
            }
            out.appendDecimal(b[p + i] & 0xff);
        }
    }

    /**
     * Eight groups of lowercase hex without leading zeros; the longest run of two or more zero groups
     * (the first of equal ones) as {@code ::}; and the last four bytes dotted when the address is
     * IPv4-compatible ({@code ::1.2.3.4}, six zero groups first) or IPv4-mapped ({@code
     * ::ffff:1.2.3.4}).
     */
    private static void ipv6(byte[] b, int p, ColumnBuffer out) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = (b[p + 2 * i] & 0xff) << 8 | (b[p + 2 * i + 1] & 0xff);
        }
        ZeroRun run = ZeroRun.longest(words);
        int bestBase = run.base();
        int bestLen = run.length();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    out.append((byte) ':');
                }
                continue;
            }
            if (i != 0) {
                out.append((byte) ':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || bestLen == 5 && words[5] == 0xffff)) {
                dotted(b, p + 12, out);
                return; // the trailing-run colon cannot apply: the run ended before group 6
            }
            hex(words[i], out);
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            out.append((byte) ':');
        }
    }

    /** A run of zero groups to print as {@code ::}: base -1 when there is none. */
    private record ZeroRun(int base, int length) {
        /** The first longest run of two or more zero groups. */
        static ZeroRun longest(int[] words) {
            int bestBase = -1;
            int bestLen = 0;
            for (int i = 0; i < words.length; ) {
                if (words[i] != 0) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < words.length && words[i] == 0) {
                    i++;
                }
                if (i - start > bestLen) {
                    bestBase = start;
                    bestLen = i - start;
                }
            }
            return bestLen < 2 ? new ZeroRun(-1, 0) : new ZeroRun(bestBase, bestLen);
        }
    }

    private static void hex(int word, ColumnBuffer out) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = word >>> shift & 0xf;
            if (digit != 0 || started || shift == 0) {
                out.append(HEX[digit]);
                started = true;
            }
        }
    }

    /** macaddr (6 bytes) or macaddr8 (8): two lowercase hex digits per byte, colon-separated. */
    static void macaddr(byte[] b, int p, int len, ColumnBuffer out) {
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                out.append((byte) ':');
            }
            out.append(HEX[b[p + i] >>> 4 & 0xf]);
            out.append(HEX[b[p + i] & 0xf]);
        }
    }

    /** bit or varbit: the length in bits, then the bits from the most significant; printed one digit per bit. */
    static void bits(byte[] b, int p, int len, ColumnBuffer out) {
        int count = PgValues.i32(b, p);
        if (count < 0 || (count + 7) / 8 != len - 4) {
            throw new RowDecoder.CopyFormatException("bit string of " + count + " bits in " + (len - 4) + " bytes");
        }
        out.ensure(count);
        byte[] text = out.payload;
        int q = out.payloadLength;
        for (int i = 0; i < count; i++) {
            text[q++] = (byte) ('0' + (b[p + 4 + (i >>> 3)] >>> (7 - (i & 7)) & 1));
        }
        out.payloadLength = q;
    }

    /**
     * timetz: microseconds since midnight and the zone's offset in seconds west of UTC, printed
     * {@code HH:MM:SS[.ffffff]} and the offset east, {@code +HH}, {@code +HH:MM} or {@code +HH:MM:SS}
     * as far as it is not zero.
     */
    static void timetz(byte[] b, int p, ColumnBuffer out) {
        out.ensure(TIME_OF_DAY + ZONE); // then written at a local position: one capacity check per value
        byte[] d = out.payload;
        int q = timeOfDay(d, out.payloadLength, PgValues.i64(b, p));
        int zone = PgValues.i32(b, p + 8);
        int offset = Math.abs(zone);
        d[q++] = (byte) (zone <= 0 ? '+' : '-');
        q = Digits.two(d, q, offset / 3600);
        if (offset % 3600 != 0) {
            d[q++] = ':';
            q = Digits.two(d, q, offset / 60 % 60);
            if (offset % 60 != 0) {
                d[q++] = ':';
                q = Digits.two(d, q, offset % 60);
            }
        }
        out.payloadLength = q;
    }

    /**
     * {@code HH:MM:SS[.ffffff]} of microseconds since midnight (24:00:00 included) at {@code p}, the
     * fraction without trailing zeros: EncodeTimeOnly's time, and a timestamp's after its date.
     * Returns where it ends; {@link #TIME_OF_DAY} bytes of room at most.
     */
    static int timeOfDay(byte[] d, int p, long micros) {
        int seconds = (int) (micros / MICROS_PER_SECOND);
        int q = Digits.two(d, p, seconds / 3600);
        d[q++] = ':';
        q = Digits.two(d, q, seconds / 60 % 60);
        d[q++] = ':';
        q = Digits.two(d, q, seconds % 60);
        return Digits.microsFraction(d, q, (int) (micros % MICROS_PER_SECOND));
    }

    /**
     * tsvector: the count of lexemes, then each as its text ending in a zero byte, the count of its
     * positions and each position (14 bits, a weight above them); printed as tsvectorout does:
     * {@code 'lexeme':1,5A 'other'}, space-separated, with {@code '} and {@code \} doubled, weight
     * D (0) unprinted.
     */
    static void tsvector(byte[] b, int p, ColumnBuffer out) {
        int count = PgValues.i32(b, p);
        int q = p + 4;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append((byte) ' ');
            }
            out.append((byte) '\'');
            int run = q; // bytes since the last doubled one, copied at once
            for (; b[q] != 0; q++) {
                if (b[q] == '\'' || b[q] == '\\') {
                    out.append(b, run, q - run);
                    out.append(b[q]);
                    run = q;
                }
            }
            out.append(b, run, q - run);
            out.append((byte) '\'');
            int positions = PgValues.i16(b, q + 1) & 0xffff;
            q += 3;
            for (int k = 0; k < positions; k++, q += 2) {
                out.append((byte) (k == 0 ? ':' : ','));
                int position = PgValues.i16(b, q) & 0xffff;
                out.appendDecimal(position & 0x3fff);
                int weight = position >>> 14;
                if (weight > 0) {
                    out.append((byte) ('D' - weight)); // 3 is A, 2 B, 1 C
                }
            }
        }
    }
}
