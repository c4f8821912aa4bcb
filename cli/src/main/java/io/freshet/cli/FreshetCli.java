package io.freshet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

import io.freshet.core.load.LoadResult;
import io.freshet.core.load.PipelineLoadException;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.yaml.Diagnostic;
import io.freshet.cli.operate.Backfill;
import io.freshet.cli.operate.Emit;
import io.freshet.cli.operate.Materialize;
import io.freshet.cli.operate.Observe;
import io.freshet.cli.operate.OperateException;
import io.freshet.cli.operate.Tables;
import io.freshet.cli.page.PageCommand;
import io.freshet.rulessync.RulesSyncCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code freshet} command: the operator's commands, which work on pipeline files and on a
 * deployed stack, plus those that modules on the class path add ({@link CommandExtension}: the
 * embedded stack's {@code up}, {@code put} and {@code demo}; {@code bench}). Exit codes, for every command (README, "The command line"):
 * <ul>
 *   <li>0: done, and nothing was found wrong;</li>
 *   <li>1: done, and the answer is no: the pipelines have errors, a run or a backfill failed, the
 *       demo's story did not complete;</li>
 *   <li>2: not done: a bad option or argument (with the usage), or a reason in words (no such
 *       asset or run, no embedded stack, a port in use, AWS refused).</li>
 * </ul>
 */
// scope INHERIT: every subcommand, a new one too, answers --help and --version without declaring it.
@Command(name = "freshet", mixinStandardHelpOptions = true, versionProvider = FreshetCli.Version.class, scope = CommandLine.ScopeType.INHERIT,
        description = "Serverless, asset-driven data pipelines on AWS.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done, nothing wrong", "1:the pipelines have errors, a run or backfill failed, the demo did not complete",
            "2:bad usage, or the command could not do its work (the reason is printed)"},
        subcommands = {FreshetCli.Validate.class, FreshetCli.Graph.class, FreshetCli.Plan.class, FreshetCli.RulesSync.class,
                Materialize.class, Backfill.class, Observe.Status.class, Observe.Events.class, Observe.Runs.class, Observe.Why.class,
                Tables.class, PageCommand.class, Emit.class})
public final class FreshetCli implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), Clock.systemUTC()));
    }

    /** Runs the command with the given streams and clock; what tests call. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Clock clock) {
        int code = commandLine(out, err, clock).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The whole command tree, every subcommand in it, as {@link #run} executes it: this module's
     * commands, then those of every {@link CommandExtension} on the class path.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Clock clock) {
        CommandLine cli = new CommandLine(new FreshetCli(), new Factory(clock));
        for (CommandExtension extension : ServiceLoader.load(CommandExtension.class)) {
            extension.commands().forEach(cli::addSubcommand); // built by the Factory, like the commands above
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli also passes the parse result; the failing command's own CommandLine is all failed needs.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failed(e, commandLine));
        return cli;
    }

    /**
     * A command that stopped with an exception did not do its work: exit 2, not picocli's 1, which
     * means findings here. A reason meant for the terminal is printed alone, anything else with its
     * stack trace. Pipelines that do not load are findings: their errors alone (file:line:column),
     * exit 1, as {@code validate} says them, from whichever command loaded them (the benchmarks').
     */
    private static int failed(Exception e, CommandLine commandLine) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof PipelineLoadException) {
            err.println(e.getMessage());
            err.flush();
            return 1;
        }
        if (e instanceof OperateException) {
            err.println(e.getMessage());
        } else {
            err.println(commandLine.getCommandSpec().qualifiedName() + " failed: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return 2;
    }

    /** {@code freshet} alone: the usage, as for any other usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Loads a pipelines directory, printing every error as file:line:col: message. */
    static LoadResult load(String dir, PrintWriter err) {
        LoadResult result = ProjectLoader.loadProject(Path.of(dir), dir);
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

    /**
     * {@code rules-sync}: the options declared here, so that picocli gives it --help and refuses a
     * bad one with exit 2 like every command; then the rules-sync CLI itself does the work.
     */
    @Command(name = "rules-sync", description = "Reconcile the per-consumer EventBridge rules of a bus with the pipelines "
            + "(what the stack's custom resource does on deploy).")
    static final class RulesSync implements Callable<Integer> {
        @Option(names = "--pipelines", required = true, description = "the pipelines directory")
        String pipelines;

        @Option(names = "--bus", required = true, description = "the event bus, e.g. freshet")
        String bus;

        @Option(names = "--prefix", required = true, description = "the stack's StackPrefix: the rules named <prefix>-... are the ones it owns")
        String prefix;

        @Option(names = "--trigger-arn", required = true, description = "the trigger function, the rules' target")
        String triggerArn;

        @Option(names = "--dead-letter-arn", description = "the SQS queue for what EventBridge cannot deliver (a deployed stack's "
                + "TriggerDeadLetters); without it the rules keep no dead letters")
        String deadLetterArn;

        @Option(names = "--endpoint", description = "the EventBridge endpoint, e.g. LocalStack's (default: AWS's)")
        URI endpoint;

        @Option(names = "--dry-run", description = "print what would change, and change nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("--pipelines", pipelines, "--bus", bus, "--prefix", prefix, "--trigger-arn", triggerArn));
            if (deadLetterArn != null) {
                args.addAll(List.of("--dead-letter-arn", deadLetterArn));
            }
            if (endpoint != null) {
                args.addAll(List.of("--endpoint", endpoint.toString()));
            }
            if (dryRun) {
                args.add("--dry-run");
            }
            return RulesSyncCli.run(args.toArray(String[]::new), System.out, System.err);
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
            if (cls == Materialize.class) {
                return cls.cast(new Materialize(clock));
            }
            if (cls == Backfill.class) {
                return cls.cast(new Backfill(clock));
            }
            for (var c : cls.getConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Clock.class) {
                    return cls.cast(c.newInstance(clock)); // every command that reads a stack takes the clock
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    /**
     * {@code freshet --version}: the project's version, which the build writes into
     * {@code freshet-version.properties} (src/main/resources-filtered), so the tests and the
     * shaded jar that local/freshet runs print the same, and the Java running it.
     */
    public static final class Version implements CommandLine.IVersionProvider {
        static final String RESOURCE = "/freshet-version.properties";

        @Override
        public String[] getVersion() throws IOException {
            return new String[] {"freshet " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }

        public static String version() throws IOException {
            Properties p = new Properties();
            try (InputStream in = FreshetCli.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException(RESOURCE + " is missing: the CLI was not built by Maven");
                }
                p.load(in);
            }
            return p.getProperty("version");
        }
    }
}
