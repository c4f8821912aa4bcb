package io.freshet.core.runs;

import java.time.Instant;
import java.util.List;

/**
 * One execution of a pipeline for one partition.
 *
 * @param reason    why it was created, in words (the condition that held, a tick, a backfill)
 * @param consumed  the ids of the input events it consumes; its id derives from them
 * @param announced whether {@code Run Requested} went out (re-sent until it did)
 */
public record Run(String runId, String pipeline, String partition, RunState state, String reason,
                  List<String> consumed, Instant createdAt, Instant updatedAt, boolean announced) {

    public Run {
        consumed = List.copyOf(consumed);
    }
}
