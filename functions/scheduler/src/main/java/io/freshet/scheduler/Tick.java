package io.freshet.scheduler;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.freshet.state.DirtyPartition;
import io.freshet.state.TickState;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;

/**
 * What the duties of one tick share: its instant, the state read once at its start (cursors, code
 * versions, open violations), the pipelines a duty call covers, and what at most one read per
 * tick answers (each pipeline's partitions with new input, which lazy launches and freshness both
 * look at; the runs not ended, which freshness and the sweep both look at).
 *
 * @param pipelines the pipelines this call covers, by name: all of them, or one for a per-pipeline call
 */
record Tick(Instant now, TickState state, List<Pipeline> pipelines, Reads reads) {

    Tick(Instant now, TickState state, List<Pipeline> pipelines) {
        this(now, state, List.copyOf(pipelines), new Reads());
    }

    /** The same tick for one pipeline; what was read so far stays shared. */
    Tick narrowedTo(Pipeline pipeline) {
        return new Tick(now, state, List.of(pipeline), reads);
    }

    /** A pipeline's partitions with new input, read with {@code read} the first time this tick asks. */
    List<DirtyPartition> dirty(String pipeline, Function<String, List<DirtyPartition>> read) {
        return reads.dirtyByPipeline.computeIfAbsent(pipeline, read);
    }

    /** The runs not ended (the sweeper's list), read with {@code read} the first time this tick asks. */
    List<Run> activeRuns(Supplier<List<Run>> read) {
        if (reads.activeRuns == null) {
            reads.activeRuns = List.copyOf(read.get());
        }
        return reads.activeRuns;
    }

    /** One tick's reads, shared by its duties (which run one after another). */
    static final class Reads {
        final Map<String, List<DirtyPartition>> dirtyByPipeline = new HashMap<>();
        List<Run> activeRuns;
    }
}
