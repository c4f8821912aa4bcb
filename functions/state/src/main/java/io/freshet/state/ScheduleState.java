package io.freshet.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the minute tick remembers between ticks: each cron pipeline's cursor, each pipeline's
 * deployed code version, the partitions with new input data and the asset partitions that are
 * overdue. Every write that decides something is conditional, so two ticks racing (a duplicated
 * invocation) decide it once.
 */
public interface ScheduleState {

    /** Every cursor, code version and open violation, in a few reads. */
    TickState load();

    /** The instant up to which a cron pipeline's fires were handled. */
    Optional<Instant> cursor(String pipeline);

    /** Moves the cursor from {@code seen} to {@code to}; false when another tick moved it first. */
    boolean advanceCursor(String pipeline, Optional<Instant> seen, Instant to);

    Optional<DeployedCode> deployedCode(String pipeline);

    /** Records the deployed version if the stored one is still {@code seen}; false when another tick did. */
    boolean recordCode(String pipeline, Optional<DeployedCode> seen, DeployedCode now);

    /** Notes that a pipeline's partition got new input (the tick looks only at these). */
    void touchDirty(String pipeline, String partition);

    List<DirtyPartition> dirtyPartitions(String pipeline);

    /** Forgets a partition, unless it was touched again since {@code seen} was read. */
    void clearDirty(String pipeline, DirtyPartition seen);

    /** An asset's open (or recovered, not yet closed) violations, by partition. */
    List<Violation> violations(String asset);

    /** Opens a violation; false when the partition is already overdue (one event per violation). */
    boolean openViolation(Violation v);

    /** Marks a violation recovered, still to announce; false when another tick did. */
    boolean recover(Violation v, String reason);

    /** The event for the violation's current state went out (nothing when it changed meanwhile). */
    void markViolationAnnounced(Violation v);

    /** Removes a recovered violation once its recovery was announced. */
    void closeViolation(Violation v);
}
