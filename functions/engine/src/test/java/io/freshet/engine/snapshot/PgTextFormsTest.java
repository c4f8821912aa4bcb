package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The text forms values travel in, against a reference that is not ours. */
class PgTextFormsTest {

    /** bytea's base64, written after other values in a batch's payload, is the JDK's RFC 4648 encoding of exactly the value's bytes. */
    @Property(tries = 500)
    void byteaBase64IsTheJdksEncodingOfTheValueAlone(@ForAll @Size(max = 200) byte[] message, @ForAll @IntRange(max = 20) int before,
                                                     @ForAll @IntRange(max = 20) int after, @ForAll @IntRange(max = 30) int alreadyWritten) {
        byte[] framed = new byte[before + message.length + after];
        Arrays.fill(framed, (byte) 0x5a);
        System.arraycopy(message, 0, framed, before, message.length);
        ColumnBuffer out = new ColumnBuffer(0, 4);
        out.appendAscii("x".repeat(alreadyWritten));
        PgValues.base64(framed, before, message.length, out);
        String written = new String(out.payload, alreadyWritten, out.payloadLength - alreadyWritten, StandardCharsets.US_ASCII);
        assertEquals(Base64.getEncoder().encodeToString(message), written);
    }

    /** Decimal digits, written two at a time, are Long.toString's, for any long and any digit count. */
    @Property(tries = 2000)
    void decimalDigitsAreTheJdks(@ForAll("anyDigitCount") long v, @ForAll @IntRange(max = 30) int alreadyWritten) {
        ColumnBuffer out = new ColumnBuffer(0, 4);
        out.appendAscii("x".repeat(alreadyWritten));
        out.appendDecimal(v);
        assertEquals(Long.toString(v), written(out, alreadyWritten));
    }

    @Example
    void decimalDigitsAtTheEdges() {
        for (long v : new long[] {0, 9, 10, 99, 100, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            ColumnBuffer out = new ColumnBuffer(0, 1);
            out.appendDecimal(v);
            assertEquals(Long.toString(v), written(out, 0), Long.toString(v));
        }
    }

    /** A second's fraction is BigDecimal's plain text of micros / 10^6 without trailing zeros, from the point on; nothing for 0. */
    @Property(tries = 2000)
    void microsFractionIsTheDecimalFractionWithoutTrailingZeros(@ForAll("micros") int micros) {
        byte[] d = new byte[10];
        int end = Digits.microsFraction(d, 2, micros);
        String expected = micros == 0 ? "" : BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString().substring(1);
        assertEquals(expected, new String(d, 2, end - 2, StandardCharsets.US_ASCII));
    }

    @Example
    void twoDigitsArePadded() {
        ColumnBuffer out = new ColumnBuffer(0, 1);
        for (int v = 0; v < 100; v++) {
            out.appendTwoDigits(v);
        }
        StringBuilder expected = new StringBuilder();
        for (int v = 0; v < 100; v++) {
            expected.append(String.format("%02d", v));
        }
        assertEquals(expected.toString(), written(out, 0));
    }

    /** Longs of every length from 1 to 19 digits, either sign, as often as each other. */
    @Provide
    Arbitrary<Long> anyDigitCount() {
        return Arbitraries.integers().between(0, 18).flatMap(d -> {
            long low = d == 0 ? 0 : (long) Math.pow(10, d);
            long high = d == 18 ? Long.MAX_VALUE : (long) Math.pow(10, d + 1) - 1;
            return Arbitraries.longs().between(low, high);
        }).flatMap(v -> Arbitraries.of(v, -v));
    }

    /** Fractions with 0 to 5 trailing zeros, and the ends. */
    @Provide
    Arbitrary<Integer> micros() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 999_999),
                Arbitraries.integers().between(0, 5).flatMap(z -> Arbitraries.integers().between(0, 999_999).map(v -> v / (int) Math.pow(10, z) * (int) Math.pow(10, z))),
                Arbitraries.of(0, 1, 10, 100_000, 999_999, 500_000));
    }

    private static String written(ColumnBuffer out, int from) {
        return new String(out.payload, from, out.payloadLength - from, StandardCharsets.US_ASCII);
    }
}
