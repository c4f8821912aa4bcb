package io.freshet.scheduler;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.state.StateStore;
import io.freshet.state.ConsumerView;
import io.freshet.state.ScheduleState;
import io.freshet.state.DirtyPartition;
import io.freshet.state.TickState;
import io.freshet.state.DeployedCode;
import io.freshet.state.Violation;
import io.freshet.core.events.Ids;
import io.freshet.core.freshness.FreshnessRules;
import io.freshet.core.load.Project;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.partition.Partitions;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.Request;

/**
 * Freshness: every policy of the project is judged, each source by its newest event and each
 * derived partition by its oldest input event not yet in its outputs. A violation raises
 * {@code Asset Overdue} once (its write is conditional) and {@code Asset Fresh Again} once when it
 * ends; a tick that dies between the write and the announcement leaves it to the next. A max-lag
 * policy looks at the partitions with new input and those a run is active in; a pipeline's
 * partition whose inputs are all reflected leaves the list of partitions with new input.
 */
final class FreshnessDuty implements TickDuty {

    private final Project project;
    private final StateStore store;
    private final ScheduleState schedule;
    private final Announcer announcer;
    private final JsonLog log;
    private final Clock clock;

    FreshnessDuty(Project project, StateStore store, ScheduleState schedule, Announcer announcer, JsonLog log, Clock clock) {
        this.project = project;
        this.store = store;
        this.schedule = schedule;
        this.announcer = announcer;
        this.log = log;
        this.clock = clock;
    }

    /** The counts of one tick's judgement. */
    private static final class Counts {
        int overdue;
        int raised;
        int recovered;
    }

    /** Judges every source and pipeline of the project, whatever pipelines {@code tick} covers. */
    @Override
    public DutyOutcome.FreshnessJudged run(Tick tick) {
        Counts c = new Counts();
        for (Source s : project.sources()) {
            if (s instanceof Source.S3 s3 && s3.freshness().isPresent()) {
                source(s3, s3.freshness().get(), tick, c);
            }
        }
        for (Pipeline p : project.pipelines()) {
            if (p.freshness().isPresent()) {
                pipeline(p, p.freshness().get(), tick, c);
            }
        }
        return new DutyOutcome.FreshnessJudged(c.overdue, c.raised, c.recovered);
    }

    private void source(Source.S3 s, Freshness policy, Tick tick, Counts c) {
        Instant now = tick.now();
        Optional<Instant> newest = store.events().newest(s.name()).map(AssetEvent::time);
        Map<String, Violation> open = violations(tick.state(), s.name());
        FreshnessRules.Status status = FreshnessRules.source(policy, new FreshnessRules.Facts(newest, Optional.empty()), now);
        if (newest.isEmpty() && policy instanceof Freshness.MaxLag m && deployedSince(tick.state(), s.name(), now).plus(m.maxLag()).isAfter(now)) {
            // A new deployment has not had max_lag yet to receive its first file.
            status = new FreshnessRules.Status(false, "no data yet, within " + m.describe() + " of the deployment", status.requiredBy());
        }
        apply(s.name(), "*", policy, status, open.get("*"), c);
    }

    private void pipeline(Pipeline p, Freshness policy, Tick tick, Counts c) {
        List<DirtyPartition> dirty = tick.dirty(p.name(), schedule::dirtyPartitions);
        // Per partition of this pipeline, read once: every output and the list's upkeep below share it.
        Map<String, Optional<Instant>> unreflected = new HashMap<>();
        // A max-lag policy's partitions to judge, the same for every output: those with new input, and
        // those a run is active in (a run created on the delivery of its input leaves no mark: TriggerService).
        Set<String> lagging = new LinkedHashSet<>();
        if (!(policy instanceof Freshness.Deadline)) {
            dirty.forEach(x -> lagging.add(x.partition()));
            tick.activeRuns(store.runs()::active).stream().filter(r -> r.pipeline().equals(p.name())).forEach(r -> lagging.add(r.partition()));
        }
        for (String asset : p.outputAssets()) {
            Map<String, Violation> open = violations(tick.state(), asset);
            Optional<String> required = policy instanceof Freshness.Deadline d ? requiredPartition(p, d, tick) : Optional.empty();
            Set<String> candidates = new LinkedHashSet<>(lagging);
            required.ifPresent(candidates::add);
            candidates.addAll(open.keySet());
            for (String partition : candidates) {
                FreshnessRules.Facts facts = new FreshnessRules.Facts(store.events().latest(asset, partition).map(AssetEvent::time),
                        unreflected.computeIfAbsent(partition, x -> unreflectedSince(p, x)));
                apply(asset, partition, policy, status(policy, required, partition, facts, tick.now()), open.get(partition), c);
            }
        }
        // A partition whose inputs are all reflected is off the list until new input arrives.
        for (DirtyPartition d : dirty) {
            if (unreflected.computeIfAbsent(d.partition(), x -> unreflectedSince(p, x)).isEmpty()) {
                schedule.clearDirty(p.name(), d);
            }
        }
    }

    /** The partition the deadline in force requires; a deadline that passed before the pipeline was deployed is not held against it. */
    private static Optional<String> requiredPartition(Pipeline p, Freshness.Deadline d, Tick tick) {
        Instant deployed = Optional.ofNullable(tick.state().code().get(p.name())).map(DeployedCode::firstSeen).orElse(tick.now());
        return FreshnessRules.deadlineInForce(d, tick.now()).filter(fire -> !fire.isBefore(deployed))
                .map(fire -> FreshnessRules.requiredPartition(p.partitioning(), d, fire))
                .filter(key -> !Partitions.beforeStart(p.partitioning(), key));
    }

    private static FreshnessRules.Status status(Freshness policy, Optional<String> required, String partition,
                                                FreshnessRules.Facts facts, Instant now) {
        if (policy instanceof Freshness.Deadline && !required.filter(partition::equals).isPresent()) {
            // An older deadline's partition: it recovers once built with all its inputs.
            boolean behind = facts.newestEvent().isEmpty() || facts.oldestUnreflected().isPresent();
            return new FreshnessRules.Status(behind, behind ? "still missing data an earlier deadline needed" : "caught up", now);
        }
        return FreshnessRules.derived(policy, facts, now);
    }

    /** When the tick first saw a pipeline that reads {@code source}: the start of its watch. */
    private Instant deployedSince(TickState state, String source, Instant now) {
        return project.pipelines().stream().filter(p -> p.input(source).isPresent())
                .map(p -> Optional.ofNullable(state.code().get(p.name())).map(DeployedCode::firstSeen).orElse(now))
                .min(Instant::compareTo).orElse(now);
    }

    private static Map<String, Violation> violations(TickState state, String asset) {
        Map<String, Violation> out = new LinkedHashMap<>();
        state.violations(asset).forEach(v -> out.put(v.partition(), v));
        return out;
    }

    /**
     * The oldest input event of a pipeline partition not yet in its outputs: waiting (of an input
     * that can start a run), consumed by the run still going, or consumed by a run that failed.
     */
    private Optional<Instant> unreflectedSince(Pipeline p, String partition) {
        ConsumerView view = store.consumers().view(p.name(), partition);
        List<Instant> times = new ArrayList<>();
        // Events of an input the condition does not name cannot start a run: they wait for the next one and never make it overdue.
        view.pending().stream().filter(e -> !Request.isRequest(e) && FreshnessRules.inputCounts(p, e.asset())).forEach(e -> times.add(e.time()));
        Optional<String> held = view.activeRun().or(view::lastRun);
        held.flatMap(store.runs()::run).filter(r -> r.state() != RunState.SUCCEEDED && r.state() != RunState.SKIPPED)
                .flatMap(Run::oldestInput).ifPresent(times::add);
        return times.stream().min(Instant::compareTo);
    }

    /** Moves an asset partition's violation on by its status: opened and raised, announced late, recovered, or closed. */
    private void apply(String asset, String partition, Freshness policy, FreshnessRules.Status status, Violation existing, Counts c) {
        Instant now = clock.instant();
        if (status.overdue()) {
            c.overdue++;
            if (existing == null) {
                Violation v = new Violation(asset, partition, "ov-" + Ids.hash(20, List.of(asset, partition, now.toString())), true,
                        status.reason(), now, false);
                if (schedule.openViolation(v)) {
                    c.raised++;
                    announceViolation(v, policy, EventJson.ASSET_OVERDUE);
                    log.warn("asset overdue", Map.of("asset", asset, "partition", partition, "reason", status.reason()));
                }
            } else if (existing.overdue() && !existing.announced()) {
                announceViolation(existing, policy, EventJson.ASSET_OVERDUE); // the tick that opened it died before announcing
            } else if (!existing.overdue()) {
                finishRecovery(existing, policy); // the previous violation's recovery first; the new one opens next tick
            }
            return;
        }
        if (existing == null) {
            return;
        }
        if (existing.overdue()) {
            if (schedule.recover(existing, status.reason())) {
                c.recovered++;
                log.info("asset fresh again", Map.of("asset", asset, "partition", partition, "reason", status.reason()));
                finishRecovery(new Violation(asset, partition, existing.violationId(), false, status.reason(), now, false), policy);
            }
        } else {
            finishRecovery(existing, policy);
        }
    }

    private void finishRecovery(Violation v, Freshness policy) {
        announcer.announce(EventJson.ASSET_FRESH_AGAIN, EventJson.freshness(v.asset(), v.partition(), v.violationId(),
                policy.describe(), v.reason(), v.since()));
        schedule.closeViolation(v);
    }

    private void announceViolation(Violation v, Freshness policy, String type) {
        announcer.announce(type, EventJson.freshness(v.asset(), v.partition(), v.violationId(), policy.describe(), v.reason(), v.since()));
        schedule.markViolationAnnounced(v);
    }
}
