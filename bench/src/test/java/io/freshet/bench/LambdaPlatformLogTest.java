package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What `bench cost` adds for Lambda's own log lines and for X-Ray's sampling. */
class LambdaPlatformLogTest {

    private static final String ID = "8f507cfc-2f1a-4697-b07a-ac58fc914c95";

    @Test
    void anInvocationWritesStartEndAndReportAndATracedOneItsXrayLine() {
        List<String> lines = LambdaPlatformLog.lines(ID, 12.34, 13, 512, false).lines().toList();
        assertEquals(List.of("START RequestId: " + ID + " Version: 12", "END RequestId: " + ID,
                "REPORT RequestId: " + ID + "\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 180 MB\t"), lines);
        String traced = LambdaPlatformLog.lines(ID, 12.34, 13, 512, true);
        assertTrue(traced.contains("\nXRAY TraceId: 1-6751a3f0-8f507cfc2f1a4697b07aac58\tSegmentId: 2f1a4697b07aac58\tSampled: true\t\n"), traced);
        int plain = LambdaPlatformLog.bytes(12.34, 13, 512, false);
        assertTrue(plain > 240 && plain < 280, plain + " bytes");
        assertTrue(LambdaPlatformLog.bytes(12.34, 13, 512, true) - plain > 80, "the X-Ray line");
    }

    @Test
    void activeTracingSamplesTheFirstEventEachSecondAndFivePercentOfTheOthers() {
        assertEquals(1.0, BenchCost.sampledShare(0.386), 1e-9);
        assertEquals(1.0, BenchCost.sampledShare(1), 1e-9);
        assertEquals((1 + 0.05 * 9) / 10, BenchCost.sampledShare(10), 1e-9);
        assertEquals(0.0595, BenchCost.sampledShare(100), 1e-9);
    }
}
