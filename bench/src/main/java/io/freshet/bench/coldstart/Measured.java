package io.freshet.bench.coldstart;

import java.util.List;

/** One run: what the probe printed, and what was measured from outside. */
record Measured(String label, ProbeLine line, long launchedAtMillis, double wallFirstMs, List<String> tail) {

    boolean ok() {
        return line.error() == null;
    }

    /** The same run, failed for a reason found after it ended (a wrong response). */
    Measured failed(String problem) {
        return new Measured(label, ProbeLine.failed(problem), launchedAtMillis, wallFirstMs, tail);
    }

    String describe() {
        if (line.error() != null) {
            return "FAILED: " + line.error();
        }
        if (line.invoked().length == 0) {
            return "main %d ms, wall %.0f ms".formatted(line.main(), wallFirstMs);
        }
        return "main %d, init %d, first %d, second %d, start->first %d, wall %.0f ms; %s".formatted(line.main(), line.init(), line.first(),
                line.second(), line.invoked()[0], wallFirstMs, line.response());
    }
}
