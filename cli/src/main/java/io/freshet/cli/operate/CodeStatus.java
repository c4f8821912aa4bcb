package io.freshet.cli.operate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.state.DeployedCode;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;

/**
 * Which partitions of a derived asset hold data built by another code version than its pipeline's
 * current one. "Current" is what the stack's scheduler recorded as deployed when it has seen the
 * pipeline (what the stack runs, whatever this checkout holds), else the local checkout's version.
 * A partition whose newest event carries no code version (a manual record) is never stale: nothing
 * says which code built it.
 *
 * @param pipeline the asset's producing pipeline
 * @param current  the pipeline's current code version
 * @param from    where {@code current} comes from
 * @param checked how many partitions were looked at (the newest {@link #PARTITIONS_CHECKED} at most)
 * @param stale   the stale partitions, newest key first
 */
public record CodeStatus(String pipeline, String current, From from, int checked, List<StalePartition> stale) {

    /** Each partition costs a read; status looks at the newest ones, where a rebuild matters most. */
    public static final int PARTITIONS_CHECKED = 100;

    public CodeStatus {
        stale = List.copyOf(stale);
    }

    /** Where the current code version comes from. */
    public enum From {
        STACK("stack"), LOCAL("local");

        private final String wire;

        From(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** A partition whose newest event was built with {@code codeVersion}. */
    public record StalePartition(String partition, String codeVersion, Instant updated) {
    }

    /** Empty for sources. */
    public static Optional<CodeStatus> of(Project project, StateStore store, ScheduleState schedule, String asset) {
        Optional<Pipeline> producer = project.producerOf(asset);
        if (producer.isEmpty()) {
            return Optional.empty();
        }
        String pipeline = producer.get().name();
        Optional<DeployedCode> deployed = schedule.deployedCode(pipeline);
        String current = deployed.map(DeployedCode::version).orElseGet(() -> project.codeVersion(pipeline));
        List<String> partitions = store.events().partitionsWithData(asset, PARTITIONS_CHECKED);
        List<StalePartition> stale = new ArrayList<>();
        for (String partition : partitions) {
            store.events().latest(asset, partition)
                    .filter(e -> e.codeVersion().isPresent() && !e.codeVersion().get().equals(current))
                    .ifPresent(e -> stale.add(stalePartition(e)));
        }
        return Optional.of(new CodeStatus(pipeline, current, deployed.isPresent() ? From.STACK : From.LOCAL, partitions.size(), stale));
    }

    private static StalePartition stalePartition(AssetEvent e) {
        return new StalePartition(e.partition(), e.codeVersion().orElseThrow(), e.time());
    }

    /** The first seven characters, as git abbreviates a commit: enough to tell versions apart by eye. */
    public static String shortVersion(String version) {
        return version.substring(0, Math.min(7, version.length()));
    }

    /** What the {@code code} column of {@code status} says. */
    public String column() {
        return stale.isEmpty() ? "current" : stale.size() + " stale";
    }
}
