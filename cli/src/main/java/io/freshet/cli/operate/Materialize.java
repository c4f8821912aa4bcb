package io.freshet.cli.operate;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.trigger.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code freshet materialize <asset> [--partition P]}: asks for a run of the pipeline that writes
 * the asset, through the same path as every run (a request in the partition's pending set, the
 * exactly-once run creation, Run Requested to the runner), and follows it to its end.
 */
@Command(name = "materialize", description = "Run the pipeline that writes an asset, for one partition, and follow the run.")
public final class Materialize extends StackCommand {

    @Parameters(index = "0", description = "the asset to materialize, e.g. core.trips")
    String asset;

    @Option(names = "--partition", description = "the partition, e.g. 2026-05-26 (required for a partitioned asset)")
    Optional<String> partition;

    @Option(names = "--no-wait", description = "return once the run is requested")
    boolean noWait;

    @Option(names = "--force", description = "run even when the inputs and code are unchanged since the last successful run "
            + "(without it such a run ends SKIPPED)")
    boolean force;

    @Option(names = "--timeout", defaultValue = "20m", description = "how long to follow the run (default: ${DEFAULT-VALUE})",
            converter = Operate.DurationConverter.class)
    Duration timeout;

    public Materialize(Clock clock) {
        super(clock);
    }

    @Override
    protected int run(Project project, PrintWriter out, PrintWriter err) throws InterruptedException {
        Pipeline pipeline = Operate.producer(project, asset);
        String key = Operate.partitionKey(pipeline, partition);
        StackTarget.Connection stack = connect();
        Instant now = clock.instant();
        String requestId = "m-" + Ids.hash(12, List.of(asset, key, now.toString(), Long.toString(System.nanoTime())));
        Request request = Request.manual(requestId, pipeline.name(), key, force, now);
        stack.launcher().request(pipeline, key, request, List.of());
        out.printf("requested %s%s on %s (request %s)%n", pipeline.name(), key.isEmpty() ? "" : "/" + key, stack.description(), request.id());
        if (noWait) {
            return 0;
        }
        Optional<Run> end = Operate.follow(stack, pipeline.name(), key, request.id(), timeout, out);
        return end.map(r -> Operate.succeeded(r.state()) ? 0 : 1).orElse(1);
    }
}
