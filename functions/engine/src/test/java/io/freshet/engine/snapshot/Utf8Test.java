package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link Utf8#isValid} says what the JDK's strict UTF-8 decoder says, on any bytes. */
class Utf8Test {

    @Property(tries = 3000)
    void agreesWithTheJdksDecoder(@ForAll @Size(max = 12) byte[] bytes) {
        assertEquals(jdkAccepts(bytes), Utf8.isValid(bytes, 0, bytes.length));
    }

    /**
     * Text is mostly ASCII, which is checked eight bytes at a time: a multi-byte sequence or a bad
     * byte anywhere in a run, across the edge of eight, or cut off by the range's ends.
     */
    @Property(tries = 3000)
    void agreesWithTheJdksDecoderOnMostlyAsciiText(@ForAll("mostlyAscii") byte[] bytes, @ForAll @IntRange(max = 9) int from,
            @ForAll @IntRange(max = 9) int short_) {
        int start = Math.min(from, bytes.length);
        int end = Math.max(start, bytes.length - short_);
        assertEquals(jdkAccepts(Arrays.copyOfRange(bytes, start, end)), Utf8.isValid(bytes, start, end));
    }

    @Provide
    Arbitrary<byte[]> mostlyAscii() {
        Arbitrary<Byte> ascii = Arbitraries.bytes().between((byte) 0x20, (byte) 0x7E);
        Arbitrary<Byte> lead = Arbitraries.of((byte) 0xC3, (byte) 0xE2, (byte) 0xF0, (byte) 0x82, (byte) 0xAC, (byte) 0x9F, (byte) 0xFF);
        return Arbitraries.frequencyOf(Tuple.of(12, ascii), Tuple.of(2, lead), Tuple.of(1, Arbitraries.bytes())).array(byte[].class).ofMaxSize(70);
    }

    /** Random bytes are mostly invalid early; these are the edges of each rule. */
    @Example
    void edges() {
        assertTrue(Utf8.isValid(bytes(0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x9A, 0x87), 0, 10)); // a é € 🚇
        assertFalse(Utf8.isValid(bytes(0xC0, 0xAF), 0, 2), "overlong '/'");
        assertFalse(Utf8.isValid(bytes(0xE0, 0x9F, 0xBF), 0, 3), "overlong below U+0800");
        assertFalse(Utf8.isValid(bytes(0xED, 0xA0, 0x80), 0, 3), "a surrogate");
        assertTrue(Utf8.isValid(bytes(0xEF, 0xBF, 0xBF), 0, 3), "U+FFFF");
        assertFalse(Utf8.isValid(bytes(0xF4, 0x90, 0x80, 0x80), 0, 4), "past U+10FFFF");
        assertTrue(Utf8.isValid(bytes(0xF4, 0x8F, 0xBF, 0xBF), 0, 4), "U+10FFFF");
        assertFalse(Utf8.isValid(bytes(0xE2, 0x82), 0, 2), "cut short");
        assertFalse(Utf8.isValid(bytes(0x61, 0xE2, 0x82, 0xAC), 0, 3), "cut short by the range, not the array");
        assertFalse(Utf8.isValid(bytes(0xFF), 0, 1));
        for (int b = 0; b < 256; b++) {
            byte[] one = bytes(b);
            assertEquals(jdkAccepts(one), Utf8.isValid(one, 0, 1), "byte " + b);
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
