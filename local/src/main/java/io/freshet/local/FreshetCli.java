package io.freshet.local;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;

import io.freshet.core.load.LoadResult;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.yaml.Diagnostic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code freshet} command. Exit codes: 0 success, 1 the pipelines have errors, 2 bad usage. */
@Command(name = "freshet", mixinStandardHelpOptions = true, versionProvider = FreshetCli.Version.class,
        description = "Serverless, asset-driven data pipelines on AWS.",
        subcommands = {FreshetCli.Validate.class, FreshetCli.Graph.class, FreshetCli.Plan.class, FreshetCli.RulesSync.class,
                io.freshet.local.operate.Materialize.class, io.freshet.local.operate.Backfill.class,
                io.freshet.local.operate.Observe.Status.class, io.freshet.local.operate.Observe.Events.class,
                io.freshet.local.operate.Observe.Runs.class, io.freshet.local.operate.Observe.Why.class,
                io.freshet.local.page.PageCommand.class,
                StackCommands.DemoCommand.class, StackCommands.Up.class, StackCommands.Put.class, Bench.class})
public final class FreshetCli implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), Clock.systemUTC()));
    }

    /** Runs the command with the given streams and clock; what tests call. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Clock clock) {
        CommandLine cli = new CommandLine(new FreshetCli(), new Factory(clock));
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Loads a pipelines directory, printing every error as file:line:col: message. */
    static LoadResult load(String dir, PrintWriter err) {
        LoadResult result = ProjectLoader.load(Path.of(dir), dir, ProjectLoader.DEFAULT_PARAMETERS);
        for (Diagnostic d : result.errors()) {
            err.println(d);
        }
        if (!result.ok()) {
            long files = result.errors().stream().map(d -> d.pos().file()).distinct().count();
            err.println(result.errors().size() + (result.errors().size() == 1 ? " error" : " errors") + " in "
                    + files + (files == 1 ? " file" : " files"));
        }
        return result;
    }

    @Command(name = "validate", description = "Check the pipelines the way a compiler checks code; exit 1 listing every error.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Mixin
        PipelinesDir pipelines;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LoadResult result = load(pipelines.dir, spec.commandLine().getErr());
            if (!result.ok()) {
                return 1;
            }
            var p = result.orThrow();
            spec.commandLine().getOut().printf("%s: %d sources, %d pipelines, %d assets: no errors%n",
                    pipelines.dir, p.sources().size(), p.pipelines().size(), p.graph().assets().size());
            return 0;
        }
    }

    @Command(name = "graph", description = "Print the asset graph as a Mermaid flowchart or a Graphviz digraph.")
    static final class Graph implements Callable<Integer> {
        @CommandLine.Mixin
        PipelinesDir pipelines;

        @Option(names = "--format", defaultValue = "mermaid", description = "mermaid or dot (default: ${DEFAULT-VALUE})")
        GraphFormat format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LoadResult result = load(pipelines.dir, spec.commandLine().getErr());
            if (!result.ok()) {
                return 1;
            }
            spec.commandLine().getOut().print(GraphRenderer.render(result.orThrow(), format));
            return 0;
        }
    }

    @Command(name = "plan", description = "Show, per pipeline: trigger, next runs, inputs, outputs, partitions, steps, checks and code version.")
    static final class Plan implements Callable<Integer> {
        @CommandLine.Mixin
        PipelinesDir pipelines;

        @Option(names = "--now", description = "compute next runs from this instant (ISO-8601, e.g. 2026-03-28T12:00:00Z) instead of the clock")
        Instant now;

        @Option(names = "--json", description = "print the plan as JSON")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        private final Clock clock;

        Plan(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Integer call() {
            LoadResult result = load(pipelines.dir, spec.commandLine().getErr());
            if (!result.ok()) {
                return 1;
            }
            PlanPrinter printer = new PlanPrinter(result.orThrow(), now != null ? now : clock.instant());
            spec.commandLine().getOut().print(json ? printer.json() : printer.text());
            return 0;
        }
    }

    @Command(name = "rules-sync", description = "Reconcile the per-consumer EventBridge rules of a bus with the pipelines "
            + "(what the stack's custom resource does on deploy): --pipelines DIR --bus NAME --prefix P --trigger-arn ARN [--dead-letter-arn SQS_ARN] [--endpoint URL] [--dry-run]")
    static final class RulesSync implements Callable<Integer> {
        @CommandLine.Unmatched
        java.util.List<String> args = new java.util.ArrayList<>();

        @Override
        public Integer call() {
            return io.freshet.rulessync.RulesSyncCli.run(args.toArray(String[]::new), System.out, System.err);
        }
    }

    /** The pipelines directory every command takes as its first argument. */
    static final class PipelinesDir {
        @Parameters(index = "0", defaultValue = "pipelines", description = "the pipelines directory (default: ${DEFAULT-VALUE})")
        String dir;
    }

    /** Gives commands the clock, so plans are reproducible in tests. */
    private record Factory(Clock clock) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == Plan.class) {
                return cls.cast(new Plan(clock));
            }
            if (cls == io.freshet.local.operate.Materialize.class) {
                return cls.cast(new io.freshet.local.operate.Materialize(clock));
            }
            if (cls == io.freshet.local.operate.Backfill.class) {
                return cls.cast(new io.freshet.local.operate.Backfill(clock));
            }
            for (var c : cls.getConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Clock.class) {
                    return cls.cast(c.newInstance(clock)); // every command that reads a stack takes the clock
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FreshetCli.class.getPackage().getImplementationVersion();
            return new String[] {"freshet " + (v == null ? "development build" : v)};
        }
    }
}
