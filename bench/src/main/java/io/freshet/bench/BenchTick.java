package io.freshet.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.scheduler.SchedulerService;
import io.freshet.state.ScheduleState;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.MutableClock;
import io.freshet.cli.OptionValues;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How long the one-minute tick takes, and how many DynamoDB requests it makes, for a generated
 * project of N pipelines (a third hourly cron, a third with a freshness policy, a third started by
 * events), on DynamoDB Local. The limit it is compared with is measured in the same run: the time
 * DynamoDB Local takes for one GetItem per pipeline, the least any per-pipeline tick could do.
 */
@Command(name = "tick", description = "Time the scheduler's tick for N generated pipelines against DynamoDB Local (see docs/performance.md).")
final class BenchTick implements Callable<Integer> {

    @Option(names = "--pipelines", defaultValue = "3000", converter = OptionValues.AtLeastOne.class, description = "generated pipelines (default: ${DEFAULT-VALUE})")
    int pipelines;

    @Option(names = "--ticks", defaultValue = "5", converter = OptionValues.AtLeastOne.class, description = "steady-state ticks measured (default: ${DEFAULT-VALUE})")
    int ticks;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("freshet-bench-tick");
        try {
            generate(dir, pipelines);
            Project project = ProjectLoader.load(dir, "generated", ProjectLoader.DEFAULT_PARAMETERS).orThrow();
            AtomicLong requests = new AtomicLong();
            try (LocalDynamo dynamo = LocalDynamo.start();
                 DynamoDbClient db = DynamoDbClient.builder().endpointOverride(dynamo.endpoint())
                         .region(Region.EU_CENTRAL_1)
                         .credentialsProvider(StaticCredentialsProvider.create(
                                 AwsBasicCredentials.create("local", "local")))
                         .httpClient(UrlConnectionHttpClient.create())
                         .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                             @Override
                             public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                                 requests.incrementAndGet();
                             }
                         })).build()) {
                DynamoStateStore.createTable(db, "bench");
                MutableClock clock = new MutableClock(Instant.parse("2026-05-26T10:00:30Z"));
                SchedulerService tick = new SchedulerService(project, new DynamoStateStore(db, "bench", clock), (type, json) -> { }, EmbeddedFanOut.quietLog(), clock, "bench");

                long t0 = System.nanoTime();
                tick.tick();
                out.printf("%d pipelines: first tick (first sight of every pipeline) %.0f ms, %d requests%n", pipelines,
                        (System.nanoTime() - t0) / 1e6, requests.getAndSet(0));

                List<Double> ms = new ArrayList<>();
                long perTick = 0;
                for (int i = 0; i < ticks; i++) {
                    clock.advance(Duration.ofMinutes(1)); // within the hour: no cron fires, the steady state
                    long t = System.nanoTime();
                    tick.tick();
                    ms.add((System.nanoTime() - t) / 1e6);
                    perTick = requests.getAndSet(0);
                }
                Collections.sort(ms);
                double median = ms.get(ms.size() / 2);

                // The limit: one GetItem per pipeline, sequential, as a tick's reads are.
                ScheduleState probe = new DynamoStateStore(db, "bench", clock).schedule();
                long l0 = System.nanoTime();
                for (var p : project.pipelines()) {
                    probe.deployedCode(p.name());
                }
                double limit = (System.nanoTime() - l0) / 1e6;
                out.printf("steady tick: median %.0f ms (min %.0f, max %.0f) over %d ticks, %d DynamoDB requests each (%.2f per pipeline)%n",
                        median, ms.get(0), ms.get(ms.size() - 1), ticks, perTick, perTick / (double) pipelines);
                out.printf("limit (one GetItem per pipeline): %.0f ms; tick / limit = %.2f; a 60 s tick fits about %d pipelines at this rate%n",
                        limit, median / limit, (long) (pipelines * 60_000 / median));
            }
            return 0;
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** A third hourly cron, a third with max_lag freshness, a third started by events; each reads its own source. */
    static void generate(Path dir, int n) throws IOException {
        StringBuilder sources = new StringBuilder("sources:\n");
        for (int i = 0; i < n; i++) {
            sources.append("  landing.s").append(i).append(":\n    s3: s3://${LakeBucket}/landing/s").append(i).append("/date={date}/*.csv\n");
        }
        Files.writeString(dir.resolve("sources.yaml"), sources);
        for (int i = 0; i < n; i++) {
            String when = switch (i % 3) {
                case 0 -> "trigger: { cron: \"0 * * * ? *\" }";
                case 1 -> "freshness: { max_lag: 30m }";
                default -> "trigger: { condition: landing.s" + i + " }";
            };
            Files.writeString(dir.resolve("p" + i + ".yaml"), """
                    pipeline: p%d
                    inputs: [landing.s%d]
                    partitions: daily
                    outputs:
                      core.p%d: s3://${LakeBucket}/core/p%d/date={date}/
                    %s
                    steps:
                      - sql: { output: core.p%d, query: SELECT * FROM landing.s%d }
                    """.formatted(i, i, i, i, when, i, i));
        }
    }
}
