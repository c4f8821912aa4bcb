package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.runner.RunnerTestStack.World;
import io.freshet.state.protocol.FaultPoints;

/**
 * {@code for_each: object} on the runner's real stack (DynamoDB Local, S3Proxy, DuckDB, the lake's
 * publisher): one task per arrived file, each object's failure named by its key, a rerun that
 * processes only the objects that failed, and an attempt killed right after keeping a result.
 */
class ForEachTest {

    static final String DAY = "2026-06-01";
    static final AtomicInteger PROJECTS = new AtomicInteger();
    static final String PER_FILE_SQL = "SELECT CAST(id AS INTEGER) AS id, CAST(amount AS DECIMAL(10,2)) AS amount, _object FROM landing.sales";
    static final Pattern OBJECT = Pattern.compile("s3://lake/[^:;\\s]+\\.csv");

    @RegisterExtension
    static final RunnerTestStack STACK = new RunnerTestStack();

    final World world = STACK.world(Instant.parse("2026-06-01T20:00:00Z"));
    Project project;

    @BeforeEach
    void perFileProject() throws Exception {
        project = project(PER_FILE_SQL);
    }

    /** The per_file pipeline whose for_each step runs {@code query}. */
    Project project(String query) throws Exception {
        Path dir = Files.createDirectories(world.tmp().resolve("pipelines-" + PROJECTS.incrementAndGet()));
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.sales:
                    s3: s3://${LakeBucket}/landing/sales/date={date}/*.csv
                    format: csv
                """);
        // Each task reads one file; the check reads the whole input's view, which has _object too.
        Files.writeString(dir.resolve("per_file.yaml"), """
                pipeline: per_file
                inputs: [landing.sales]
                partitions: daily
                outputs:
                  core.sales: s3://${LakeBucket}/core/sales-%d/date={date}/
                trigger:
                  condition: landing.sales
                steps:
                  - sql:
                      output: core.sales
                      for_each: {input: landing.sales, parallelism: 4}
                      query: %s
                checks:
                  - sql:
                      name: every_object_named
                      query: SELECT * FROM landing.sales WHERE _object NOT LIKE 's3://lake/%%.csv'
                """.formatted(PROJECTS.get(), query));
        return ProjectLoader.load(dir).orThrow();
    }

    RunnerService runner(FaultPoints faults) {
        return world.runner(project, faults);
    }

    /** File {@code n} of the day: ids 10n and 10n+1; a bad one has an amount that is no number. */
    AssetEvent upload(int n, boolean bad, String variant) throws Exception {
        Path dir = Files.createDirectories(world.tmp().resolve("files-" + variant));
        Path file = Files.writeString(dir.resolve("sales-" + n + ".csv"),
                "id,amount\n" + (10 * n) + "," + (bad ? "oops" : n + ".50") + "\n" + (10 * n + 1) + "," + n + ".25\n");
        return world.source("landing.sales", DAY, file);
    }

    Run runOf(List<AssetEvent> consumed) {
        var view = world.store().consumers().view("per_file", DAY);
        return world.store().runs().tryCreate(view, Ids.run("per_file", DAY, consumed.stream().map(AssetEvent::eventId).toList()),
                consumed.stream().map(e -> new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())).toList(), "test").orElseThrow();
    }

    /** The lines of the JSON log with this message, since the log was last reset. */
    List<String> logLines(String message) {
        return world.log().toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"message\":\"" + message + "\"")).toList();
    }

    @Test
    void fiftyFilesTwoBadTheRunNamesBothAndTheRerunProcessesOnlyThoseTwo() throws Exception {
        List<AssetEvent> arrived = new ArrayList<>();
        for (int n = 0; n < 50; n++) {
            arrived.add(upload(n, n == 7 || n == 31, "first"));
        }
        Run first = runOf(arrived);

        assertEquals(Optional.of(RunState.FAILED), runner(FaultPoints.NONE).execute(first.runId()));

        String reason = world.store().runs().run(first.runId()).orElseThrow().finishReason().orElseThrow();
        Set<String> named = new TreeSet<>();
        Matcher m = OBJECT.matcher(reason);
        while (m.find()) {
            named.add(m.group());
        }
        assertEquals(Set.of(arrived.get(7).objects().get(0), arrived.get(31).objects().get(0)), named, reason);
        assertTrue(reason.contains("2 of 50 objects failed"), reason);
        assertEquals(2, logLines("object failed").size());
        assertEquals(48, logLines("object processed").size());
        assertEquals(List.of(), updates(), "nothing published: no half output");

        // The two files are replaced; their new events start the next run, which computes those two only.
        world.log().reset();
        world.clock().advance(Duration.ofMinutes(5));
        List<AssetEvent> fixed = List.of(upload(7, false, "fixed"), upload(31, false, "fixed"));
        Run second = runOf(fixed);

        assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE).execute(second.runId()), world.announced().toString());

        assertEquals(2, logLines("object processed").size(), "only the two replaced objects are computed again");
        assertEquals(48, logLines("object result reused").size());
        List<JsonNode> updates = updates();
        assertEquals(1, updates.size());
        assertEquals("2", updates.get(0).get("metadata").get("forEach.processed").asText());
        assertEquals("48", updates.get(0).get("metadata").get("forEach.reused").asText());
        Map<Integer, String> rows = publishedRows(updates.get(0));
        assertEquals(100, rows.size(), "every good row once");
        for (int n = 0; n < 50; n++) {
            assertEquals("s3://lake/test/landing.sales/" + DAY + "/sales-" + n + ".csv", rows.get(10 * n), "the row names its object");
            assertEquals(rows.get(10 * n), rows.get(10 * n + 1));
        }
    }

    @Test
    void anAttemptKilledRightAfterKeepingAResultRetriesToTheSameOutput() throws Exception {
        List<AssetEvent> arrived = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            arrived.add(upload(n, false, "crash"));
        }
        Run run = runOf(arrived);
        AtomicInteger kept = new AtomicInteger();
        RunnerService killed = runner(p -> {
            if (p.equals("after-each-result") && kept.incrementAndGet() == 1) throw new FaultPoints.Killed(p);
        });

        assertThrows(FaultPoints.Killed.class, () -> killed.execute(run.runId()));
        assertEquals(List.of(), updates(), "nothing announced before the retry");
        world.clock().advance(project.pipeline("per_file").orElseThrow().timeout().plus(Duration.ofMinutes(2)));
        world.log().reset();
        assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE).execute(run.runId()));

        int reused = logLines("object result reused").size();
        assertTrue(reused >= 1, "the result kept before the kill is reused");
        assertEquals(6, reused + logLines("object processed").size());
        List<JsonNode> updates = updates();
        assertEquals(1, updates.size(), "published once");
        Map<Integer, String> rows = publishedRows(updates.get(0));
        Map<Integer, String> expected = new TreeMap<>();
        for (int n = 0; n < 6; n++) {
            expected.put(10 * n, "s3://lake/test/landing.sales/" + DAY + "/sales-" + n + ".csv");
            expected.put(10 * n + 1, "s3://lake/test/landing.sales/" + DAY + "/sales-" + n + ".csv");
        }
        assertEquals(expected, rows, "the same rows a clean run writes");
    }

    @Test
    void resultsWhoseColumnsDifferFailTheRunNamingTheObject() throws Exception {
        project = project("SELECT * FROM landing.sales"); // no casts: a file whose amount is text gives a VARCHAR column
        List<AssetEvent> arrived = List.of(upload(0, false, "types"), upload(1, true, "types"), upload(2, false, "types"));

        Run run = runOf(arrived);

        assertEquals(Optional.of(RunState.FAILED), runner(FaultPoints.NONE).execute(run.runId()));

        String reason = world.store().runs().run(run.runId()).flatMap(Run::finishReason).orElseThrow();
        assertTrue(reason.contains("the result of " + arrived.get(1).objects().get(0) + " has columns [id BIGINT, amount VARCHAR, _object VARCHAR]"), reason);
        assertEquals(List.of(), updates());
    }

    List<JsonNode> updates() {
        return world.announcements(EventJson.ASSET_UPDATED);
    }

    /** The published object's rows: id to _object; an id seen twice fails. */
    Map<Integer, String> publishedRows(JsonNode update) throws Exception {
        String key = update.get("objects").get(0).asText().substring(("s3://" + RunnerTestStack.LAKE + "/").length());
        Path local = world.tmp().resolve("published-" + System.nanoTime() + ".parquet");
        world.objects().get(RunnerTestStack.LAKE, key, local);
        Map<Integer, String> rows = new TreeMap<>();
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, _object FROM read_parquet('" + local + "')")) {
            while (rs.next()) {
                assertEquals(null, rows.put(rs.getInt(1), rs.getString(2)), "id " + rs.getInt(1) + " twice");
            }
        }
        return rows;
    }
}
