package io.freshet.publisher.warehouse;

import java.math.BigDecimal;

/**
 * PostgreSQL's binary {@code numeric}: digit count, weight (of the first digit, in powers of
 * 10,000), sign, display scale, then base-10,000 digits, leading and trailing zero digits left out.
 * The encoder of what the engine's snapshot decoder reads.
 */
final class Numerics {

    private static final int POSITIVE = 0x0000;
    private static final int NEGATIVE = 0x4000;

    private Numerics() {
    }

    /** Writes {@code value} as one whole binary COPY field. */
    static void write(CopyBuffer out, BigDecimal value) {
        int dscale = Math.max(value.scale(), 0);
        if (value.signum() == 0) {
            out.int32(8);
            out.int16(0);
            out.int16(0);
            out.int16(POSITIVE);
            out.int16(dscale);
            return;
        }
        String plain = value.abs().toPlainString();
        int dot = plain.indexOf('.');
        String integer = dot < 0 ? plain : plain.substring(0, dot);
        String fraction = dot < 0 ? "" : plain.substring(dot + 1);
        if (integer.equals("0")) {
            integer = "";
        }
        // Pad the integer part on the left and the fraction on the right to whole groups of four.
        int intPad = (4 - integer.length() % 4) % 4;
        int fracPad = (4 - fraction.length() % 4) % 4;
        String digits = "0".repeat(intPad) + integer + fraction + "0".repeat(fracPad);
        int groups = digits.length() / 4;
        int weight = (intPad + integer.length()) / 4 - 1;
        int first = 0;
        while (first < groups && group(digits, first) == 0) {
            first++;
            weight--;
        }
        int last = groups - 1;
        while (last > first && group(digits, last) == 0) {
            last--;
        }
        int n = last - first + 1;
        out.int32(8 + 2 * n);
        out.int16(n);
        out.int16(weight);
        out.int16(value.signum() < 0 ? NEGATIVE : POSITIVE);
        out.int16(dscale);
        for (int g = first; g <= last; g++) {
            out.int16(group(digits, g));
        }
    }

    private static int group(String digits, int g) {
        return Integer.parseInt(digits, 4 * g, 4 * g + 4, 10);
    }
}
