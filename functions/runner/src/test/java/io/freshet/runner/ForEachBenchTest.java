package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;

/**
 * The measurement of docs/performance.md, "for_each": 50 arrived CSV files through one
 * {@code for_each} step at parallelism 1, 2, 4 and 8, against the same SQL over all files in one
 * query, on the runner's real stack. Not a test: run it with
 * {@code ./mvnw -o -q -pl functions/runner -am test -Dtest=ForEachBenchTest -Dfreshet.bench=for_each -Dsurefire.failIfNoSpecifiedTests=false}
 * and read the lines it prints.
 */
@EnabledIfSystemProperty(named = "freshet.bench", matches = "for_each")
class ForEachBenchTest {

    static final String LAKE = "lake";
    static final String DAY = "2026-06-01";
    static final int FILES = 50;
    static final int ROWS = 20_000;

    @TempDir
    Path tmp;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @Test
    void fiftyObjectsSequentialAndInParallel() throws Exception {
        try (LocalDynamo dynamo = LocalDynamo.start(); LocalS3 s3 = LocalS3.start(); TestLake lake = TestLake.start(s3)) {
            s3.createBucket(LAKE);
            List<String> lines = new ArrayList<>();
            int n = 0;
            for (String forEach : List.of("{input: landing.sales, parallelism: 4}", "{input: landing.sales, parallelism: 1}",
                    "{input: landing.sales, parallelism: 2}", "{input: landing.sales, parallelism: 4}", "{input: landing.sales, parallelism: 8}", "")) {
                log.reset();
                String measured = run(dynamo, s3, lake, ++n, forEach);
                lines.add(String.format("for_each %-40s %s%s", forEach.isEmpty() ? "(none: one query)" : forEach, measured, n == 1 ? "  (warm-up)" : ""));
            }
            lines.forEach(System.out::println);
        }
    }

    /** One run over {@value #FILES} fresh files, and with for_each the next run after one of them was replaced. */
    private String run(LocalDynamo dynamo, LocalS3 s3, TestLake lake, int n, String forEach) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T20:00:00Z"));
        String table = "bench-each-" + n;
        DynamoStateStore.createTable(dynamo.client(), table);
        StateStore store = new DynamoStateStore(dynamo.client(), table, clock);
        ObjectStore objects = new ObjectStore(s3.client());
        Path dir = Files.createDirectories(tmp.resolve("pipelines-" + n));
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.sales:
                    s3: s3://${LakeBucket}/landing/sales/date={date}/*.csv
                    format: csv
                """);
        Files.writeString(dir.resolve("per_file.yaml"), """
                pipeline: per_file
                inputs: [landing.sales]
                partitions: daily
                outputs:
                  core.sales: s3://${LakeBucket}/core/bench-%d/date={date}/
                trigger:
                  condition: landing.sales
                steps:
                  - sql:
                      output: core.sales
                %s
                      query: SELECT shop, count(*) AS sales, sum(CAST(amount AS DECIMAL(12,2))) AS amount, any_value(_object) AS object FROM landing.sales GROUP BY shop
                """.formatted(n, forEach.isEmpty() ? "" : "      for_each: " + forEach));
        Project project = ProjectLoader.load(dir).orThrow();
        List<AssetEvent> arrived = new ArrayList<>();
        Path files = Files.createDirectories(tmp.resolve("files-" + n));
        for (int f = 0; f < FILES; f++) {
            StringBuilder csv = new StringBuilder("id,shop,amount\n");
            for (int r = 0; r < ROWS; r++) {
                csv.append(r).append(",shop-").append(f).append('-').append(r % 17).append(',').append(r % 1000).append(".25\n");
            }
            arrived.add(RunnerFixtures.source(objects, store, clock, LAKE, "landing.sales", DAY, Files.writeString(files.resolve("s" + f + ".csv"), csv)));
        }
        RunnerService runner = new RunnerService(project, store, objects,
                TestLake.bus(new CopyOnWriteArrayList<>(), lake.publisher(project, store, LAKE, new CopyOnWriteArrayList<>(), clock, FaultPoints.NONE)), LAKE,
                (p, step, part, watermarks, d) -> { throw new UnsupportedOperationException("no snapshots here"); },
                clock, new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8), clock, Map.of()), tmp.resolve("scratch-" + n), FaultPoints.NONE);
        String measured = execute(store, runner, arrived);
        if (forEach.isEmpty()) {
            return measured;
        }
        // One file replaced: the next run of the partition computes it alone and reuses the 49 other results.
        Path replaced = Files.createDirectories(tmp.resolve("files-" + n + "-again")).resolve("s0.csv");
        Files.writeString(replaced, Files.readString(files.resolve("s0.csv")).replace("\n0,", "\n1000000,"));
        return measured + "; then 1 of 50 replaced: " + execute(store, runner, List.of(RunnerFixtures.source(objects, store, clock, LAKE, "landing.sales", DAY, replaced)));
    }

    /** A run consuming {@code consumed}, executed: the step's time as its log line says, and the whole attempt's (download to staging). */
    private String execute(StateStore store, RunnerService runner, List<AssetEvent> consumed) {
        Run run = store.runs().tryCreate(store.consumers().view("per_file", DAY), Ids.run("per_file", DAY, consumed.stream().map(AssetEvent::eventId).toList()),
                consumed.stream().map(e -> new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())).toList(), "bench").orElseThrow();
        log.reset();
        long started = System.nanoTime();
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run.runId()), log.toString(StandardCharsets.UTF_8));
        long attemptMs = (System.nanoTime() - started) / 1_000_000;
        JsonNode done = log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"for_each step done\"")).map(EventJson::read)
                .findFirst().orElse(null);
        if (done != null) {
            return String.format("step %6s ms (%s processed, %s reused), attempt %6d ms", done.get("ms").asText(), done.get("processed").asText(),
                    done.get("reused").asText(), attemptMs);
        }
        return String.format("one query, attempt %6d ms", attemptMs);
    }
}
