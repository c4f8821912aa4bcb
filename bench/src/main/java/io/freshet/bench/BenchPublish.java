package io.freshet.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.freshet.cli.OptionValues;
import io.freshet.core.runs.RunState;
import io.freshet.publisher.PublisherService;
import io.freshet.state.protocol.FaultPoints;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What publishing adds to a run: {@code PublisherService.publish} timed per run on runs staged as
 * the runner stages them ({@link PublishLake}), split at the publisher's own points: up to the last
 * table commit (the run and its staged outputs read, every output checked, then one Iceberg commit
 * per output, {@code LakeTables.check} and {@code publish}), the record (one DynamoDB transaction),
 * and the announcements and the run's end. For one output, five outputs, and one output to a table
 * that already has many snapshots. The limit, measured in the same run on the same servers: a bare
 * S3 PUT and GET of a small object and one DynamoDB write, what any commit-then-record needs at
 * least.
 */
@Command(name = "publish", description = "Time the publisher's commit, record and announce per run, for 1 and 5 outputs and a table with "
        + "a long history, against an S3 PUT + GET and a DynamoDB write on the same servers (see docs/performance.md).")
final class BenchPublish implements Callable<Integer> {

    @Option(names = "--runs", defaultValue = "30", converter = OptionValues.AtLeastOne.class, description = "measured runs per case (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--outputs", defaultValue = "5", converter = OptionValues.AtLeastOne.class, description = "outputs per run of the second case (default: ${DEFAULT-VALUE})")
    int outputs;

    @Option(names = "--history", defaultValue = "200", converter = OptionValues.NotNegative.class, description = "commits to the third case's table before it is measured; 0 skips it (default: ${DEFAULT-VALUE})")
    int history;

    @Option(names = "--rows", defaultValue = "1000", converter = OptionValues.AtLeastOne.class, description = "rows per output file (default: ${DEFAULT-VALUE})")
    int rows;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final int WARM_UP = 3;

    /** One publication's times in nanoseconds: to the last commit, the record, the announcements and end. */
    record Timing(long commits, long record, long announce) {
        long total() {
            return commits + record + announce;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Integer> pipelines = new LinkedHashMap<>();
        pipelines.put("one", 1);
        pipelines.put("many", outputs);
        pipelines.put("history", 1);
        long setup = System.nanoTime();
        try (PublishLake lake = PublishLake.start(pipelines)) {
            out.printf("servers up in %.1f s: DynamoDB Local, S3Proxy, in-process EventBridge, PostgreSQL (Iceberg's JDBC catalog), in this JVM%n",
                    (System.nanoTime() - setup) / 1e9);
            out.printf("%d runs per case after %d warm-up runs, %d rows per output, each run in a new daily partition%n%n", runs, WARM_UP, rows);
            out.flush();
            int day = history > 0 ? buildHistory(out, lake, "history", 0) : 0;
            if (history == 0) {
                pipelines.remove("history");
            }
            long[] limit = limit(lake);
            // Cases interleaved (a run of each, then the next), so JIT warm-up and drift hit them alike.
            Map<String, List<Timing>> timings = new LinkedHashMap<>();
            pipelines.keySet().forEach(p -> timings.put(p, new ArrayList<>()));
            for (int i = 0; i < WARM_UP + runs; i++) {
                for (String pipeline : pipelines.keySet()) {
                    Timing t = publishOne(lake, pipeline, PublishLake.day(day++));
                    if (i >= WARM_UP) {
                        timings.get(pipeline).add(t);
                    }
                }
            }
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, Integer> c : pipelines.entrySet()) {
                String label = c.getKey().equals("history") ? "1 output, " + history + " prior commits"
                        : c.getValue() + (c.getValue() == 1 ? " output" : " outputs");
                lines.add(row(label, c.getValue(), timings.get(c.getKey()), median(limit) / 1e6));
                lines.add("  table after: " + lake.describe(c.getKey()));
            }
            report(out, limit, lines);
            return 0;
        }
    }

    private void report(PrintWriter out, long[] limit, List<String> lines) {
        out.printf("%nlimit: S3 PUT + GET of a 1 KB object + one DynamoDB PutItem, same servers: median %.1f ms (p95 %.1f, min %.1f, max %.1f) of %d%n",
                median(limit) / 1e6, percentile(limit, 0.95) / 1e6, limit[0] / 1e6, limit[limit.length - 1] / 1e6, limit.length);
        out.printf("%n%-30s %-27s %-20s %-11s %-11s %-16s %s%n", "case", "publish p50/p95/min/max", "to last commit p50/p95",
                "per output", "record p50", "announce+end p50", "to last commit / limit");
        lines.forEach(out::println);
        out.flush();
    }

    private static String row(String label, int outputs, List<Timing> timings, double limitMs) {
        long[] total = sorted(timings.stream().mapToLong(Timing::total).toArray());
        long[] commits = sorted(timings.stream().mapToLong(Timing::commits).toArray());
        long[] record = sorted(timings.stream().mapToLong(Timing::record).toArray());
        long[] announce = sorted(timings.stream().mapToLong(Timing::announce).toArray());
        return String.format("%-30s %-27s %-20s %-11s %-11s %-16s %.1fx", label,
                String.format("%.0f/%.0f/%.0f/%.0f ms", median(total) / 1e6, percentile(total, 0.95) / 1e6, total[0] / 1e6,
                        total[total.length - 1] / 1e6),
                String.format("%.0f/%.0f ms", median(commits) / 1e6, percentile(commits, 0.95) / 1e6),
                String.format("%.0f ms", median(commits) / 1e6 / outputs),
                String.format("%.1f ms", median(record) / 1e6), String.format("%.1f ms", median(announce) / 1e6),
                median(commits) / 1e6 / limitMs);
    }

    /** Stages a run of {@code pipeline} for {@code partition} and publishes it, timed at the publisher's fault points. */
    private Timing publishOne(PublishLake lake, String pipeline, String partition) {
        String runId = lake.staged(pipeline, partition, rows);
        long[] lastCommit = {0};
        long[] recorded = {0};
        FaultPoints clock = point -> {
            if (point.equals("after-commit")) {
                lastCommit[0] = System.nanoTime();
            } else if (point.equals("after-record")) {
                recorded[0] = System.nanoTime();
            }
        };
        PublisherService publisher = lake.publisher(clock);
        long start = System.nanoTime();
        RunState state = publisher.publish(runId);
        long end = System.nanoTime();
        if (state != RunState.SUCCEEDED || lastCommit[0] == 0 || recorded[0] == 0) {
            throw new IllegalStateException("run " + runId + " of " + pipeline + " ended " + state + ", not SUCCEEDED after its commits and record");
        }
        return new Timing(lastCommit[0] - start, recorded[0] - lastCommit[0], end - recorded[0]);
    }

    /** {@code history} commits to the table of {@code pipeline}'s output, one daily partition each, timed in groups. */
    private int buildHistory(PrintWriter out, PublishLake lake, String pipeline, int firstDay) {
        long[] each = new long[history];
        int day = firstDay;
        for (int i = 0; i < history; i++) {
            long t0 = System.nanoTime();
            lake.commitDirectly(pipeline, PublishLake.day(day++), rows);
            each[i] = System.nanoTime() - t0;
        }
        int group = Math.max(1, Math.min(20, history / 2));
        out.printf("history: %d commits (file written, uploaded, LakeTables.publish) to %s's table: median of the first %d %.0f ms, of the last %d %.0f ms%n",
                history, pipeline, group, median(sorted(Arrays.copyOfRange(each, 0, group))) / 1e6, group,
                median(sorted(Arrays.copyOfRange(each, history - group, history))) / 1e6);
        out.flush();
        return day;
    }

    /** S3 PUT + GET of a 1 KB object and one DynamoDB PutItem, on the servers the publisher uses; sorted nanoseconds. */
    private long[] limit(PublishLake lake) {
        byte[] body = new byte[1024];
        int n = Math.max(30, runs);
        long[] times = new long[n];
        for (int i = -WARM_UP; i < n; i++) {
            String key = "limit/object-" + (i + WARM_UP);
            long t0 = System.nanoTime();
            lake.s3.client().putObject(b -> b.bucket(PublishLake.BUCKET).key(key), RequestBody.fromBytes(body));
            lake.s3.client().getObjectAsBytes(b -> b.bucket(PublishLake.BUCKET).key(key));
            String pk = "LIMIT#" + (i + WARM_UP);
            lake.dynamo.client().putItem(b -> b.tableName(PublishLake.STATE).conditionExpression("attribute_not_exists(PK)")
                    .item(Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS("X"))));
            if (i >= 0) {
                times[i] = System.nanoTime() - t0;
            }
        }
        return sorted(times);
    }

    private static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static double median(long[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
