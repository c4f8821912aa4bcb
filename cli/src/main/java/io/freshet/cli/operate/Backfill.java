package io.freshet.cli.operate;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.backfill.BackfillPlan;
import io.freshet.core.load.Project;
import io.freshet.cli.OptionValues;
import io.freshet.cli.backfill.BackfillDriver;
import io.freshet.state.StoredBackfill;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code freshet backfill <asset> --from D1 --to D2 [--downstream]}: one run per partition (and,
 * with {@code --downstream}, per partition of every pipeline downstream, after its inputs), with
 * bounded concurrency and progress; {@code --resume <id>} picks up a backfill that was stopped.
 */
@Command(name = "backfill", description = "Rebuild a range of an asset's partitions (and, with --downstream, everything after it), "
        + "with bounded concurrency; resumable.")
public final class Backfill extends StackCommand {

    @Parameters(index = "0", arity = "0..1", description = "the asset to backfill, e.g. core.trips (not needed with --resume)")
    String asset;

    @Option(names = "--from", description = "the first partition, e.g. 2026-05-01")
    Optional<String> from;

    @Option(names = "--to", description = "the last partition, e.g. 2026-05-31 (included)")
    Optional<String> to;

    @Option(names = "--downstream", description = "also rebuild the partitions of every pipeline downstream, each after its inputs")
    boolean downstream;

    @Option(names = "--concurrency", defaultValue = "4", converter = OptionValues.AtLeastOne.class, description = "runs requested or running at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--resume", description = "resume the backfill with this id (as printed when it started)")
    Optional<String> resume;

    @Option(names = "--dry-run", description = "print the runs it would make and stop")
    boolean dryRun;

    @Option(names = "--force", description = "run every partition even when its inputs and code are unchanged since its last "
            + "successful run (without it such runs end SKIPPED)")
    boolean force;

    @Option(names = "--poll", defaultValue = "2s", description = "how often to look at the runs (default: ${DEFAULT-VALUE})",
            converter = Operate.DurationConverter.class)
    Duration poll;

    /**
     * How long an item waits for an upstream event that the trigger delivers to its partition
     * (seconds, normally); only a lost delivery waits this long, and only that item.
     */
    static final Duration DELIVERY_WAIT = Duration.ofMinutes(2);

    public Backfill(Clock clock) {
        super(clock);
    }

    @Override
    protected int run(Project project, PrintWriter out, PrintWriter err) throws InterruptedException {
        if (resume.isEmpty() && asset == null) {
            throw new OperateException("name the asset to backfill, or give --resume <id>");
        }
        if (resume.isPresent() && force) {
            throw new OperateException("--force is decided when a backfill starts; a resumed backfill keeps its own");
        }
        if (dryRun) {
            BackfillPlan plan = BackfillPlan.of(project, asset, from, to, downstream);
            out.println(plan.summary());
            plan.items().forEach(i -> out.println("  " + i.key() + (i.dependsOn().isEmpty() ? "" : "  after " + i.dependsOn())));
            plan.notes().forEach(n -> out.println("  note: " + n));
            return 0;
        }
        StackTarget.Connection stack = connect();
        String id;
        BackfillPlan plan;
        if (resume.isPresent()) {
            id = resume.get();
            StoredBackfill b = stack.store().backfills().find(id)
                    .orElseThrow(() -> new OperateException("no backfill " + id + " on " + stack.description()));
            plan = BackfillPlan.of(project, b.asset(), opt(b.from()), opt(b.to()), b.downstream());
            force = b.force();
            out.printf("resuming backfill %s of %s (started %s%s)%n", id, b.asset(), b.createdAt(), force ? ", forced" : "");
        } else {
            plan = BackfillPlan.of(project, asset, from, to, downstream);
            id = BackfillDriver.newId(asset, clock.instant());
            stack.store().backfills().create(new StoredBackfill(id, asset, from.orElse(""), to.orElse(""), downstream,
                    force, clock.instant()));
            out.printf("backfill %s on %s: %s%s%n", id, stack.description(), plan.summary(),
                    force ? " (forced: each runs even if nothing changed)" : "");
            out.printf("  stop it at any time; resume with: freshet backfill --resume %s%n", id);
        }
        plan.notes().forEach(n -> out.println("  note: " + n));
        BackfillDriver driver = new BackfillDriver(project, stack.store(), stack.launcher(), clock,
                concurrency, poll, DELIVERY_WAIT, force);
        BackfillDriver.Result result = driver.run(id, plan, p -> {
            out.printf("%s %s%n", Operate.now(), p);
            out.flush();
        });
        report(result, out);
        return result.succeeded() ? 0 : 1;
    }

    private static Optional<String> opt(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static void report(BackfillDriver.Result r, PrintWriter out) {
        Map<String, Map<BackfillDriver.State, Integer>> per = new LinkedHashMap<>();
        r.states().forEach((k, s) -> per.computeIfAbsent(k.pipeline(), p -> new LinkedHashMap<>()).merge(s, 1, Integer::sum));
        per.forEach((p, counts) -> out.printf("  %-24s %s%n", p, counts));
        r.states().forEach((k, s) -> {
            if (s == BackfillDriver.State.FAILED) {
                out.printf("  failed: %s (run %s)%n", k, r.runs().getOrDefault(k, "?"));
            }
        });
        out.println(r.succeeded() ? "backfill " + r.backfillId() + " done"
                : "backfill " + r.backfillId() + " finished with failures; fix them and resume with: freshet backfill --resume " + r.backfillId());
    }
}
