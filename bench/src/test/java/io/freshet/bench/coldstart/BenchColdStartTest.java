package io.freshet.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

class BenchColdStartTest {

    @Test
    void parsesWhatTheProbePrints() {
        var line = ProbeLine.parse(
                "FRESHET-COLDSTART start=1763720000123 jdk=25.0.3+9-LTS main=41 constructed=612 invoked=903,935 classes=3804 response={\"state\": \"SUCCEEDED\"}");
        assertEquals(1763720000123L, line.start());
        assertEquals("25.0.3+9-LTS", line.jdk());
        assertEquals(571, line.init());
        assertEquals(291, line.first());
        assertEquals(32, line.second());
        assertEquals(3804, line.classes());
        assertEquals("{\"state\": \"SUCCEEDED\"}", line.response(), "the response may hold spaces");
        assertNull(line.error());
        assertEquals(25, ProbeLine.feature(line.jdk()));
        assertEquals(21, ProbeLine.feature("21.0.5+11-LTS"));
    }

    @Test
    void parsesTheFloorAndFailures() {
        var floor = ProbeLine.parse("FRESHET-COLDSTART start=5 jdk=21.0.5 main=38");
        assertEquals(38, floor.main());
        assertEquals(0, floor.invoked().length);
        var failed = ProbeLine.parse("FRESHET-COLDSTART error=java.lang.IllegalStateException: environment variable FRESHET_TABLE is not set");
        assertEquals("java.lang.IllegalStateException: environment variable FRESHET_TABLE is not set", failed.error());
    }

    @Test
    void theProbeBuildsTheHandlerAsLambdaDoesAndTimesEachInvocation(@TempDir Path dir) throws Exception {
        Path first = Files.writeString(dir.resolve("first.json"), "{\"n\":1}");
        Path second = Files.writeString(dir.resolve("second.json"), "{\"n\":2}");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        String result = ColdStartProbe.run(System.currentTimeMillis(), new String[] {Echo.class.getName(), first.toString(), second.toString()},
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(ColdStartProbe.FIRST + System.lineSeparator(), printed.toString(StandardCharsets.UTF_8), "marks the first response as it happens");
        var line = ProbeLine.parse(result);
        assertEquals("echo {\"n\":1}", line.response(), "the first invocation's response");
        assertEquals(2, line.invoked().length);
        assertTrue(line.main() <= line.constructed() && line.constructed() <= line.invoked()[0] && line.invoked()[0] <= line.invoked()[1],
                result);
        assertTrue(line.classes() > 0);
    }

    /** A handler as Lambda builds them: public, no-arg constructor, the stream interface. */
    public static final class Echo implements RequestStreamHandler {

        public Echo() {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            output.write(("echo " + new String(input.readAllBytes(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        }
    }
}
