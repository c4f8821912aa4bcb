package io.freshet.rulessync;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.freshet.aws.events.EventBridgeClients;
import io.freshet.core.error.InputRejectedException;
import io.freshet.core.load.LoadResult;
import io.freshet.core.load.ProjectLoader;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Syncs the consumer rules from a terminal, outside CloudFormation:
 *
 * <pre>
 * rules-sync --pipelines DIR --bus NAME --prefix P --trigger-arn ARN [--dead-letter-arn SQS_ARN] [--endpoint URL] [--dry-run]
 * </pre>
 *
 * {@code --dead-letter-arn} is the queue the rules send what EventBridge cannot deliver (a
 * deployed stack's TriggerDeadLetters); without it the rules have none, and say so on stderr.
 *
 * {@code --dry-run} lists the bus's rules and prints what would change, changing nothing. Exit
 * status as for every freshet command: 0 on success, 1 when the pipelines have errors, 2 on bad
 * arguments or when the rules could not be read or written.
 */
public final class RulesSyncCli {

    static final String USAGE = "usage: rules-sync --pipelines DIR --bus NAME --prefix P --trigger-arn ARN [--dead-letter-arn SQS_ARN] [--endpoint URL] [--dry-run]";

    private RulesSyncCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with real clients (endpoint from --endpoint or AWS's); what {@code local/freshet rules-sync} calls. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, EventBridgeClients::create);
    }

    /** A command line this CLI does not take: it prints the reason and its usage, and exits 2. */
    static final class UsageException extends InputRejectedException {
        UsageException(String message) {
            super(message);
        }
    }

    record Options(Path pipelines, String bus, String prefix, String triggerArn, Optional<String> deadLetterArn, Optional<URI> endpoint,
                   boolean dryRun) {

        static Options parse(String[] args) {
            Path pipelines = null;
            String bus = null;
            String prefix = null;
            String triggerArn = null;
            Optional<String> deadLetterArn = Optional.empty();
            Optional<URI> endpoint = Optional.empty();
            boolean dryRun = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--dry-run" -> dryRun = true;
                    case "--pipelines" -> pipelines = Path.of(value(args, ++i, arg));
                    case "--bus" -> bus = value(args, ++i, arg);
                    case "--prefix" -> prefix = value(args, ++i, arg);
                    case "--trigger-arn" -> triggerArn = value(args, ++i, arg);
                    case "--dead-letter-arn" -> deadLetterArn = Optional.of(value(args, ++i, arg));
                    case "--endpoint" -> endpoint = Optional.of(URI.create(value(args, ++i, arg)));
                    default -> throw new UsageException("unknown argument '" + arg + "'");
                }
            }
            if (pipelines == null || bus == null || prefix == null || triggerArn == null) {
                throw new UsageException("--pipelines, --bus, --prefix and --trigger-arn are required");
            }
            return new Options(pipelines, bus, prefix, triggerArn, deadLetterArn, endpoint, dryRun);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new UsageException(option + " needs a value");
            }
            return args[i];
        }
    }

    /** The CLI with its streams and client factory given: what {@link #main} runs, and what tests call. */
    static int run(String[] args, PrintStream out, PrintStream err, Function<Optional<URI>, EventBridgeClient> clients) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException | IllegalArgumentException e) { // the latter: an --endpoint that is not a URI
            err.println("rules-sync: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        LoadResult loaded = ProjectLoader.loadProject(options.pipelines(), options.pipelines().toString());
        if (!loaded.ok()) {
            loaded.errors().forEach(err::println);
            err.println(loaded.errors().size() + " error(s) in the pipelines: nothing synced");
            return 1;
        }
        try (EventBridgeClient client = clients.apply(options.endpoint())) {
            DesiredRule.Delivery delivery = options.deadLetterArn().map(DesiredRule.Delivery::withDeadLetters).orElse(DesiredRule.Delivery.DEFAULT);
            List<DesiredRule> desired = ConsumerRules.compute(loaded.project().orElseThrow(), options.prefix(), options.triggerArn(), delivery);
            RulesReconciler reconciler = new RulesReconciler(client, options.bus(), options.prefix());
            ReconcileReport report = options.dryRun() ? reconciler.plan(desired) : reconciler.reconcile(desired);
            print(report, options.dryRun(), out);
            if (options.deadLetterArn().isEmpty()) {
                err.println("rules-sync: warning: no --dead-letter-arn: what EventBridge cannot deliver to the trigger is dropped after its retries");
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("rules-sync: " + e.getMessage());
            return 2;
        }
    }

    private static void print(ReconcileReport report, boolean dryRun, PrintStream out) {
        line(out, dryRun ? "would create" : "created", report.created());
        line(out, dryRun ? "would update" : "updated", report.updated());
        line(out, dryRun ? "would delete" : "deleted", report.deleted());
        line(out, dryRun ? "would keep" : "unchanged", report.unchanged());
        out.println((dryRun ? "dry run, nothing changed: " : "") + report.summary());
    }

    private static void line(PrintStream out, String verb, List<String> rules) {
        rules.forEach(rule -> out.printf("%-13s %s%n", verb, rule));
    }
}
