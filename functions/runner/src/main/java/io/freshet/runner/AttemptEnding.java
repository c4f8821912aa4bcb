package io.freshet.runner;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.JsonLog;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.StateStore;
import io.freshet.core.runs.RunState;
import io.freshet.lineage.RunLineage;

/**
 * How an attempt ends, every write fenced on it: SKIPPED or FAILED by a phase's decision, back to
 * QUEUED or FAILED after a failure as its {@link FailureKind} decides, or PUBLISHING when it had
 * staged its outputs (the publisher ends the run).
 */
final class AttemptEnding {

    private static final String NO_LONGER_HOLDS = "attempt no longer holds the run: it stops and writes nothing more";

    private final StateStore store;
    private final RunLauncher launcher;
    private final RunLineage lineage;
    private final Clock clock;
    private final JsonLog log;

    AttemptEnding(RunnerParts parts) {
        this.store = parts.store();
        this.launcher = parts.launcher();
        this.lineage = parts.lineage();
        this.clock = parts.clock();
        this.log = parts.log();
    }

    /** Ends the run under this attempt; a stale attempt stops here with {@link LeaseLostException}. */
    void finish(Attempt a, RunState state, String reason) {
        if (!store.runs().finish(a.run().runId(), a.number(), state, reason)) {
            throw new LeaseLostException("run " + a.run().runId() + ": attempt " + a.number() + " could not end it " + state + ": it no longer holds it");
        }
        launcher.announceEnd(a.run(), state, reason);
    }

    /** Nothing to compute: the run ends SKIPPED, publishing nothing. */
    RunState skipped(Attempt a, String reason, String logMessage, Map<String, Object> logged) {
        finish(a, RunState.SKIPPED, reason);
        lineage.complete(a.run(), a.number(), a.pipeline(), clock.instant(), a.read(), List.of());
        log.info(logMessage, a.log(logged));
        return RunState.SKIPPED;
    }

    /** The run cannot be done now and trying again would not help: FAILED before anything was read. */
    RunState refused(Attempt a, String reason) {
        lineage.fail(a.run(), a.number(), a.pipeline(), clock.instant(), a.read(), reason);
        finish(a, RunState.FAILED, reason);
        log.warn("run refused: nothing read, nothing published", a.log(Map.of("state", "FAILED", "reason", reason)));
        return RunState.FAILED;
    }

    /** What a failed attempt leads to: its kind decides ({@link FailureKind#next}). Empty when the attempt lost the run. */
    Optional<RunState> failed(Attempt a, FailureKind kind) {
        String reason = kind.reason();
        FailureKind.Next next = kind.next(a.number(), a.pipeline().retries(), () -> store.runs().staged(a.run().runId())
                .filter(s -> s.attempt() == a.number()).isPresent());
        if (next instanceof FailureKind.Next.Stop) {
            log.warn(NO_LONGER_HOLDS, a.log(Map.of("reason", reason)));
            return Optional.empty();
        }
        if (next instanceof FailureKind.Next.HandedOver) {
            log.warn("run attempt failed after staging its outputs; the publisher publishes them (the sweep re-sends them if needed)",
                    a.log(Map.of("state", "PUBLISHING", "reason", reason, "kind", kind.label())));
            return Optional.of(RunState.PUBLISHING);
        }
        lineage.fail(a.run(), a.number(), a.pipeline(), clock.instant(), a.read(), reason);
        if (next instanceof FailureKind.Next.Retry retry) {
            return retryLater(a, kind, retry);
        }
        if (!store.runs().finish(a.run().runId(), a.number(), RunState.FAILED, reason)) {
            log.warn(NO_LONGER_HOLDS, a.log(Map.of("reason", reason)));
            return Optional.empty();
        }
        launcher.announceEnd(a.run(), RunState.FAILED, reason);
        log.error("run failed", a.log(Map.of("state", "FAILED", "reason", reason, "kind", kind.label())));
        return Optional.of(RunState.FAILED);
    }

    /** The same run id tries again after the backoff; the tick announces it when it is due. */
    private Optional<RunState> retryLater(Attempt a, FailureKind kind, FailureKind.Next.Retry retry) {
        String reason = kind.reason();
        Instant retryAt = clock.instant().plus(retry.delay());
        if (!store.runs().retryLater(a.run().runId(), a.number(), retryAt, reason)) {
            log.warn(NO_LONGER_HOLDS, a.log(Map.of("reason", reason)));
            return Optional.empty();
        }
        log.warn("run attempt failed; it will be retried", a.log(Map.of("state", "QUEUED", "reason", reason,
                "kind", kind.label(), "retryAt", retryAt.toString())));
        return Optional.of(RunState.QUEUED);
    }
}
