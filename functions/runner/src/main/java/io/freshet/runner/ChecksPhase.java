package io.freshet.runner;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.StateStore;
import io.freshet.core.load.Project;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.engine.checks.CheckResult;
import io.freshet.engine.checks.CheckRunner;
import io.freshet.engine.sql.DuckSession;
import io.freshet.lineage.RunLineage;

/**
 * The checks phase: every check of the pipeline over the tables its steps wrote. A failing
 * blocking check fails the run, permanently (the same data fails the same way), before anything
 * is recorded; failed checks are announced only after the fenced write that makes the run's fate
 * true ({@link #announceFailed}).
 */
final class ChecksPhase {

    /** The checks' results; {@code failed} are those that did not pass, blocking or not. */
    record Outcome(List<CheckResult> results, List<CheckResult> failed) {

        static Outcome of(List<CheckResult> results) {
            return new Outcome(results, results.stream().filter(r -> !r.passed()).toList());
        }

        /** Why publication is blocked, or empty when no blocking check failed. */
        Optional<String> blockedBecause() {
            List<CheckResult> blocking = results.stream().filter(CheckResult::blocksPublication).toList();
            return blocking.isEmpty() ? Optional.empty() : Optional.of("blocking check(s) failed: " + blocking.stream()
                    .map(r -> r.asset() + " " + r.name() + ": " + r.detail()).collect(Collectors.joining("; ")));
        }
    }

    private final Project project;
    private final StateStore store;
    private final Announcer announcer;
    private final RunLauncher launcher;
    private final RunLineage lineage;
    private final Clock clock;
    private final JsonLog log;

    ChecksPhase(RunnerParts parts) {
        this.project = parts.project();
        this.store = parts.store();
        this.announcer = parts.announcer();
        this.launcher = parts.launcher();
        this.lineage = parts.lineage();
        this.clock = parts.clock();
        this.log = parts.log();
    }

    Outcome run(Attempt a, DuckSession duck, AttemptDeadline deadline) {
        List<CheckResult> results = CheckRunner.run(duck, a.pipeline().checks(), c -> project.sql(c.sql()));
        deadline.check();
        for (CheckResult r : results) {
            Map<String, Object> check = a.log(Map.of("asset", r.asset(), "check", r.name(), "result", r.summary()));
            if (r.passed()) {
                log.info("check passed", check);
            } else {
                log.warn(r.blocking() ? "blocking check failed" : "check failed (not blocking)", check);
            }
        }
        return Outcome.of(results);
    }

    /** A blocking check failed: the run ends FAILED (not a retry), nothing recorded. */
    RunState fail(Attempt a, Outcome checks, String reason) {
        Run run = a.run();
        int attempt = a.number();
        if (!store.runs().finish(run.runId(), attempt, RunState.FAILED, reason)) {
            throw new LeaseLostException("run " + run.runId() + ": attempt " + attempt + " could not end it FAILED");
        }
        announceFailed(run, checks);
        launcher.announceEnd(run, RunState.FAILED, reason);
        lineage.fail(run, attempt, a.pipeline(), clock.instant(), a.read(), reason);
        log.warn("run failed its checks: nothing published", a.log(Map.of("state", "FAILED", "reason", reason, "kind", "permanent")));
        return RunState.FAILED;
    }

    /** {@code Asset Check Failed} for each check that did not pass. */
    void announceFailed(Run run, Outcome checks) {
        checks.failed().forEach(r -> announcer.announce("Asset Check Failed", checkFailedJson(run, r)));
    }

    private static String checkFailedJson(Run run, CheckResult r) {
        var n = EventJson.MAPPER.createObjectNode();
        n.put("runId", run.runId());
        n.put("pipeline", run.pipeline());
        n.put("partition", run.partition());
        n.put("asset", r.asset());
        n.put("check", r.name());
        n.put("kind", r.kind());
        n.put("blocking", r.blocking());
        n.put("detail", r.detail());
        return EventJson.write(n);
    }
}
