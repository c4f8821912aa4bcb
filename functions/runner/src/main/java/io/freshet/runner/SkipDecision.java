package io.freshet.runner;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.state.StateStore;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Step;
import io.freshet.core.runs.Run;

/**
 * The skip phase: a run whose inputs' data versions and code version equal those of the
 * partition's last successful run has nothing new to compute, and ends SKIPPED.
 */
final class SkipDecision {

    /** Under which name the code version sits among the input versions a run records. */
    static final String CODE_VERSION_KEY = "@code";
    static final String UNCHANGED = "inputs and code unchanged since the last successful run";

    private final StateStore store;

    SkipDecision(RunnerParts parts) {
        this.store = parts.store();
    }

    /** Why the run is skipped, or empty when it must run. */
    Optional<String> skip(Pipeline pipeline, Run run, Map<String, String> inputVersions, String codeVersion) {
        if (!comparable(pipeline, run)) {
            return Optional.empty();
        }
        Map<String, String> now = versions(inputVersions, codeVersion);
        return store.runs().lastSucceededInputs(pipeline.name(), run.partition(), CODE_VERSION_KEY).filter(now::equals).map(same -> UNCHANGED);
    }

    /**
     * Whether the run may be skipped at all: a database has no version to compare, so a pipeline
     * with a snapshot step always runs; a forced run ({@code --force}) runs as asked.
     */
    static boolean comparable(Pipeline pipeline, Run run) {
        return !run.forced() && pipeline.steps().stream().noneMatch(s -> s instanceof Step.Snapshot);
    }

    /** What is compared with the last successful run: every input's data versions and the code version. */
    static Map<String, String> versions(Map<String, String> inputVersions, String codeVersion) {
        Map<String, String> now = new TreeMap<>(inputVersions);
        now.put(CODE_VERSION_KEY, codeVersion);
        return now;
    }
}
