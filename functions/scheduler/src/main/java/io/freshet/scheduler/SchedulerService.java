package io.freshet.scheduler;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.protocol.RunPublication;
import io.freshet.state.StateStore;
import io.freshet.state.ScheduleState;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;

/**
 * The one-minute tick: everything time decides, with no daemon, as a sequence of duties.
 *
 * <ol>
 *   <li>For each pipeline, by name, its pipeline duties in this order: {@link CodeChangeDuty code
 *       changes} (rebuilds), {@link CronDuty cron} fires, {@link LazyLaunchDuty lazy launches} for
 *       freshness policies.</li>
 *   <li>{@link ObservationDuty Observations} of the sources with {@code observe:}: a changed value is an asset event.</li>
 *   <li>{@link FreshnessDuty Freshness}: violations raised and cleared, the overdue count.</li>
 *   <li>{@link SweepDuty The sweep} of runs: retries, lost announcements, expired leases, unannounced ends.</li>
 * </ol>
 * Every duty is idempotent (deterministic request ids, conditional writes), so a duplicated or
 * overlapping tick changes nothing, and what failed is done by the next tick. A failure is logged
 * and stops only what shares its guard: the rest of that one pipeline's duties, or the one
 * project duty; every other pipeline and duty still runs, and the tick then fails.
 */
public final class SchedulerService {

    public static final String METRIC_NAMESPACE = "Freshet";

    private final Project project;
    private final ScheduleState schedule;
    private final List<TickDuty> pipelineDuties;
    private final List<NamedDuty> projectDuties;
    private final JsonLog log;
    private final Clock clock;
    private final String stack;

    /** A project-wide duty and the name its failures are reported under. */
    record NamedDuty(String name, TickDuty duty) {
    }

    /** A tick with no PostgreSQL credentials: an observed source's observation fails, reported, until they are given. */
    public SchedulerService(Project project, StateStore store, Announcer announcer, JsonLog log, Clock clock, String stack) {
        this(project, store, announcer, log, clock, stack, new PgCredentials(Map.of(), arn -> {
            throw new IllegalStateException("no secret without FRESHET_PG_SECRET_ARN");
        }));
    }

    /** The tick, observing PostgreSQL sources ({@code observe:}) with these credentials; no S3 source can be listed. */
    public SchedulerService(Project project, StateStore store, Announcer announcer, JsonLog log, Clock clock, String stack,
                            PgCredentials credentials) {
        this(project, store, announcer, log, clock, stack, credentials, ListingAccess.NONE);
    }

    /** The tick, observing PostgreSQL sources with these credentials and S3 sources ({@code observe: {list: true}}) with {@code s3}. */
    public SchedulerService(Project project, StateStore store, Announcer announcer, JsonLog log, Clock clock, String stack,
                            PgCredentials credentials, ListingAccess s3) {
        this(project, store, log, clock, stack, new RunLauncher(store, announcer, log, clock), announcer, new PgObserver(credentials),
                new ListingObserver(project, s3.parameters(), store, new ObjectListing(s3.client()), announcer, log));
    }

    private SchedulerService(Project project, StateStore store, JsonLog log, Clock clock, String stack,
                             RunLauncher launcher, Announcer announcer, Observer observer, ListingObserver listings) {
        this(project, store.schedule(), log, clock, stack,
                List.of(new CodeChangeDuty(project, store, store.schedule(), launcher, log),
                        new CronDuty(store, store.schedule(), launcher, log), new LazyLaunchDuty(store, store.schedule(), launcher)),
                List.of(new NamedDuty("observations", new ObservationDuty(project.observations(), store, store.schedule(), observer,
                                listings, announcer, log, stack)),
                        new NamedDuty("freshness", new FreshnessDuty(project, store, store.schedule(), announcer, log, clock)),
                        new NamedDuty("sweep", new SweepDuty(project, store, launcher, new RunPublication(store, announcer, launcher), log))));
    }

    /** A tick of the given duties (tests replace one to see how a failure is contained). */
    SchedulerService(Project project, ScheduleState schedule, JsonLog log, Clock clock, String stack,
                     List<TickDuty> pipelineDuties, List<NamedDuty> projectDuties) {
        this.project = project;
        this.schedule = schedule;
        this.pipelineDuties = List.copyOf(pipelineDuties);
        this.projectDuties = List.copyOf(projectDuties);
        this.log = log;
        this.clock = clock;
        this.stack = stack;
    }

    /** What one tick did, for its log line and for tests. */
    public record Report(int requested, int overdue, int raised, int recovered, int resent, List<String> failures) {
    }

    /** One tick. Fails (after doing everything it could) when some duty failed, so the invocation counts as an error. */
    public Report tick() {
        List<Pipeline> byName = project.pipelines().stream().sorted(Comparator.comparing(Pipeline::name)).toList();
        Tick tick = new Tick(clock.instant(), schedule.load(), byName); // a few queries, not requests per pipeline
        Tally tally = new Tally();
        for (Pipeline p : byName) {
            Tick narrowed = tick.narrowedTo(p);
            guard(tally, "pipeline " + p.name(), () -> pipelineDuties.forEach(d -> tally.add(d.run(narrowed))));
        }
        for (NamedDuty d : projectDuties) {
            guard(tally, d.name(), () -> tally.add(d.duty().run(tick)));
        }
        Report report = new Report(tally.requested, tally.overdue, tally.raised, tally.recovered, tally.resent, List.copyOf(tally.failures));
        log.metric(METRIC_NAMESPACE, "OverdueAssets", report.overdue(), "Count", Map.of("Stack", stack));
        log.info("tick done", Map.of("requested", report.requested(), "overdue", report.overdue(), "raised", report.raised(),
                "recovered", report.recovered(), "resent", report.resent(), "failures", report.failures().size(),
                "observed", tally.observed, "observedChanges", tally.observedChanges, "observationFailures", tally.observationFailures));
        if (!report.failures().isEmpty()) {
            throw new TickFailedException(report.failures());
        }
        return report;
    }

    /** The duties' outcomes and failures, added up. */
    private static final class Tally {
        int requested;
        int overdue;
        int raised;
        int recovered;
        int resent;
        int observed;
        int observedChanges;
        int observationFailures;
        final List<String> failures = new ArrayList<>();

        void add(DutyOutcome outcome) {
            switch (outcome) {
                case DutyOutcome.RunsRequested r -> requested += r.runs();
                case DutyOutcome.FreshnessJudged f -> {
                    overdue += f.overdue();
                    raised += f.raised();
                    recovered += f.recovered();
                }
                case DutyOutcome.RunsSwept s -> resent += s.resent();
                case DutyOutcome.SourcesObserved o -> {
                    observed += o.observed();
                    observedChanges += o.changed();
                    observationFailures += o.failed();
                }
            }
        }
    }

    private void guard(Tally tally, String what, Runnable duty) {
        try {
            duty.run();
        } catch (RuntimeException e) {
            tally.failures.add(what + ": " + e);
            log.error("tick step failed; the next tick tries again", Map.of("step", what, "error", String.valueOf(e)));
        }
    }
}
