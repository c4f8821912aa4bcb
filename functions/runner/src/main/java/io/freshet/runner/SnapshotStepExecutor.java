package io.freshet.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.model.Step;
import io.freshet.core.snapshot.WatermarkRange;

/**
 * A consistent read of PostgreSQL tables ({@link Snapshotter}), each loaded into DuckDB as its
 * output's table, within the attempt's deadline (its statements are cancelled when it passes).
 */
final class SnapshotStepExecutor implements StepExecutor<Step.Snapshot> {

    private final Snapshotter snapshotter;

    SnapshotStepExecutor(Snapshotter snapshotter) {
        this.snapshotter = snapshotter;
    }

    @Override
    public List<TableFacts> execute(Step.Snapshot step, StepRun run) {
        Map<String, WatermarkRange> reads = run.snapshotReads();
        AttemptDeadline deadline = run.deadline();
        List<TableFacts> facts = new ArrayList<>();
        for (Snapshotter.Table t : snapshotter.snapshot(run.attempt().pipeline(), step, run.attempt().run().partition(), reads,
                run.work().resolve("snapshot"), deadline.timeLeft(), stop -> deadline.onExpiry(why -> stop.run()))) {
            long rows = run.duck().loadTable(t.output(), t.parquetFiles());
            facts.add(new TableFacts(t.output(), rows, Optional.of(t.schemaHash()), heldRange(reads.get(t.output()), t)));
        }
        return facts;
    }

    /** The range the partition now holds: the recorded one when read again, else up to the greatest watermark read. */
    static Optional<WatermarkRange> heldRange(WatermarkRange read, Snapshotter.Table table) {
        return Optional.ofNullable(read).map(r -> r.upTo().isPresent() ? r : new WatermarkRange(r.after(), table.watermark()));
    }
}
