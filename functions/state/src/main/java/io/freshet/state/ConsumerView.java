package io.freshet.state;

import java.util.List;
import java.util.Optional;

import io.freshet.core.trigger.PendingEvent;

/**
 * A consistent read of one consumer partition: its state and its pending events (oldest first).
 *
 * @param version        the state's version, 0 before its first run; a run's creation is conditioned on it
 * @param activeRun      the run that holds the partition, while one does
 * @param lastRun        the partition's newest run
 * @param lastRunCleaned whether {@code lastRun}'s consumed events left the pending set
 */
public record ConsumerView(String pipeline, String partition, long version, Optional<String> activeRun,
                           Optional<String> lastRun, boolean lastRunCleaned, List<PendingEvent> pending) {

    public ConsumerView {
        pending = List.copyOf(pending);
    }

    /** Whether the last run's consumption did not finish (a crash midway): the next evaluation finishes it first. */
    public boolean consumptionUnfinished() {
        return lastRun.isPresent() && !lastRunCleaned;
    }
}
