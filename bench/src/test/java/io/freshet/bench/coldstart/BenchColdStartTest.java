package io.freshet.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

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

    @Test
    void theProbeCanOnlyInitializeAClassAndTimeThat() throws Exception {
        assertFalse(STATIC_INITIALIZER_RAN.get());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        var line = ProbeLine.parse(ColdStartProbe.run(System.currentTimeMillis(), new String[] {"--init", Initialized.class.getName()},
                new PrintStream(printed, true, StandardCharsets.UTF_8)));

        assertTrue(STATIC_INITIALIZER_RAN.get(), "the class's static initializer ran (DuckDBNative loads its library there)");
        assertEquals(ColdStartProbe.FIRST + System.lineSeparator(), printed.toString(StandardCharsets.UTF_8));
        assertEquals("initialized " + Initialized.class.getName(), line.response());
        assertEquals(line.constructed(), line.invoked()[0], "the initialization is the whole of it: no invocation after");
        assertEquals(0, line.first());
    }

    static final AtomicBoolean STATIC_INITIALIZER_RAN = new AtomicBoolean();

    /** Stands for DuckDBNative: what {@code --init} must initialize, not just load. */
    static final class Initialized {
        static {
            STATIC_INITIALIZER_RAN.set(true);
        }

        private Initialized() {
        }
    }

    @Test
    void reportsEachKindOfRunAndEachVariantAgainstTheTemplate() {
        StringWriter printed = new StringWriter();
        Map<Variant, List<Measured>> sql = new LinkedHashMap<>();
        sql.put(Variant.TEMPLATE, List.of(run(1000), run(1200), run(1100)));
        sql.put(Variant.COPIED_NATIVE, List.of(run(1210), run(900), run(1500)));
        Map<Variant, List<Measured>> skipped = new LinkedHashMap<>();
        skipped.put(Variant.TEMPLATE, List.of(run(500)));
        skipped.put(Variant.COPIED_NATIVE, List.of(run(450), run(1).failed("unexpected response")));
        Map<String, Map<Variant, List<Measured>>> results = new LinkedHashMap<>();
        results.put("runner: sql run", sql);
        results.put("runner: skipped run", skipped);

        new ColdStartReport(new PrintWriter(printed), 3).print(List.of(run(0)), List.copyOf(results.keySet()), results, Map.of(),
                List.of(Variant.TEMPLATE, Variant.COPIED_NATIVE), 1);

        String report = printed.toString();
        assertTrue(report.contains("| runner: sql run | copied-native | 5 (5) | 95 (95) | 1110 (800) | 50 (50) | 1210 (900) |"), report);
        assertTrue(report.contains("  runner: sql run: template 1.00 copied-native 1.10"), "medians 1210 / 1100: " + report);
        assertTrue(report.contains("  runner: skipped run: template 1.00 copied-native 0.90"), "the failed run left out: " + report);
        assertTrue(report.contains("| runner: skipped run | copied-native (1 failed) |"), report);
    }

    /** A run whose first response came {@code first} ms after its JVM started. */
    private static Measured run(long first) {
        ProbeLine line = ProbeLine.parse("FRESHET-COLDSTART start=1 jdk=25.0.3 main=5 constructed=100 invoked=" + first + "," + (first + 50)
                + " classes=10 response={}");
        return new Measured("run", line, 0, first + 20, List.of());
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
