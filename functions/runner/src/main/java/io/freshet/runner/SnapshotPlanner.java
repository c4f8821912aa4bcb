package io.freshet.runner;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Step;
import io.freshet.core.runs.Run;
import io.freshet.core.snapshot.SnapshotRules;
import io.freshet.core.snapshot.WatermarkRange;
import io.freshet.state.StateStore;

/**
 * Decides, before anything is read, what each snapshot table of a run reads ({@link SnapshotRules}
 * over what the store recorded): the range of an incremental table, and whether a table may be
 * written under the run's partition at all.
 */
final class SnapshotPlanner {

    /**
     * @param reads    per incremental output, the rows to read: {@code (after, upTo]}, with an empty
     *                 {@code upTo} meaning no upper bound (a new increment)
     * @param refusals why tables may not be snapshotted for this partition; the run must not go on
     */
    record Planned(Map<String, WatermarkRange> reads, List<String> refusals) {
    }

    private final StateStore store;
    private final Clock clock;

    SnapshotPlanner(StateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Planned plan(Pipeline pipeline, Run run) {
        Map<String, WatermarkRange> reads = new LinkedHashMap<>();
        List<String> refusals = new ArrayList<>();
        for (Step step : pipeline.steps()) {
            if (!(step instanceof Step.Snapshot snap)) {
                continue;
            }
            for (Step.SnapshotTable t : snap.tables()) {
                if (t.watermark().isEmpty()) {
                    SnapshotRules.fullSnapshotRefusal(t.output(), pipeline.partitioning(), run.partition(), clock.instant(), run.forced())
                            .ifPresent(refusals::add);
                    continue;
                }
                Optional<Map<String, String>> here = store.events().latest(t.output(), run.partition()).map(AssetEvent::metadata);
                Optional<SnapshotRules.Taken> newest = store.events().partitionsWithData(t.output(), 1).stream().findFirst()
                        .flatMap(p -> store.events().latest(t.output(), p).map(e -> new SnapshotRules.Taken(p, e.metadata())));
                switch (SnapshotRules.incremental(t.output(), pipeline.partitioning().grain(), run.partition(), here, newest)) {
                    case SnapshotRules.Read.Again again -> reads.put(t.output(), again.range());
                    case SnapshotRules.Read.Next next -> reads.put(t.output(), new WatermarkRange(next.after(), Optional.empty()));
                    case SnapshotRules.Read.Refused refused -> refusals.add(refused.reason());
                }
            }
        }
        return new Planned(reads, refusals);
    }
}
