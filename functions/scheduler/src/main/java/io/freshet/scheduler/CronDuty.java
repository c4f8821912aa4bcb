package io.freshet.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.JsonLog;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.StateStore;
import io.freshet.state.ScheduleState;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Trigger;
import io.freshet.core.schedule.CronTicks;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Readiness;
import io.freshet.core.trigger.Request;

/**
 * Cron schedules: each fire in (cursor, now] requests a run of its partition (bounded catch-up); a
 * cron + condition pipeline only when its condition holds over what arrived since its last run.
 * A late tick finds the fire in its window, a missed tick leaves it to the next, and a repeated or
 * concurrent tick adds requests that are already pending or consumed (their ids derive from the fire).
 */
final class CronDuty implements TickDuty {

    /** How far back the very first tick looks for cron fires. */
    static final Duration FIRST_TICK_WINDOW = Duration.ofMinutes(1);
    /** Missed fires counted at most, for the warning about the ones not caught up. */
    private static final int SKIPPED_COUNTED = 1000;

    private final StateStore store;
    private final ScheduleState schedule;
    private final RunLauncher launcher;
    private final JsonLog log;

    CronDuty(StateStore store, ScheduleState schedule, RunLauncher launcher, JsonLog log) {
        this.store = store;
        this.schedule = schedule;
        this.launcher = launcher;
        this.log = log;
    }

    @Override
    public DutyOutcome.RunsRequested run(Tick tick) {
        int requested = 0;
        for (Pipeline p : tick.pipelines()) {
            Optional<Trigger> t = p.trigger();
            if (t.isPresent() && t.get().schedule().isPresent()) {
                requested += cron(p, t.get(), Optional.ofNullable(tick.state().cursors().get(p.name())), tick.now());
            }
        }
        return new DutyOutcome.RunsRequested(requested);
    }

    private int cron(Pipeline p, Trigger t, Optional<Instant> cursor, Instant now) {
        Instant from = cursor.orElse(now.minus(FIRST_TICK_WINDOW));
        List<Instant> fires = CronTicks.due(t, from, now);
        int left = CronTicks.skipped(t, from, fires, SKIPPED_COUNTED);
        if (left > 0) {
            log.warn("missed schedule fires not caught up", Map.of("pipeline", p.name(), "skipped", left,
                    "catchup", t.catchup(), "maxCatchup", t.maxCatchup()));
        }
        int requested = 0;
        for (Instant fire : fires) {
            if (fire(p, t, fire)) {
                requested++;
            }
        }
        // The cursor moves after the requests: a tick that dies before it leaves the fires to the next tick.
        // It moves only when there were fires (or on first sight): a quiet minute writes nothing, and
        // the window (cursor, now] simply grows until the next fire.
        if (!fires.isEmpty() || cursor.isEmpty()) {
            schedule.advanceCursor(p.name(), cursor, now);
        }
        return requested;
    }

    /** Requests the run of one fire's partition; false when there is none to run or it was requested before. */
    private boolean fire(Pipeline p, Trigger t, Instant fire) {
        Optional<String> partition = CronTicks.partitionOf(p, fire);
        if (partition.isEmpty()) {
            log.info("schedule fire before the first partition: nothing to run", Map.of("pipeline", p.name(), "fire", fire.toString()));
            return false;
        }
        if (t.condition().isPresent()) {
            List<PendingEvent> pending = store.consumers().view(p.name(), partition.get()).pending();
            if (!Readiness.conditionHolds(p, partition.get(), pending, store.events()::hasData)) {
                log.info("schedule fired; inputs unchanged since the last run: no run", Map.of("pipeline", p.name(),
                        "partition", partition.get(), "fire", fire.toString(), "condition", t.condition().get().text()));
                return false;
            }
        }
        return launcher.request(p, partition.get(), Request.tick(p.name(), fire), List.of());
    }
}
