package io.freshet.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
import io.freshet.core.events.Ids;
import io.freshet.core.freshness.FreshnessRules;
import io.freshet.core.load.Project;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.Trigger;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.schedule.CronTicks;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Readiness;
import io.freshet.core.trigger.Request;
import io.freshet.state.ConsumerView;
import io.freshet.state.DeployedCode;
import io.freshet.state.DirtyPartition;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.TickState;
import io.freshet.state.Violation;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.protocol.RunPublication;

/**
 * The one-minute tick: everything time decides, with no daemon.
 *
 * <ol>
 *   <li><b>Code changes</b>: a pipeline whose code version differs from the one last seen gets its
 *       newest partitions (as {@code on_code_change} says) re-materialized; their events ripple
 *       downstream like any update.</li>
 *   <li><b>Cron</b>: each fire in (cursor, now] requests a run of its partition (bounded catch-up);
 *       a cron + condition pipeline only when its condition holds over what arrived since its last run.</li>
 *   <li><b>Lazy freshness</b>: a pipeline with a freshness policy and no trigger is launched for a
 *       partition with new input data when it must start to meet its policy.</li>
 *   <li><b>Freshness</b>: every policy is evaluated; a violation raises {@code Asset Overdue} once and
 *       {@code Asset Fresh Again} once when it ends, and the count of overdue assets is a metric.</li>
 *   <li><b>Sweep</b>: runs whose retry is due, whose announcement was lost, or whose attempt died
 *       are announced again (or failed, when out of attempts); run ends that were not announced are.</li>
 * </ol>
 * Every step is idempotent (deterministic request ids, conditional writes), so a duplicated or
 * overlapping tick changes nothing, and a step that failed is done by the next tick. One
 * pipeline's trouble is logged and does not stop the others.
 */
public final class SchedulerService {

    /** A Run Requested not taken up by a runner in this long is sent again (it may have gone to a dead-letter queue). */
    static final Duration STUCK_AFTER = Duration.ofMinutes(10);
    /** How far back the very first tick looks for cron fires. */
    static final Duration FIRST_TICK_WINDOW = Duration.ofMinutes(1);
    public static final String METRIC_NAMESPACE = "Freshet";

    private final Project project;
    private final StateStore store;
    private final ScheduleState schedule;
    private final Announcer announcer;
    private final RunLauncher launcher;
    private final RunPublication publication;
    private final JsonLog log;
    private final Clock clock;
    private final String stack;

    public SchedulerService(Project project, StateStore store, ScheduleState schedule, Announcer announcer, JsonLog log,
                            Clock clock, String stack) {
        this.project = project;
        this.store = store;
        this.schedule = schedule;
        this.announcer = announcer;
        this.launcher = new RunLauncher(store, announcer, log, clock);
        this.publication = new RunPublication(store, announcer, launcher);
        this.log = log;
        this.clock = clock;
        this.stack = stack;
    }

    /** What one tick did, for its log line and for tests. */
    public record Report(int requested, int overdue, int raised, int recovered, int resent, List<String> failures) {
    }

    /** One tick. Fails (after doing everything it could) when some step failed, so the invocation counts as an error. */
    public Report tick() {
        Instant now = clock.instant();
        Counters c = new Counters();
        TickState state = schedule.load(); // a few queries, not requests per pipeline
        for (Pipeline p : project.pipelines().stream().sorted(Comparator.comparing(Pipeline::name)).toList()) {
            guard(c, "pipeline " + p.name(), () -> {
                codeChange(p, Optional.ofNullable(state.code().get(p.name())), now, c);
                Optional<Trigger> t = p.trigger();
                if (t.isPresent() && t.get().schedule().isPresent()) {
                    cron(p, t.get(), Optional.ofNullable(state.cursors().get(p.name())), now, c);
                }
                if (t.isEmpty() && p.freshness().isPresent()) {
                    lazyLaunch(p, now, c);
                }
            });
        }
        guard(c, "freshness", () -> freshness(now, state, c));
        guard(c, "sweep", () -> sweep(now, c));
        Report report = new Report(c.requested, c.overdue, c.raised, c.recovered, c.resent, List.copyOf(c.failures));
        log.metric(METRIC_NAMESPACE, "OverdueAssets", c.overdue, "Count", Map.of("Stack", stack));
        log.info("tick done", Map.of("requested", c.requested, "overdue", c.overdue, "raised", c.raised, "recovered", c.recovered,
                "resent", c.resent, "failures", c.failures.size()));
        if (!c.failures.isEmpty()) {
            throw new TickFailedException(c.failures);
        }
        return report;
    }

    private static final class Counters {
        /** Each pipeline's partitions with new input, read once per tick (launches and freshness both look). */
        final Map<String, List<DirtyPartition>> dirty = new java.util.HashMap<>();
        int requested;
        int overdue;
        int raised;
        int recovered;
        int resent;
        final List<String> failures = new ArrayList<>();
    }

    private void guard(Counters c, String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            c.failures.add(what + ": " + e);
            log.error("tick step failed; the next tick tries again", Map.of("step", what, "error", String.valueOf(e)));
        }
    }

    // ------------------------------------------------------------------ code changes

    private void codeChange(Pipeline p, Optional<DeployedCode> seen, Instant now, Counters c) {
        String current = project.codeVersion(p.name());
        if (seen.isEmpty()) {
            // First sight: nothing was built by an older version. Use materialize or backfill to build the past.
            schedule.recordCode(p.name(), seen, new DeployedCode(current, true, now));
            return;
        }
        if (seen.get().version().equals(current) && seen.get().applied()) {
            return;
        }
        DeployedCode pending = new DeployedCode(current, false, seen.get().firstSeen());
        if (!seen.get().version().equals(current)) {
            if (!schedule.recordCode(p.name(), seen, pending)) {
                return; // another tick noticed the deploy first and does the work
            }
            log.info("code version changed", Map.of("pipeline", p.name(), "from", seen.get().version(), "to", current,
                    "rebuilds", p.onCodeChange().describe()));
        }
        for (String partition : newestPartitions(p, p.onCodeChange().partitions())) {
            if (launcher.request(p, partition, Request.codeChange(p.name(), partition, current, now), List.of())) {
                c.requested++;
            }
        }
        schedule.recordCode(p.name(), Optional.of(pending), new DeployedCode(current, true, pending.firstSeen()));
    }

    /** The newest partitions holding data of any of the pipeline's outputs, newest first. */
    private List<String> newestPartitions(Pipeline p, int n) {
        if (n == 0) {
            return List.of();
        }
        Set<String> keys = new java.util.TreeSet<>(Comparator.reverseOrder());
        for (String asset : p.outputAssets()) {
            keys.addAll(store.events().partitionsWithData(asset, n));
        }
        return keys.stream().limit(n).toList();
    }

    // ------------------------------------------------------------------ cron

    private void cron(Pipeline p, Trigger t, Optional<Instant> cursor, Instant now, Counters c) {
        Instant from = cursor.orElse(now.minus(FIRST_TICK_WINDOW));
        List<Instant> fires = CronTicks.due(t, from, now);
        int left = CronTicks.skipped(t, from, fires, 1000);
        if (left > 0) {
            log.warn("missed schedule fires not caught up", Map.of("pipeline", p.name(), "skipped", left,
                    "catchup", t.catchup(), "maxCatchup", t.maxCatchup()));
        }
        for (Instant fire : fires) {
            Optional<String> partition = CronTicks.partitionOf(p, fire);
            if (partition.isEmpty()) {
                log.info("schedule fire before the first partition: nothing to run", Map.of("pipeline", p.name(), "fire", fire.toString()));
                continue;
            }
            if (t.condition().isPresent()) {
                List<PendingEvent> pending = store.consumers().view(p.name(), partition.get()).pending();
                if (!Readiness.conditionHolds(p, partition.get(), pending, store.events()::hasData)) {
                    log.info("schedule fired; inputs unchanged since the last run: no run", Map.of("pipeline", p.name(),
                            "partition", partition.get(), "fire", fire.toString(), "condition", t.condition().get().text()));
                    continue;
                }
            }
            if (launcher.request(p, partition.get(), Request.tick(p.name(), fire), List.of())) {
                c.requested++;
            }
        }
        // The cursor moves after the requests: a tick that dies before it leaves the fires to the next tick.
        // It moves only when there were fires (or on first sight): a quiet minute writes nothing, and
        // the window (cursor, now] simply grows until the next fire.
        if (!fires.isEmpty() || cursor.isEmpty()) {
            schedule.advanceCursor(p.name(), cursor, now);
        }
    }

    // ------------------------------------------------------------------ lazy freshness

    private void lazyLaunch(Pipeline p, Instant now, Counters c) {
        for (DirtyPartition dirty : c.dirty.computeIfAbsent(p.name(), schedule::dirtyPartitions)) {
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
                c.requested++;
            }
        }
    }

    // ------------------------------------------------------------------ freshness

    private void freshness(Instant now, TickState state, Counters c) {
        for (Source s : project.sources()) {
            if (s instanceof Source.S3 s3 && s3.freshness().isPresent()) {
                Freshness policy = s3.freshness().get();
                Optional<Instant> newest = store.events().newest(s.name()).map(AssetEvent::time);
                Map<String, Violation> open = violations(state, s.name());
                FreshnessRules.Status status = FreshnessRules.source(policy, new FreshnessRules.Facts(newest, Optional.empty()), now);
                if (newest.isEmpty() && policy instanceof Freshness.MaxLag m && deployedSince(state, s.name(), now).plus(m.maxLag()).isAfter(now)) {
                    // A new deployment has not had max_lag yet to receive its first file.
                    status = new FreshnessRules.Status(false, "no data yet, within " + m.describe() + " of the deployment", status.requiredBy());
                }
                apply(s.name(), "*", policy, status, open.get("*"), c);
            }
        }
        for (Pipeline p : project.pipelines()) {
            if (p.freshness().isEmpty()) {
                continue;
            }
            Freshness policy = p.freshness().get();
            List<DirtyPartition> dirty = c.dirty.computeIfAbsent(p.name(), schedule::dirtyPartitions);
            // Per partition of this pipeline, read once: every output and the list's upkeep below share it.
            Map<String, Optional<Instant>> unreflected = new java.util.HashMap<>();
            for (String asset : p.outputAssets()) {
                Map<String, Violation> open = violations(state, asset);
                Set<String> candidates = new LinkedHashSet<>();
                Optional<String> required = Optional.empty();
                if (policy instanceof Freshness.Deadline d) {
                    // A deadline that passed before the pipeline was deployed is not held against it.
                    Instant deployed = Optional.ofNullable(state.code().get(p.name())).map(DeployedCode::firstSeen).orElse(now);
                    required = FreshnessRules.deadlineInForce(d, now).filter(tick -> !tick.isBefore(deployed))
                            .map(tick -> FreshnessRules.requiredPartition(p.partitioning(), d, tick))
                            .filter(key -> !io.freshet.core.partition.Partitions.beforeStart(p.partitioning(), key));
                    required.ifPresent(candidates::add);
                } else {
                    dirty.forEach(x -> candidates.add(x.partition()));
                }
                candidates.addAll(open.keySet());
                for (String partition : candidates) {
                    FreshnessRules.Facts facts = new FreshnessRules.Facts(store.events().latest(asset, partition).map(AssetEvent::time),
                            unreflected.computeIfAbsent(partition, x -> unreflectedSince(p, x)));
                    FreshnessRules.Status status;
                    if (policy instanceof Freshness.Deadline && !required.filter(partition::equals).isPresent()) {
                        // An older deadline's partition: it recovers once built with all its inputs.
                        boolean behind = facts.newestEvent().isEmpty() || facts.oldestUnreflected().isPresent();
                        status = new FreshnessRules.Status(behind, behind ? "still missing data an earlier deadline needed" : "caught up", now);
                    } else {
                        status = FreshnessRules.derived(policy, facts, now);
                    }
                    apply(asset, partition, policy, status, open.get(partition), c);
                }
            }
            // A partition whose inputs are all reflected is off the list until new input arrives.
            for (DirtyPartition d : dirty) {
                if (unreflected.computeIfAbsent(d.partition(), x -> unreflectedSince(p, x)).isEmpty()) {
                    schedule.clearDirty(p.name(), d);
                }
            }
        }
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

    private void apply(String asset, String partition, Freshness policy, FreshnessRules.Status status, Violation existing, Counters c) {
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

    // ------------------------------------------------------------------ sweep

    private void sweep(Instant now, Counters c) {
        for (Run run : store.runs().active()) {
            Optional<Pipeline> p = project.pipeline(run.pipeline());
            if (p.isEmpty()) {
                log.warn("active run of a pipeline this deployment does not have", Map.of("runId", run.runId(), "pipeline", run.pipeline()));
                continue;
            }
            Map<String, Object> ctx = Map.of("runId", run.runId(), "pipeline", run.pipeline(), "partition", run.partition(), "attempt", run.attempt());
            if (run.state() == RunState.QUEUED) {
                boolean retryDue = run.retryAt().filter(at -> !at.isAfter(now)).isPresent();
                boolean creatorDied = run.retryAt().isEmpty() && run.createdAt().plus(RunLauncher.ANNOUNCE_GRACE).isBefore(now);
                if (!run.announced() && (retryDue || creatorDied)) {
                    log.info(retryDue ? "retry due: run requested again" : "run was never announced: announcing", ctx);
                    launcher.announce(run);
                    c.resent++;
                } else if (run.announced() && run.updatedAt().plus(STUCK_AFTER).isBefore(now)) {
                    log.warn("run requested " + STUCK_AFTER.toMinutes() + " minutes ago and not started: requested again", ctx);
                    launcher.announce(run);
                    c.resent++;
                }
            } else if (run.state() == RunState.RUNNING && run.leaseUntil().filter(l -> l.isBefore(now)).isPresent()) {
                String why = "attempt " + run.attempt() + " did not finish before its lease ran out (timed out or killed)";
                Optional<List<String>> recorded = store.runs().recordedOutputs(run.runId());
                if (recorded.isPresent()) {
                    // Past the commit point: consumers may already use its outputs, so the run succeeds, whatever retries are left.
                    String reason = "published " + recorded.get().size() + " asset event(s); " + why + " after recording them";
                    if (publication.complete(run, run.attempt(), recorded.get(), reason)) {
                        log.warn(why + " after recording its outputs: publication finished, run succeeded", merge(ctx, Map.of("state", "SUCCEEDED")));
                        c.resent++;
                    }
                } else if (run.attempt() <= p.get().retries().attempts()) {
                    if (store.runs().retryLater(run.runId(), run.attempt(), now, why)) {
                        log.warn(why + "; retrying", ctx);
                        store.runs().run(run.runId()).ifPresent(launcher::announce);
                        c.resent++;
                    }
                } else if (store.runs().finish(run.runId(), run.attempt(), RunState.FAILED, why)) {
                    log.error(why + "; no attempts left: run failed", merge(ctx, Map.of("state", "FAILED")));
                    launcher.announceEnd(run, RunState.FAILED, why);
                }
            }
        }
        for (Run run : store.runs().unannouncedEnds()) {
            if (run.updatedAt().plus(RunLauncher.ANNOUNCE_GRACE).isBefore(now)) {
                log.info("run end was never announced: announcing", Map.of("runId", run.runId(), "pipeline", run.pipeline(), "state", run.state()));
                launcher.announceEnd(run, run.state(), run.finishReason().orElse(run.state().name().toLowerCase(java.util.Locale.ROOT)));
                c.resent++;
            }
        }
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }
}
