package io.freshet.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.lineage.RunLineage;

/**
 * One attempt at a run, as every phase sees it.
 *
 * @param number     the attempt's number, which fences every write of the run
 * @param logContext what every log line of the attempt carries
 * @param read       the datasets the attempt read so far (filled once its inputs are resolved), for lineage
 */
record Attempt(Run run, Pipeline pipeline, int number, Map<String, Object> logContext, List<RunLineage.Dataset> read) {

    static Attempt of(Run run, Pipeline pipeline, int number) {
        return new Attempt(run, pipeline, number,
                Map.of("runId", run.runId(), "pipeline", pipeline.name(), "partition", run.partition(), "attempt", number), new ArrayList<>());
    }

    String runId() {
        return run.runId();
    }

    /** The attempt's log context with {@code more}. */
    Map<String, Object> log(Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>(logContext);
        m.putAll(more);
        return m;
    }
}
