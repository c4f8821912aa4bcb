package io.freshet.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;

/**
 * Runs: created once per readiness together with their consumer partition's move to "run active",
 * started as attempts fenced by attempt number and lease, handed to the publisher by staging one
 * attempt's outputs, committed by recording their events once their tables hold them, and ended
 * (freeing the consumer partition) once.
 */
public interface Runs {

    /** DynamoDB's limit of items in one transaction, which bounds a run's outputs. */
    int MAX_TRANSACTION_ITEMS = 100;

    /**
     * Creates a run consuming {@code consumed}, if nobody changed the consumer partition since
     * {@code seen} was read: the run and the state's move to "run active" are one atomic write
     * conditioned on the state's version. Empty when another evaluation won. The same write
     * consumes the events (their consumed markers, out of the pending set; the partition's last
     * run cleaned), or, when they are too many for one transaction, the consumption follows as
     * {@link ConsumerStates#cleanupConsumed} before this returns (after a crash in between,
     * {@link ConsumerView#lastRunCleaned()} is false and the next evaluation finishes it).
     */
    Optional<Run> tryCreate(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason);

    /**
     * The trigger's one write when a delivered input event makes its consumer partition ready by
     * itself (with what was pending): {@link #tryCreate} for {@code consumed}, which holds
     * {@code delivered} though the event never joined the pending set, in the same transaction as
     * the check {@link ConsumerStates#addPending} makes (the event not consumed yet: its marker is
     * put only if absent). Where the pending set took a transaction of its own before the run's,
     * this is one write fewer for the common case (one event, one run). At most 49 events, so that
     * the consumption fits in the transaction. The caller has read the event's record and found it
     * as delivered before it calls this ({@code RecordedEvents} in the trigger).
     */
    Delivered createOnDelivery(ConsumerView seen, String runId, List<PendingEvent> consumed, String reason, AssetEvent delivered);

    /** What {@link #createOnDelivery} did; nothing was written unless a run was created. */
    sealed interface Delivered {
        /** The run, consuming the delivered event and the pending ones named. */
        record Created(Run run) implements Delivered {
        }

        /**
         * Another evaluation changed the consumer partition first, or the event joined its pending set
         * since the partition was read (a redelivery that found the partition held): the event goes
         * the way of the pending set.
         */
        record Contended() implements Delivered {
        }

        /** A run of this consumer partition consumed the event already (a redelivery). */
        record ConsumedAlready() implements Delivered {
        }
    }

    /** The most events {@link #createOnDelivery} consumes: the run, the state, the event's marker, two items per other event, within a transaction's 100. */
    int MAX_CONSUMED_ON_DELIVERY = (MAX_TRANSACTION_ITEMS - 1) / 2;

    Optional<Run> run(String runId);

    /** A pipeline's runs, newest first. */
    List<Run> of(String pipeline);

    /** Runs not yet ended, oldest first (the sweeper's view). */
    List<Run> active();

    /** Ended runs whose end was not announced yet (the announcing process died), oldest first. */
    List<Run> unannouncedEnds();

    /**
     * {@code Run Requested} went out again for the run's current attempt (a retry, or a request
     * the sweep repeated). A new run's creator does not note its own announcement: see
     * {@link io.freshet.state.protocol.RunLauncher#UNSTARTED_GRACE}.
     */
    void markAnnounced(String runId);

    /** The run's end ({@code Run Succeeded/Failed/Skipped}) went out: it leaves the sweeper's list. */
    void markEndAnnounced(String runId);

    /**
     * Moves a run to RUNNING for one attempt: from QUEUED (once its retry time came), or from
     * RUNNING whose lease expired (an attempt that crashed or was killed). A redelivered request
     * while an attempt holds the lease gets empty and does nothing. Returns the attempt number.
     */
    Optional<Integer> startAttempt(String runId, Instant leaseUntil);

    /**
     * After a failed attempt with retries left: the run goes back to QUEUED, to start again at
     * {@code retryAt} under the same id, and the consumer partition stays held, so events keep
     * waiting for it. Only the attempt that holds the run may do this.
     */
    boolean retryLater(String runId, int attempt, Instant retryAt, String error);

    /**
     * Hands the run to the publisher: while {@code attempt} holds the run (RUNNING, same attempt,
     * lease not run out) it becomes PUBLISHING with the attempt's output events staged (their
     * objects uploaded, not yet in their tables). From then on no attempt starts, so the staged files
     * are the only ones the run can publish: an attempt that lost its lease can never stage, nor
     * commit. Repeating the call under the same attempt after an unclear answer returns true.
     *
     * @return false when the attempt no longer holds the run: nothing was written
     */
    boolean stageOutputs(String runId, int attempt, List<AssetEvent> events, Map<String, String> inputVersions, String codeVersion);

    /** What the run's attempt staged, once it did. */
    Optional<StagedOutputs> staged(String runId);

    /**
     * The run's commit point, after its tables hold its outputs: records all of its output events
     * atomically with the fence (the run PUBLISHING what {@code attempt} staged, no outputs recorded
     * yet), with what it read (input versions, code version), so its outputs are either all recorded
     * or none, and whoever finds them recorded can finish the publication. Each event's follow-ups
     * ({@link EventLog#applyFollowUps}) are applied after it. Repeating the call under the same
     * attempt after an unclear answer returns true.
     *
     * @return false when the run is not publishing {@code attempt}'s outputs (it ended): nothing was written
     */
    boolean recordOutputs(String runId, int attempt, List<AssetEvent> events, Map<String, String> inputVersions, String codeVersion);

    /** The ids of a run's output events, when they were recorded (all of them: see {@link #recordOutputs}). */
    Optional<List<String>> recordedOutputs(String runId);

    /**
     * Ends a run while {@code attempt} holds it (RUNNING, same attempt): its state is set and the
     * consumer partition is free for the next run, atomically. A stale attempt cannot end a run
     * another attempt or the sweep now owns: false then, and nothing was written.
     */
    boolean finish(String runId, int attempt, RunState outcome, String reason);

    /**
     * Ends an active (QUEUED, RUNNING or PUBLISHING) run as {@link #finish(String, int, RunState, String)} does,
     * whichever attempt holds it. Unfenced: for operators' tools and tests. Fails with a
     * {@link StoreException} when the run is not active.
     */
    void finishUnfenced(String runId, RunState outcome, String reason);

    /**
     * The input versions of the newest SUCCEEDED run of a pipeline partition, with its code version
     * under {@code codeVersionKey}.
     */
    Optional<Map<String, String>> lastSucceededInputs(String pipeline, String partition, String codeVersionKey);
}
