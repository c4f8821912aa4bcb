package io.freshet.trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.state.StateStore;

/**
 * What the trigger believes of a delivery: only what the state table already holds. Every
 * producer (s3-events, the runner) records an asset event before it announces it, and every
 * run's end is written before it is announced, so a genuine delivery always finds its record. An
 * event that does not, or that differs from its record, was forged or altered on the bus: it is
 * rejected with the reason, which fails the invocation and sends the delivery to the trigger's
 * dead letters (docs/deploy.md, "The bus").
 */
final class RecordedEvents {

    private final StateStore store;

    RecordedEvents(StateStore store) {
        this.store = Objects.requireNonNull(store);
    }

    /** The delivered {@code Asset Updated}, checked against the recorded event with the same id. */
    AssetEvent verify(AssetEvent delivered) {
        String what = "Asset Updated " + delivered.eventId() + " of " + delivered.asset() + "/" + delivered.partition();
        AssetEvent recorded = store.events().event(delivered.eventId())
                .orElseThrow(() -> new MalformedEventException(what + " is not a recorded event: rejected as forged"));
        List<String> differences = new ArrayList<>();
        compare(differences, "asset", delivered, recorded, AssetEvent::asset);
        compare(differences, "partition", delivered, recorded, AssetEvent::partition);
        compare(differences, "objects", delivered, recorded, AssetEvent::objects);
        compare(differences, "time", delivered, recorded, AssetEvent::time);
        compare(differences, "dataVersion", delivered, recorded, AssetEvent::dataVersion);
        compare(differences, "producer", delivered, recorded, AssetEvent::producer);
        compare(differences, "codeVersion", delivered, recorded, AssetEvent::codeVersion);
        compare(differences, "metadata", delivered, recorded, AssetEvent::metadata);
        if (differences.isEmpty() && !delivered.equals(recorded)) {
            differences.add("other fields");
        }
        if (!differences.isEmpty()) {
            throw new MalformedEventException(what + " differs from the recorded event in " + String.join("; ", differences)
                    + ": rejected as altered");
        }
        return recorded;
    }

    /** A delivered run end ({@code Run Succeeded/Failed/Skipped}): the run exists, ended, for this pipeline and partition. */
    Run verifyRunEnd(String detailType, String runId, String pipeline, String partition) {
        String what = detailType + " of run " + runId + " (" + pipeline + "/" + partition + ")";
        Optional<Run> found = store.runs().run(runId);
        if (found.isEmpty()) {
            throw new MalformedEventException(what + " names no recorded run: rejected as forged");
        }
        Run run = found.get();
        if (!run.pipeline().equals(pipeline) || !run.partition().equals(partition)) {
            throw new MalformedEventException(what + " differs from the recorded run, of " + run.pipeline() + "/" + run.partition()
                    + ": rejected as altered");
        }
        if (run.state().isActive()) {
            throw new MalformedEventException(what + ": the recorded run has not ended (" + run.state() + "): rejected as forged");
        }
        return run;
    }

    private static <T> void compare(List<String> differences, String field, AssetEvent delivered, AssetEvent recorded,
                                    Function<AssetEvent, T> value) {
        T d = value.apply(delivered);
        T r = value.apply(recorded);
        if (!Objects.equals(d, r)) {
            differences.add(field + " " + d + " (recorded: " + r + ")");
        }
    }
}
