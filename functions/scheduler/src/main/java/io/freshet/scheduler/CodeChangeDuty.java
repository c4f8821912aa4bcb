package io.freshet.scheduler;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.freshet.aws.JsonLog;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.StateStore;
import io.freshet.state.ScheduleState;
import io.freshet.state.DeployedCode;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.trigger.Request;

/**
 * Code changes: a pipeline whose code version differs from the one last seen gets its newest
 * partitions (as {@code on_code_change} says) re-materialized; their events ripple downstream like
 * any update. The stored version moves first to "new, not applied" (conditionally, so one of two
 * racing ticks does the work), with the time the change was noticed, then the requests are added
 * (their ids derive from version and that time), then it is marked applied: a tick that dies in
 * between is finished by the next, with the same requests. A version deployed again after a revert
 * is a change of its own, noticed at another time: its partitions are rebuilt again.
 */
final class CodeChangeDuty implements TickDuty {

    private final Project project;
    private final StateStore store;
    private final ScheduleState schedule;
    private final RunLauncher launcher;
    private final JsonLog log;

    CodeChangeDuty(Project project, StateStore store, ScheduleState schedule, RunLauncher launcher, JsonLog log) {
        this.project = project;
        this.store = store;
        this.schedule = schedule;
        this.launcher = launcher;
        this.log = log;
    }

    @Override
    public DutyOutcome.RunsRequested run(Tick tick) {
        int requested = 0;
        for (Pipeline p : tick.pipelines()) {
            requested += codeChange(p, Optional.ofNullable(tick.state().code().get(p.name())), tick.now());
        }
        return new DutyOutcome.RunsRequested(requested);
    }

    private int codeChange(Pipeline p, Optional<DeployedCode> seen, Instant now) {
        String current = project.codeVersion(p.name());
        if (seen.isEmpty()) {
            // First sight: nothing was built by an older version. Use materialize or backfill to build the past.
            schedule.recordCode(p.name(), seen, new DeployedCode(current, true, now));
            return 0;
        }
        if (seen.get().version().equals(current) && seen.get().applied()) {
            return 0;
        }
        // A change a tick noticed and died before applying keeps its time, and so its requests' ids.
        boolean noticedBefore = seen.get().version().equals(current);
        DeployedCode pending = noticedBefore ? seen.get() : new DeployedCode(current, false, seen.get().firstSeen(), Optional.of(now));
        if (!noticedBefore) {
            if (!schedule.recordCode(p.name(), seen, pending)) {
                return 0; // another tick noticed the deploy first and does the work
            }
            log.info("code version changed", Map.of("pipeline", p.name(), "from", seen.get().version(), "to", current,
                    "rebuilds", p.onCodeChange().describe()));
        }
        int requested = 0;
        for (String partition : newestPartitions(p, p.onCodeChange().partitions())) {
            if (launcher.request(p, partition, Request.codeChange(p.name(), partition, current, pending.changedAt(), now), List.of())) {
                requested++;
            }
        }
        schedule.recordCode(p.name(), Optional.of(pending), pending.asApplied());
        return requested;
    }

    /** The newest partitions holding data of any of the pipeline's outputs, newest first. */
    private List<String> newestPartitions(Pipeline p, int n) {
        if (n == 0) {
            return List.of();
        }
        Set<String> keys = new TreeSet<>(Comparator.reverseOrder());
        for (String asset : p.outputAssets()) {
            keys.addAll(store.events().partitionsWithData(asset, n));
        }
        return keys.stream().limit(n).toList();
    }
}
