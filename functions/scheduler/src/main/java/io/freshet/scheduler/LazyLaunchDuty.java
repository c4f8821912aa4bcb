package io.freshet.scheduler;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.StateStore;
import io.freshet.state.ConsumerView;
import io.freshet.state.ScheduleState;
import io.freshet.state.DirtyPartition;
import io.freshet.core.freshness.FreshnessRules;
import io.freshet.core.model.Pipeline;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Request;

/**
 * Lazy launches: a pipeline with a freshness policy and no trigger is launched for a partition with
 * new input data when it must start to meet its policy ({@link FreshnessRules#shouldLaunch}). The
 * request's id derives from the oldest new event, so a repeated tick asks again with the same id.
 */
final class LazyLaunchDuty implements TickDuty {

    private final StateStore store;
    private final ScheduleState schedule;
    private final RunLauncher launcher;

    LazyLaunchDuty(StateStore store, ScheduleState schedule, RunLauncher launcher) {
        this.store = store;
        this.schedule = schedule;
        this.launcher = launcher;
    }

    @Override
    public DutyOutcome.RunsRequested run(Tick tick) {
        int requested = 0;
        for (Pipeline p : tick.pipelines()) {
            if (p.trigger().isEmpty() && p.freshness().isPresent()) {
                requested += lazyLaunch(p, tick.dirty(p.name(), schedule::dirtyPartitions), tick.now());
            }
        }
        return new DutyOutcome.RunsRequested(requested);
    }

    private int lazyLaunch(Pipeline p, List<DirtyPartition> dirtyPartitions, Instant now) {
        int requested = 0;
        for (DirtyPartition dirty : dirtyPartitions) {
            ConsumerView view = store.consumers().view(p.name(), dirty.partition());
            if (view.activeRun().isPresent()) {
                continue; // what is new waits for the run to end
            }
            Optional<PendingEvent> oldest = view.pending().stream().filter(e -> !Request.isRequest(e))
                    .min(Comparator.comparing(PendingEvent::time).thenComparing(PendingEvent::eventId));
            if (oldest.isEmpty() || !FreshnessRules.shouldLaunch(p, dirty.partition(), oldest.get().time(), now)) {
                continue;
            }
            Request r = Request.freshness(p.name(), dirty.partition(), oldest.get().eventId(), p.freshness().orElseThrow().describe(), now);
            if (launcher.request(p, dirty.partition(), r, List.of())) {
                requested++;
            }
        }
        return requested;
    }
}
