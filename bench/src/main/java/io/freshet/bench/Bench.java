package io.freshet.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import io.freshet.core.load.LoadResult;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.location.KeyMatcher;
import io.freshet.core.location.LocationPattern;
import io.freshet.bench.coldstart.BenchColdStart;
import io.freshet.cli.OptionValues;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmarks of the language's hot paths. Each prints its figures and the baseline measured in
 * the same run, so numbers from different machines compare as ratios.
 */
@Command(name = "bench", description = "Measure the language's hot paths (see docs/performance.md).",
        subcommands = {Bench.Matcher.class, Bench.Load.class, BenchDispatch.class, BenchCost.class, BenchSnapshot.class, BenchPublish.class, BenchWarehouse.class, BenchColdStart.class, BenchTick.class, BenchYaml.class})
final class Bench implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code bench} alone: which benchmark? The usage, as for any usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Synthetic source patterns in the shapes users write: daily, hourly, hive-style, wildcards. */
    static List<LocationPattern> patterns(int n) {
        List<LocationPattern> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = switch (i % 4) {
                case 0 -> "landing/team" + (i % 37) + "/feed" + i + "/date={date}/*.csv";
                case 1 -> "landing/team" + (i % 37) + "/feed" + i + "/date={date}/hour={hour}/";
                case 2 -> "landing/team" + (i % 37) + "/feed" + i + "/year={year}/month={month}/day={day}/**";
                default -> "landing/team" + (i % 37) + "/feed" + i + "/";
            };
            out.add(LocationPattern.parse("s3://lake/" + key));
        }
        return out;
    }

    static List<String> keys(int n, int assets, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = r.nextInt(assets);
            String day = String.format("2026-%02d-%02d", 1 + r.nextInt(12), 1 + r.nextInt(28));
            keys.add(switch (r.nextInt(5)) {
                case 0 -> "landing/team" + (i % 37) + "/feed" + i + "/date=" + day + "/part-" + k + ".csv";
                case 1 -> "landing/team" + (i % 37) + "/feed" + i + "/date=" + day + "/hour=07/x.json";
                case 2 -> "landing/team" + (i % 37) + "/feed" + i + "/year=2026/month=05/day=26/a/b.parquet";
                case 3 -> "landing/team" + (i % 37) + "/feed" + i + "/anything.txt";
                default -> "elsewhere/unrelated/" + k + ".csv"; // matches nothing: the common case for a busy bucket
            });
        }
        return keys;
    }

    @Command(name = "matcher", description = "S3 key -> (source asset, partition) lookups per second against a linear regex scan.")
    static final class Matcher implements Callable<Integer> {
        @Option(names = "--assets", defaultValue = "5000", converter = OptionValues.AtLeastOne.class, description = "source patterns (default: ${DEFAULT-VALUE})")
        int assets;

        @Option(names = "--keys", defaultValue = "200000", converter = OptionValues.AtLeastOne.class, description = "keys per measurement (default: ${DEFAULT-VALUE})")
        int keyCount;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<LocationPattern> patterns = patterns(assets);
            KeyMatcher.Builder b = KeyMatcher.builder();
            for (int i = 0; i < patterns.size(); i++) {
                b.add("src.feed" + i, patterns.get(i));
            }
            long t0 = System.nanoTime();
            KeyMatcher matcher = b.build();
            double buildMs = (System.nanoTime() - t0) / 1e6;
            List<String> keys = keys(keyCount, assets, 42);
            long matched = 0;
            for (int round = 0; round < 3; round++) { // warm-up rounds; the last one is measured
                matched = 0;
                t0 = System.nanoTime();
                for (String k : keys) {
                    matched += matcher.match("lake", k).size();
                }
            }
            double indexed = keys.size() / ((System.nanoTime() - t0) / 1e9);
            // The baseline: every pattern's own matcher tried on every key. Fewer keys: it is slow.
            List<String> sample = keys.subList(0, Math.max(1, Math.min(keys.size(), 2_000_000 / Math.max(1, assets))));
            long linearMatched = 0;
            t0 = System.nanoTime();
            for (String k : sample) {
                for (LocationPattern p : patterns) {
                    if (p.matches("lake", k)) linearMatched++;
                }
            }
            double linear = sample.size() / ((System.nanoTime() - t0) / 1e9);
            out.printf("patterns           %d (index built in %.1f ms)%n", assets, buildMs);
            out.printf("keys               %d, %d matches%n", keys.size(), matched);
            out.printf("indexed matcher    %,.0f keys/s%n", indexed);
            out.printf("linear regex scan  %,.0f keys/s (%d keys, %d matches)%n", linear, sample.size(), linearMatched);
            out.printf("ratio              %.0fx the linear scan%n", indexed / linear);
            return 0;
        }
    }

    @Command(name = "load", description = "Load and validate a generated project of N pipelines.")
    static final class Load implements Callable<Integer> {
        @Option(names = "--pipelines", defaultValue = "2000", converter = OptionValues.AtLeastOne.class, description = "generated pipelines (default: ${DEFAULT-VALUE})")
        int pipelines;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = Files.createTempDirectory("freshet-bench-load");
            try {
                generate(dir, pipelines);
                LoadResult result = null;
                long best = Long.MAX_VALUE;
                for (int round = 0; round < 3; round++) {
                    long t0 = System.nanoTime();
                    result = ProjectLoader.load(dir, "bench", ProjectLoader.DEFAULT_PARAMETERS);
                    best = Math.min(best, System.nanoTime() - t0);
                }
                if (!result.ok()) {
                    result.errors().stream().limit(5).forEach(out::println);
                    return 1;
                }
                out.printf("pipelines          %d (+ %d sources), %d assets%n", pipelines, pipelines / 10, result.orThrow().graph().assets().size());
                out.printf("load + validate    %.0f ms (best of 3), %.2f ms per pipeline%n", best / 1e6, best / 1e6 / pipelines);
                return 0;
            } finally {
                TempDirs.delete(dir);
            }
        }

        /** Sources feeding layers of pipelines: each reads two assets of the previous layer. */
        static void generate(Path dir, int n) {
            try {
                StringBuilder sources = new StringBuilder("sources:\n");
                int sourceCount = Math.max(1, n / 10);
                for (int i = 0; i < sourceCount; i++) {
                    sources.append("  landing.s").append(i).append(":\n    s3: s3://${LakeBucket}/landing/s").append(i).append("/date={date}/*.csv\n");
                }
                Files.writeString(dir.resolve("sources.yaml"), sources);
                List<String> previous = new ArrayList<>();
                for (int i = 0; i < sourceCount; i++) previous.add("landing.s" + i);
                SplittableRandom r = new SplittableRandom(7);
                for (int i = 0; i < n; i++) {
                    String a = previous.get(r.nextInt(previous.size()));
                    String b = previous.get(r.nextInt(previous.size()));
                    List<String> inputs = a.equals(b) ? List.of(a) : List.of(a, b);
                    String out = "core.p" + i;
                    Files.writeString(dir.resolve("p" + i + ".yaml"), String.format("""
                            pipeline: p%d
                            inputs: [%s]
                            partitions: daily
                            outputs:
                              %s: s3://${LakeBucket}/core/p%d/date={date}/
                            trigger:
                              condition: %s
                            steps:
                              - sql: { output: %s, query: SELECT * FROM %s }
                            checks:
                              - not_null: { columns: [id] }
                            """, i, String.join(", ", inputs), out, i, String.join(" & ", inputs), out, inputs.get(0)));
                    previous.add(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
