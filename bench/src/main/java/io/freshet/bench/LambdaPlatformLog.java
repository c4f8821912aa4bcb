package io.freshet.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * The lines Lambda itself writes to a function's log group for each invocation, in the text log
 * format template.yaml leaves as it is: START, END and REPORT, with X-Ray's line in the REPORT when
 * the invocation is traced. CloudWatch Logs ingests them beside the function's own JSON, so they
 * are billed as it is; their size depends on little but the request id and a few figures, which
 * are filled in as a warm invocation's (no Init Duration).
 */
final class LambdaPlatformLog {

    private LambdaPlatformLog() {
    }

    /** The bytes of one invocation's lines. */
    static int bytes(double durationMillis, long billedMillis, int memoryMb, boolean traced) {
        return lines(UUID.randomUUID().toString(), durationMillis, billedMillis, memoryMb, traced).getBytes(StandardCharsets.UTF_8).length;
    }

    /** One invocation's lines, as Lambda writes them (version: the alias's, a number). */
    static String lines(String requestId, double durationMillis, long billedMillis, int memoryMb, boolean traced) {
        StringBuilder s = new StringBuilder()
                .append("START RequestId: ").append(requestId).append(" Version: 12\n")
                .append("END RequestId: ").append(requestId).append('\n')
                .append("REPORT RequestId: ").append(requestId)
                .append(String.format(Locale.ROOT, "\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
                        durationMillis, billedMillis, memoryMb, Math.min(memoryMb, 180)));
        if (traced) {
            s.append("\nXRAY TraceId: 1-6751a3f0-").append(requestId.replace("-", ""), 0, 24)
                    .append("\tSegmentId: ").append(requestId.replace("-", ""), 8, 24).append("\tSampled: true\t");
        }
        return s.append('\n').toString();
    }
}
