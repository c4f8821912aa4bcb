package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.DuckSettings;
import io.freshet.state.protocol.FaultPoints;

/**
 * The run's context in SQL, end to end on DynamoDB Local, S3Proxy, DuckDB and the lake's
 * publisher: a step selects getvariable('partition'), the period's bounds, the run id and the
 * pipeline into its output, and the published object holds the values of that run.
 */
class RunContextTest {

    static final String CONTEXT_SQL = """
            SELECT count(*) AS taps, getvariable('partition') AS part, getvariable('partition_start') AS period_start,
                   getvariable('partition_end') AS period_end, getvariable('run_id') AS run, getvariable('pipeline') AS pipe
            FROM landing.taps
            """;

    @RegisterExtension
    static final RunnerTestStack STACK = new RunnerTestStack();

    final World world = STACK.world(Instant.parse("2026-05-27T09:00:00Z"));

    /** A project of one source and one pipeline of {@code partitions}, whose step is {@link #CONTEXT_SQL}. */
    Project project(String partitions, String placeholders) throws Exception {
        Path dir = Files.createDirectories(world.tmp().resolve("pipelines"));
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.taps:
                    s3: s3://${LakeBucket}/landing/taps/%s/
                    format: csv
                """.formatted(placeholders));
        Files.writeString(dir.resolve("ctx.yaml"), """
                pipeline: ctx
                inputs: [landing.taps]
                partitions: %s
                outputs:
                  core.ctx: s3://${LakeBucket}/core/ctx/%s/
                trigger:
                  condition: landing.taps
                steps:
                  - sql:
                      output: core.ctx
                      query: |
                %s
                checks:
                  - sql:
                      name: the_checks_read_the_same_partition
                      query: SELECT * FROM core.ctx WHERE part IS DISTINCT FROM getvariable('partition')
                """.formatted(partitions, placeholders, CONTEXT_SQL.indent(10).stripTrailing()));
        return ProjectLoader.load(dir).orThrow();
    }

    /** Runs the pipeline for {@code partition} over one tap export; the one row of the published object. */
    Map<String, Object> publishedRow(Project project, String partition) throws Exception {
        Path taps = world.tmp().resolve("taps.csv");
        Files.writeString(taps, "tap_id,card_id\n1,c1\n2,c2\n");
        AssetEvent e = world.source("landing.taps", partition, taps);
        var view = world.store().consumers().view("ctx", partition);
        Run run = world.store().runs().tryCreate(view, Ids.run("ctx", partition, List.of(e.eventId())),
                List.of(new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())), "test").orElseThrow();
        RunnerService runner = world.runner(project, FaultPoints.NONE);

        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run.runId()), world.announced().toString());

        List<JsonNode> updated = world.announcements(EventJson.ASSET_UPDATED);
        assertEquals(1, updated.size());
        String uri = updated.get(0).get("objects").get(0).asText().substring(("s3://" + RunnerTestStack.LAKE + "/").length());
        Path local = world.tmp().resolve("published.parquet");
        world.objects().get(RunnerTestStack.LAKE, uri, local);
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT taps, part, period_start, period_end, run, pipe FROM read_parquet('" + local + "')")) {
            rs.next();
            Map<String, Object> row = new HashMap<>();
            row.put("taps", rs.getLong("taps"));
            row.put("part", rs.getString("part"));
            row.put("period_start", rs.getObject("period_start", LocalDateTime.class));
            row.put("period_end", rs.getObject("period_end", LocalDateTime.class));
            row.put("run", rs.getString("run"));
            row.put("pipe", rs.getString("pipe"));
            row.put("runId", run.runId());
            return row;
        }
    }

    @Test
    void aDailyStepReadsItsPartitionItsDayInThePipelinesZoneAndItsRun() throws Exception {
        Project project = project("\n  grain: daily\n  timezone: Europe/Prague", "date={date}");

        Map<String, Object> row = publishedRow(project, "2026-05-26");

        assertEquals(2L, row.get("taps"));
        assertEquals("2026-05-26", row.get("part"));
        assertEquals(LocalDateTime.parse("2026-05-26T00:00"), row.get("period_start"), "midnight in Prague, as a wall time");
        assertEquals(LocalDateTime.parse("2026-05-27T00:00"), row.get("period_end"), "the next midnight: the period is [start, end)");
        assertEquals(row.get("runId"), row.get("run"));
        assertEquals("ctx", row.get("pipe"));
    }

    /**
     * On the attempt's DuckDB session directly: an hourly output does not publish yet (the lake
     * tables cannot read an hourly partition value back, "Unsupported type for fromPartitionString:
     * timestamp"), so this case stops where the steps would start.
     */
    @Test
    void anHourlyStepReadsItsUtcHour() throws Exception {
        Project project = project("hourly", "date={date}/hour={hour}");
        Run run = new Run("run-hourly", "ctx", "2026-05-26T23", RunState.RUNNING, "test", List.of(), world.clock().instant(), world.clock().instant(),
                false, 1, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        try (DuckSession duck = DuckSession.open(DuckSettings.defaults(world.tmp().resolve("duck")))) {
            RunContext.set(duck, Attempt.of(run, project.pipeline("ctx").orElseThrow(), 1));
            duck.runStep("core.ctx", "SELECT getvariable('partition') AS part, getvariable('partition_start') AS period_start,"
                    + " getvariable('partition_end') AS period_end, getvariable('run_id') AS run, getvariable('pipeline') AS pipe");
            try (Statement s = duck.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM core.ctx")) {
                rs.next();
                assertEquals("2026-05-26T23", rs.getString("part"));
                assertEquals(LocalDateTime.parse("2026-05-26T23:00"), rs.getObject("period_start", LocalDateTime.class));
                assertEquals(LocalDateTime.parse("2026-05-27T00:00"), rs.getObject("period_end", LocalDateTime.class), "the hour ends on the next day");
                assertEquals("run-hourly", rs.getString("run"));
                assertEquals("ctx", rs.getString("pipe"));
            }
        }
    }

    @Test
    void anUnpartitionedStepReadsAnEmptyPartitionAndNoPeriod() throws Exception {
        Project project = project("none", "all");

        Map<String, Object> row = publishedRow(project, "");

        assertEquals("", row.get("part"));
        assertNull(row.get("period_start"));
        assertNull(row.get("period_end"));
        assertEquals(row.get("runId"), row.get("run"));
    }
}
