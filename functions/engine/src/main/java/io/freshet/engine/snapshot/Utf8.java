package io.freshet.engine.snapshot;

/**
 * Whether bytes are well-formed UTF-8 (Unicode's table 3-7: no overlong forms, no surrogates,
 * nothing past U+10FFFF). DuckDB's VARCHAR must hold UTF-8; the driver's batch call checks what it
 * is given, and {@link ColumnBuffer#stringTs} checks what it writes past that call, so that text a
 * {@code SQL_ASCII} database holds in another encoding fails a snapshot the same way on both paths.
 */
final class Utf8 {

    private Utf8() {
    }

    static boolean isValid(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            if (i + Long.BYTES <= to && ((long) ColumnBuffer.LONG_LE.get(bytes, i) & 0x8080808080808080L) == 0) {
                i += Long.BYTES; // eight ASCII bytes, most text
            } else if (bytes[i] >= 0) {
                i++;
            } else {
                i = afterSequence(bytes, i, to);
                if (i < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Where the multi-byte sequence starting at {@code i} ends, or -1 if it is not well-formed. */
    private static int afterSequence(byte[] bytes, int i, int to) {
        int lead = bytes[i] & 0xFF;
        int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
        // The second byte's range: narrower after E0 (overlong below U+0800), ED (surrogates),
        // F0 (overlong below U+10000) and F4 (past U+10FFFF).
        int low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
        int high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
        // A continuation byte first, C0/C1 (overlong ASCII), F5..FF: no lead byte at all.
        if (lead < 0xC2 || lead > 0xF4 || to - i - 1 < extra) {
            return -1;
        }
        int second = bytes[i + 1] & 0xFF;
        if (second < low || second > high) {
            return -1;
        }
        for (int k = 2; k <= extra; k++) {
            if ((bytes[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return i + extra + 1;
    }
}
