package io.freshet.scheduler;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.freshet.state.DirtyPartition;
import io.freshet.state.TickState;
import io.freshet.core.model.Pipeline;

/**
 * What the duties of one tick share: its instant, the state read once at its start (cursors, code
 * versions, open violations), the pipelines a duty call covers, and each pipeline's partitions with
 * new input, read at most once per tick (lazy launches and freshness both look).
 *
 * @param pipelines the pipelines this call covers, by name: all of them, or one for a per-pipeline call
 */
record Tick(Instant now, TickState state, List<Pipeline> pipelines, Map<String, List<DirtyPartition>> dirtyByPipeline) {

    Tick(Instant now, TickState state, List<Pipeline> pipelines) {
        this(now, state, List.copyOf(pipelines), new HashMap<>());
    }

    /** The same tick for one pipeline; the partitions with new input read so far stay shared. */
    Tick narrowedTo(Pipeline pipeline) {
        return new Tick(now, state, List.of(pipeline), dirtyByPipeline);
    }

    /** A pipeline's partitions with new input, read with {@code read} the first time this tick asks. */
    List<DirtyPartition> dirty(String pipeline, Function<String, List<DirtyPartition>> read) {
        return dirtyByPipeline.computeIfAbsent(pipeline, read);
    }
}
