package io.freshet.core.runs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.freshet.core.trigger.Request;

/**
 * One execution of a pipeline for one partition.
 *
 * @param reason      why it was created, in words (the condition that held, a tick, a backfill)
 * @param consumed    the ids of the input events and requests it consumes; its id derives from them
 * @param announced   whether {@code Run Requested} went out for the current attempt (re-sent until it did)
 * @param attempt     attempts started so far (0 while first queued)
 * @param leaseUntil  while RUNNING: when the attempt is presumed dead if it has not finished
 * @param retryAt     while QUEUED after a failed attempt: when the next attempt may start
 * @param oldestInput the time of the oldest input event it consumed (requests excluded), for freshness
 * @param finishReason why it ended, once it did
 * @see #forced()
 */
public record Run(String runId, String pipeline, String partition, RunState state, String reason,
                  List<String> consumed, Instant createdAt, Instant updatedAt, boolean announced,
                  int attempt, Optional<Instant> leaseUntil, Optional<Instant> retryAt,
                  Optional<Instant> oldestInput, Optional<String> finishReason) {

    public Run {
        consumed = List.copyOf(consumed);
    }

    /**
     * Whether a forced request (materialize or backfill with {@code --force}) asked for this run:
     * it executes even when its inputs and code are unchanged since the last successful run, and
     * may do what is otherwise refused for safety. Derived from the requests it consumed, so it is
     * recorded with the run from its creation and the same on every attempt.
     */
    public boolean forced() {
        return consumed.stream().anyMatch(Request::isForcedId);
    }
}
