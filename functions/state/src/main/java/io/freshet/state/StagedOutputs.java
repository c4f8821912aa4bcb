package io.freshet.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.freshet.core.events.AssetEvent;

/**
 * What a run's attempt handed to the publisher ({@link Runs#stageOutputs}): its output events as
 * they will be recorded once their tables hold them, with what the run read.
 *
 * @param attempt       the attempt that staged them: the one whose files the run publishes
 * @param events        the output events, their objects the uploaded files
 * @param inputVersions the input versions the attempt read
 * @param codeVersion   the pipeline's code version it ran
 * @param stagedAt      when they were staged (the sweep re-sends a publication that lingers)
 */
public record StagedOutputs(int attempt, List<AssetEvent> events, Map<String, String> inputVersions, String codeVersion,
                            Instant stagedAt) {

    public StagedOutputs {
        events = List.copyOf(events);
        inputVersions = Map.copyOf(inputVersions);
    }
}
