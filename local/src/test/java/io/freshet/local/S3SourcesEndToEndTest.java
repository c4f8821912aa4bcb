package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.stack.EmbeddedStack;
import io.freshet.testkit.MutableClock;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * S3 sources as real producers write them, on the embedded stack wired from template.yaml (the
 * lake bucket versioned, S3's Object Created and Object Deleted on the bus, s3-events, the
 * trigger, the real runner on DuckDB): a console folder marker, a zero-byte {@code _SUCCESS}, an
 * export replaced within the same second, an export deleted and replaced under another name, and
 * a source that completes with a marker. No consumer run fails and each reads the partition's
 * current objects.
 */
class S3SourcesEndToEndTest {

    @TempDir
    Path tmp;

    static final String SOURCES = """
            sources:
              shop.orders:
                s3: s3://${LakeBucket}/landing/orders/date={date}/
                format: csv
              shop.sales:
                s3: s3://${LakeBucket}/landing/sales/date={date}/
                format: csv
                complete_when: _SUCCESS
            """;

    static String pipeline(String name, String input, String output) {
        return """
                pipeline: %s
                inputs: [%s]
                partitions: daily
                outputs:
                  %s: s3://${LakeBucket}/core/%s/date={date}/
                trigger:
                  condition: %s
                retries: 0
                steps:
                  - sql:
                      output: %s
                      query: SELECT count(*) AS n, sum(amount) AS amount FROM %s
                """.formatted(name, input, output, name, input, output, input);
    }

    EmbeddedStack start(MutableClock clock) throws IOException {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve("pipelines"));
        Files.copy(Path.of("../template.yaml"), repo.resolve("template.yaml"));
        Files.writeString(repo.resolve("pipelines/sources.yaml"), SOURCES);
        Files.writeString(repo.resolve("pipelines/orders.yaml"), pipeline("orders", "shop.orders", "core.orders"));
        Files.writeString(repo.resolve("pipelines/sales.yaml"), pipeline("sales", "shop.sales", "core.sales"));
        return EmbeddedStack.start(new EmbeddedStack.Options(repo, tmp.resolve("state"), clock, false));
    }

    static void put(EmbeddedStack stack, String key, String content) {
        stack.s3().client().putObject(b -> b.bucket(stack.lakeBucket()).key(key), RequestBody.fromString(content));
        stack.settle(Duration.ofMinutes(1));
    }

    static void delete(EmbeddedStack stack, String key) {
        stack.s3().client().deleteObject(b -> b.bucket(stack.lakeBucket()).key(key));
        stack.settle(Duration.ofMinutes(1));
    }

    static List<Run> runs(EmbeddedStack stack, String pipeline) {
        return stack.store().runs().of(pipeline).stream().sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::runId)).toList();
    }

    /**
     * count(*) and sum(amount) of what the pipeline's last run wrote, read back from the lake. (By
     * run, not the asset's state: two runs may finish in one second of this clock.)
     */
    String output(EmbeddedStack stack, String asset) throws Exception {
        String pipeline = asset.substring("core.".length());
        String lastRun = runs(stack, pipeline).getLast().runId();
        AssetEvent e = stack.store().events().history(asset, "2026-06-02").stream()
                .filter(event -> event.producer().id().equals(lastRun)).findFirst().orElseThrow();
        String uri = e.objects().get(0);
        String key = uri.substring(("s3://" + stack.lakeBucket() + "/").length());
        Path file = tmp.resolve("out-" + System.nanoTime() + ".parquet");
        Files.write(file, stack.s3().client().getObjectAsBytes(b -> b.bucket(stack.lakeBucket()).key(key)).asByteArray());
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT n, amount FROM read_parquet('" + file + "')")) {
            r.next();
            return r.getLong(1) + " orders, " + r.getLong(2);
        }
    }

    static String states(List<Run> runs) {
        return runs.stream().map(r -> r.state() + (r.state() == RunState.SUCCEEDED ? "" : r.finishReason().map(f -> " (" + f + ")").orElse("")))
                .toList().toString();
    }

    @Test
    void markersReplacedAndDeletedExportsDoNotBreakTheConsumer() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-02T08:00:00Z"));
        try (EmbeddedStack stack = start(clock)) {
            String day = "landing/orders/date=2026-06-02/";
            put(stack, day, ""); // the console's "Create folder"
            assertEquals(List.of(), runs(stack, "orders"), "a folder marker is not data");

            put(stack, day + "export.csv", "order_id,amount\n1,10\n2,20\n");
            assertEquals("[SUCCEEDED]", states(runs(stack, "orders")));
            assertEquals("2 orders, 30", output(stack, "core.orders"));

            put(stack, day + "_SUCCESS", "");
            clock.advance(Duration.ofSeconds(5));
            // The producer replaces its export twice within one second: the later upload is the partition's.
            put(stack, day + "export.csv", "order_id,amount\n1,10\n2,20\n3,30\n");
            clock.advance(Duration.ofMillis(100)); // the same second for S3's events; runs created apart, so "the last run" is one
            put(stack, day + "export.csv", "order_id,amount\n1,10\n2,20\n3,30\n4,40\n");
            List<Run> runs = runs(stack, "orders");
            assertTrue(runs.stream().noneMatch(r -> r.state() == RunState.FAILED), states(runs));
            assertEquals(RunState.SUCCEEDED, runs.getLast().state(), states(runs));
            assertEquals("4 orders, 100", output(stack, "core.orders"), "the newer of two same-second uploads: " + states(runs));

            // It then replaces the export under another name: delete, then upload.
            clock.advance(Duration.ofMinutes(1));
            delete(stack, day + "export.csv");
            clock.advance(Duration.ofMillis(100));
            put(stack, day + "export-v2.csv", "order_id,amount\n7,7\n");
            runs = runs(stack, "orders");
            assertTrue(runs.stream().noneMatch(r -> r.state() == RunState.FAILED), "no NoSuchKey: " + states(runs));
            assertEquals("1 orders, 7", output(stack, "core.orders"), states(runs));

            // A later run of the partition reads the version its event recorded, even once the key is overwritten.
            assertEquals(Map.of(), stack.deadLetters().entrySet().stream().filter(d -> !d.getValue().isEmpty())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        }
    }

    @Test
    void aSourceWithCompleteWhenRunsOnceItsMarkerArrivesOnTheFilesWrittenBeforeIt() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-02T08:00:00Z"));
        try (EmbeddedStack stack = start(clock)) {
            String day = "landing/sales/date=2026-06-02/";
            put(stack, day + "_temporary/0/part-0.csv", "order_id,amount\n99,99\n");
            put(stack, day + "part-0.csv", "order_id,amount\n1,10\n");
            put(stack, day + "part-1.csv", "order_id,amount\n2,20\n3,30\n");
            delete(stack, day + "_temporary/0/part-0.csv");
            assertEquals(List.of(), runs(stack, "sales"), "nothing runs before the marker");
            clock.advance(Duration.ofSeconds(2));
            put(stack, day + "_SUCCESS", "");
            assertEquals("[SUCCEEDED]", states(runs(stack, "sales")));
            assertEquals("3 orders, 60", output(stack, "core.sales"));
            clock.advance(Duration.ofSeconds(2));
            put(stack, day + "part-2.csv", "order_id,amount\n4,40\n");
            assertEquals("[SUCCEEDED]", states(runs(stack, "sales")), "a file after the marker waits for the next one");
        }
    }
}
