package io.freshet.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.cli.OptionValues;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Asset events through the whole dispatch path (s3-events -> bus -> trigger -> Run Requested) on
 * DynamoDB Local and the in-process bus: throughput, and latency from the S3 notification to the
 * {@code Run Requested} of the run that consumes it. The limit printed beside it is DynamoDB
 * Local's own rate of single conditional writes measured in the same run, with the same
 * concurrency: the store, not Freshet's code, is what bounds dispatch here.
 */
@Command(name = "dispatch", description = "Events/s and p50/p99 latency from S3 notification to Run Requested, for the metro "
        + "example and for a generated graph of many pipelines (see docs/performance.md).")
final class BenchDispatch implements Callable<Integer> {

    /**
     * Notifications sent through the whole path before the measurement: after 50 the trigger's
     * code and DynamoDB Local's were still being compiled (the limit measured then was 427 writes/s,
     * 1,883 later in the same run).
     */
    static final int WARM_UP_EVENTS = 1000;

    /** Warm-up partitions lie this many days after the measured ones: never the same partition. */
    private static final int WARM_UP_OFFSET = 1_000_000;

    @Option(names = "--events", defaultValue = "1000", converter = OptionValues.AtLeastOne.class, description = "S3 notifications per measurement (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--graph-pipelines", defaultValue = "10000", converter = OptionValues.NotNegative.class, description = "pipelines in the generated graph; 0 skips it (default: ${DEFAULT-VALUE})")
    int graphPipelines;

    @Option(names = "--concurrency", defaultValue = "8", converter = OptionValues.AtLeastOne.class, description = "notifications in flight at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--pipelines", defaultValue = "pipelines", description = "the metro example (default: ${DEFAULT-VALUE})")
    String pipelines;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Project metro = ProjectLoader.load(Path.of(pipelines)).orThrow();
        // Every notification lands in a partition of its own, so each makes exactly one run.
        measure(out, "metro example (" + metro.pipelines().size() + " pipelines)", metro,
                i -> "landing/taps/date=" + LocalDate.of(2020, 1, 1).plusDays(i) + "/export.csv");
        if (graphPipelines > 0) {
            Path dir = Files.createTempDirectory("freshet-bench-graph");
            try {
                generateGraph(dir, graphPipelines);
                long t0 = System.nanoTime();
                Project graph = ProjectLoader.load(dir, "generated", ProjectLoader.DEFAULT_PARAMETERS).orThrow();
                out.printf("generated graph loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                int n = graphPipelines;
                measure(out, "graph of " + n + " pipelines", graph,
                        i -> "landing/s" + (i * 7919 % n) + "/date=" + LocalDate.of(2020, 1, 1).plusDays(i) + "/part.csv");
            } finally {
                TempDirs.delete(dir);
            }
        }
        return 0;
    }

    private void measure(PrintWriter out, String label, Project project, IntFunction<String> keyOf) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();     // object key -> nanoTime sent
        Map<String, Long> requestedAt = new ConcurrentHashMap<>(); // partition -> nanoTime of Run Requested
        long setup = System.nanoTime();
        StoreMeter meter = new StoreMeter();
        try (EmbeddedFanOut stack = EmbeddedFanOut.start(project, "lake",
                (JsonNode run) -> requestedAt.putIfAbsent(run.path("partition").asText(), System.nanoTime()), staged -> { },
                EmbeddedFanOut.quietLog(), Clock.systemUTC(), List.of(meter))) {
            out.printf("%n%s: stack up, %d rules, in %.1f s%n", label, countRules(stack), (System.nanoTime() - setup) / 1e9);
            // Warm up the JIT, the handlers and DynamoDB Local (in this JVM too) on the whole path, in
            // partitions of their own, before anything is measured, the limit included: measured
            // first, DynamoDB Local was still compiling and the limit came out at a quarter of its
            // warm rate, which made the ratio of the first graph measured look four times better.
            send(stack, i -> keyOf.apply(WARM_UP_OFFSET + i), WARM_UP_EVENTS, new ConcurrentHashMap<>());
            stack.awaitQuiescence(Duration.ofMinutes(5));
            requestedAt.clear();
            double limitBefore = dynamoWriteRate(stack.dynamo().client());
            // Throughput: all notifications at once, as many in flight as --concurrency allows.
            long start = System.nanoTime();
            meter.start();
            send(stack, keyOf, events, sentAt);
            stack.awaitQuiescence(Duration.ofMinutes(10));
            StoreMeter.Reading store = meter.stop();
            double rate = requestedAt.size() / ((System.nanoTime() - start) / 1e9);
            int throughputRuns = requestedAt.size();
            // Latency: a paced stream at half that rate, so queueing does not dominate.
            int paced = Math.max(10, events / 2);
            long interval = (long) (2e9 / rate);
            Map<String, Long> pacedSent = new ConcurrentHashMap<>();
            int offset = events;
            long pacedStart = System.nanoTime();
            for (int i = 0; i < paced; i++) {
                Pacing.until(pacedStart + i * interval);
                String key = keyOf.apply(offset + i);
                pacedSent.put(key, System.nanoTime());
                stack.s3ObjectCreated(key, Long.toHexString(offset + i));
            }
            stack.awaitQuiescence(Duration.ofMinutes(10));
            long[] l = pacedSent.entrySet().stream()
                    .map(e -> requestedAt.containsKey(partitionOf(e.getKey())) ? requestedAt.get(partitionOf(e.getKey())) - e.getValue() : null)
                    .filter(Objects::nonNull).mapToLong(Long::longValue).sorted().toArray();
            // Measured again after the events: DynamoDB Local kept compiling through them. The higher
            // of the two is the limit, so the ratio is never flattered by a store still warming up.
            double limitAfter = dynamoWriteRate(stack.dynamo().client());
            double limit = Math.max(limitBefore, limitAfter);
            out.printf("  throughput         %.0f events/s (%d notifications, %d in flight, %d Run Requested)%n", rate, events, concurrency, throughputRuns);
            int lost = stack.bus().undelivered().size();
            int dead = stack.bus().deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ).size();
            if (lost + dead > 0) {
                out.printf("  NOT DELIVERED      %d dead letters, %d undelivered; first: %s%n", dead, lost,
                        dead > 0 ? stack.bus().deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ).get(0) : stack.bus().undelivered().get(0));
            }
            out.printf("  latency            p50 %.1f ms, p99 %.1f ms (notification -> Run Requested; %d paced at %.0f/s)%n",
                    l.length == 0 ? 0 : l[l.length / 2] / 1e6, l.length == 0 ? 0 : l[Math.min(l.length - 1, (int) (l.length * 0.99))] / 1e6,
                    l.length, 1e9 / interval);
            double perEvent = store.totalCalls() / (double) events;
            out.printf("  store calls        %.2f per event (%s)%n", perEvent, perOperation(store.calls(), events));
            out.printf("  limit              DynamoDB Local: %.0f conditional writes/s at the same concurrency (%.0f before the events, %.0f after)%n",
                    limit, limitBefore, limitAfter);
            out.printf("  ratio              %.2f x (the store's write rate / %.2f calls per event)%n", rate / (limit / perEvent), perEvent);
            out.flush();
        }
    }

    static String perOperation(Map<String, Long> calls, int events) {
        StringBuilder s = new StringBuilder();
        calls.forEach((op, n) -> s.append(s.isEmpty() ? "" : ", ").append(op).append(' ').append(String.format("%.2f", n / (double) events)));
        return s.toString();
    }

    private static String partitionOf(String key) {
        int at = key.indexOf("date=") + 5;
        return key.substring(at, at + 10);
    }

    private static int countRules(EmbeddedFanOut stack) {
        int n = 0;
        String token = null;
        do {
            String t = token;
            var page = stack.bus().client().listRules(b -> b.eventBusName(EmbeddedFanOut.BUS).nextToken(t).limit(100));
            n += page.rules().size();
            token = page.nextToken();
        } while (token != null);
        return n;
    }

    private void send(EmbeddedFanOut stack, IntFunction<String> keyOf, int n, Map<String, Long> sentAt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    String key = keyOf.apply(index);
                    sentAt.put(key, System.nanoTime());
                    stack.s3ObjectCreated(key, Long.toHexString(index));
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Single conditional PutItems, at the benchmark's concurrency: one second of warm-up, three measured. */
    private double dynamoWriteRate(DynamoDbClient db) throws Exception {
        int measurement = limitMeasurements++; // new keys each time: the puts are conditional on their absence
        writes(db, Duration.ofSeconds(1), "WARM" + measurement);
        return writes(db, Duration.ofSeconds(3), "BENCH" + measurement) / 3.0;
    }

    private int limitMeasurements;

    private int writes(DynamoDbClient db, Duration duration, String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            long until = System.nanoTime() + duration.toNanos();
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    int n = 0;
                    while (System.nanoTime() < until) {
                        int i = n++;
                        db.putItem(b -> b.tableName(EmbeddedFanOut.TABLE).conditionExpression("attribute_not_exists(PK)")
                                .item(Map.of("PK", AttributeValue.fromS(prefix + "#" + thread + "#" + i),
                                        "SK", AttributeValue.fromS("X"))));
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : futures) {
                total += f.get();
            }
            return total;
        } finally {
            pool.shutdown();
        }
    }

    /** n sources, each read by one pipeline: every event reaches exactly one consumer among n rules. */
    static void generateGraph(Path dir, int n) throws IOException {
        StringBuilder sources = new StringBuilder("sources:\n");
        for (int i = 0; i < n; i++) {
            sources.append("  landing.s").append(i).append(":\n    s3: s3://${LakeBucket}/landing/s").append(i).append("/date={date}/*.csv\n");
        }
        Files.writeString(dir.resolve("sources.yaml"), sources);
        for (int i = 0; i < n; i++) {
            Files.writeString(dir.resolve("p" + i + ".yaml"), """
                    pipeline: p%d
                    inputs: [landing.s%d]
                    partitions: daily
                    outputs:
                      core.p%d: s3://${LakeBucket}/core/p%d/date={date}/
                    trigger: { condition: landing.s%d }
                    steps:
                      - sql: { output: core.p%d, query: SELECT * FROM landing.s%d }
                    """.formatted(i, i, i, i, i, i, i));
        }
    }
}
