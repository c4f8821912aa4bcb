package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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
}
