package io.freshet.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.JsonLog;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.protocol.RunPublication;
import io.freshet.state.StateStore;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/**
 * The sweep of runs not ended and of ends not announced (the sparse index the store keeps of both):
 * a retry that is due, a run not started long after its creation (its creator may have died before
 * announcing it), and a run requested long ago and not started are announced again; an attempt
 * whose lease expired is retried, or failed when out of attempts. A publication that lingers (the publisher died or its event was lost) is handed to the
 * publisher again, or finished here when its outputs were recorded (recording is the commit point:
 * the run succeeds). A run end that was never announced is announced.
 */
final class SweepDuty implements TickDuty {

    /** A Run Requested not taken up by a runner in this long is sent again (it may have gone to a dead-letter queue). */
    static final Duration STUCK_AFTER = Duration.ofMinutes(10);
    /**
     * A publication unchanged for this long is handed over again: longer than the publisher's
     * Lambda timeout (15 minutes), so a publisher still at work is not doubled.
     */
    static final Duration PUBLISHING_STUCK_AFTER = Duration.ofMinutes(20);

    private final Project project;
    private final StateStore store;
    private final RunLauncher launcher;
    private final RunPublication publication;
    private final JsonLog log;

    SweepDuty(Project project, StateStore store, RunLauncher launcher, RunPublication publication, JsonLog log) {
        this.project = project;
        this.store = store;
        this.launcher = launcher;
        this.publication = publication;
        this.log = log;
    }

    /** Sweeps every run of the store, whatever pipelines {@code tick} covers. */
    @Override
    public DutyOutcome.RunsSwept run(Tick tick) {
        Instant now = tick.now();
        int resent = 0;
        for (Run run : tick.activeRuns(store.runs()::active)) {
            Optional<Pipeline> p = project.pipeline(run.pipeline());
            if (p.isEmpty()) {
                log.warn("active run of a pipeline this deployment does not have", Map.of("runId", run.runId(), "pipeline", run.pipeline()));
                continue;
            }
            Map<String, Object> ctx = Map.of("runId", run.runId(), "pipeline", run.pipeline(), "partition", run.partition(), "attempt", run.attempt());
            if (run.state() == RunState.QUEUED && queued(run, now, ctx)) {
                resent++;
            } else if (run.state() == RunState.RUNNING && run.leaseUntil().filter(l -> l.isBefore(now)).isPresent() && leaseExpired(run, p.get(), now, ctx)) {
                resent++;
            } else if (run.state() == RunState.PUBLISHING && run.updatedAt().plus(PUBLISHING_STUCK_AFTER).isBefore(now) && publishing(run, ctx)) {
                resent++;
            }
        }
        for (Run run : store.runs().unannouncedEnds()) {
            if (run.updatedAt().plus(RunLauncher.ANNOUNCE_GRACE).isBefore(now)) {
                log.info("run end was never announced: announcing", Map.of("runId", run.runId(), "pipeline", run.pipeline(), "state", run.state()));
                launcher.announceEnd(run, run.state(), run.finishReason().orElse(run.state().name().toLowerCase(Locale.ROOT)));
                resent++;
            }
        }
        return new DutyOutcome.RunsSwept(resent);
    }

    /**
     * A QUEUED run: announced again when its retry is due, when no runner took it up after its
     * creator's announcement ({@link RunLauncher#UNSTARTED_GRACE}), or after a later one
     * ({@link #STUCK_AFTER}).
     */
    private boolean queued(Run run, Instant now, Map<String, Object> ctx) {
        boolean retryDue = run.retryAt().filter(at -> !at.isAfter(now)).isPresent();
        boolean unstarted = RunLauncher.unstartedPastGrace(run, now);
        if (!run.announced() && (retryDue || unstarted)) {
            log.info(retryDue ? "retry due: run requested again"
                    : "run not started " + RunLauncher.UNSTARTED_GRACE.toMinutes() + " minutes after its creation (its announcement may be lost): requested again", ctx);
            launcher.announce(run);
            return true;
        }
        if (run.announced() && run.updatedAt().plus(STUCK_AFTER).isBefore(now)) {
            log.warn("run requested " + STUCK_AFTER.toMinutes() + " minutes ago and not started: requested again", ctx);
            launcher.announce(run);
            return true;
        }
        return false;
    }

    /**
     * A PUBLISHING run nobody moved for {@link #PUBLISHING_STUCK_AFTER}: finished here when its
     * outputs were recorded (the publisher died after its commit point; the tables hold them), else
     * handed to the publisher again, which commits idempotently. True: counted as resent.
     */
    private boolean publishing(Run run, Map<String, Object> ctx) {
        Optional<List<String>> recorded = store.runs().recordedOutputs(run.runId());
        if (recorded.isPresent()) {
            // Past the commit point: consumers may already use its outputs, so the run succeeds.
            String reason = "published " + recorded.get().size() + " asset event(s); the publisher stopped after recording them";
            if (publication.complete(run, run.attempt(), recorded.get(), reason)) {
                log.warn("publication finished by the sweep, run succeeded", merge(ctx, Map.of("state", "SUCCEEDED")));
                return true;
            }
            return false;
        }
        log.warn("publication not done " + PUBLISHING_STUCK_AFTER.toMinutes() + " minutes after staging: handed to the publisher again", ctx);
        launcher.announceStaged(run, run.attempt());
        return true;
    }

    /**
     * A RUNNING run whose lease ran out: retried or, out of attempts, failed. True when it counts
     * as resent (a failure does not).
     */
    private boolean leaseExpired(Run run, Pipeline p, Instant now, Map<String, Object> ctx) {
        String why = "attempt " + run.attempt() + " did not finish before its lease ran out (timed out or killed)";
        if (run.attempt() <= p.retries().attempts()) {
            if (store.runs().retryLater(run.runId(), run.attempt(), now, why)) {
                log.warn(why + "; retrying", ctx);
                store.runs().run(run.runId()).ifPresent(launcher::announce);
                return true;
            }
        } else if (store.runs().finish(run.runId(), run.attempt(), RunState.FAILED, why)) {
            log.error(why + "; no attempts left: run failed", merge(ctx, Map.of("state", "FAILED")));
            launcher.announceEnd(run, RunState.FAILED, why);
        }
        return false;
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }
}
