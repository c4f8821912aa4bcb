package io.freshet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The CLI as users call it: arguments in, text and an exit code out. */
class FreshetCliTest {

    private static final String PIPELINES = "../pipelines";

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Clock clock = Clock.fixed(Instant.parse("2026-10-24T12:00:00Z"), ZoneOffset.UTC);
        int code = FreshetCli.run(args, new PrintWriter(out), new PrintWriter(err), clock);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void validateAcceptsTheMetroExample() {
        Result r = run("validate", PIPELINES);
        assertEquals(0, r.code(), r.err());
        assertEquals("../pipelines: 3 sources, 5 pipelines, 12 assets: no errors\n", r.out());
    }

    @Test
    void validateListsEveryErrorAsFileLineColumnAndExits1(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.taps:
                    s3: s3://${LakeBucket}/landing/taps/date={date}/*.csv
                """);
        Files.writeString(dir.resolve("trips.yaml"), """
                pipeline: trips
                inputs: [landing.tapz]
                partitions: daily
                outputs:
                  core.trips: s3://${LakeBucket}/core/trips/date={date}/
                trigger:
                  cron: "0 25 * * ? *"
                steps:
                  - sql: { output: core.trips, query: SELECT 1 }
                timeout: 20m
                """);
        Result r = run("validate", dir.toString());
        assertEquals(1, r.code());
        String d = dir.toString();
        assertEquals(d + "/trips.yaml:2:10: unknown input asset 'landing.tapz'; did you mean 'landing.taps'?\n"
                + d + "/trips.yaml:7:12: invalid cron '0 25 * * ? *': hour field '25': values must be between 0 and 23\n"
                + d + "/trips.yaml:10:1: 'timeout' must be at most 15m, the longest a Lambda function runs, got 20m\n"
                + "3 errors in 1 file\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void validateAllowsTheParametersTheTemplateBesideThePipelinesDeclares(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(dir.resolve("pipelines/sources.yaml"), """
                sources:
                  landing.taps:
                    s3: s3://${LakeBucket}/${Env}/landing/taps/date={date}/*.csv
                  landing.gates:
                    s3: s3://${LakeBucket}/${Envv}/landing/gates/date={date}/*.csv
                """);
        String pipelines = dir.resolve("pipelines").toString();
        Result none = run("validate", pipelines);
        assertEquals(pipelines + "/sources.yaml:3:9: unknown parameter '${Env}'; known parameters: LakeBucket (the lake bucket and the String"
                + " Parameters of the template.yaml beside the pipelines)\n", none.err().lines().findFirst().orElseThrow() + "\n", "without a template");
        Files.writeString(dir.resolve("template.yaml"), """
                Parameters:
                  Env: {Type: String, Default: dev}
                  Subnets: {Type: CommaDelimitedList}
                Resources:
                  LakeBucket: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "${Env}-lake"}}
                """);
        Result r = run("validate", pipelines);
        assertEquals(1, r.code(), r.err());
        assertEquals(pipelines + "/sources.yaml:5:9: unknown parameter '${Envv}'; did you mean 'Env'? Known parameters: Env, LakeBucket"
                + " (the lake bucket and the String Parameters of the template.yaml beside the pipelines)\n1 error in 1 file\n", r.err());
    }

    @Test
    void graphDrawsTheMetroGraphInMermaidAndDot() {
        Result mermaid = run("graph", PIPELINES, "--format", "mermaid");
        assertEquals(0, mermaid.code(), mermaid.err());
        assertTrue(mermaid.out().startsWith("flowchart LR\n"));
        assertTrue(mermaid.out().contains("  metro_db[(\"metro.db\")]\n"));
        assertTrue(mermaid.out().contains("  landing_taps[/\"landing.taps\"/]\n"));
        assertTrue(mermaid.out().contains("  landing_taps -->|core_trips| core_trips\n"));
        assertTrue(mermaid.out().contains("  core_trips -->|daily_ridership| mart_daily_ridership\n"));
        assertEquals(14, mermaid.out().lines().filter(l -> l.contains("-->")).count());

        Result dot = run("graph", PIPELINES, "--format", "dot");
        assertEquals(0, dot.code());
        assertTrue(dot.out().contains("  \"metro.db\" -> \"raw.taps\" [label=\"metro_snapshot\"];\n"));
        assertTrue(dot.out().endsWith("}\n"));
    }

    @Test
    void planShowsTriggersNextRunsAcrossTheDstChangeAndCodeVersions() {
        Result r = run("plan", PIPELINES);
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("station_directory  (../pipelines/station_directory.yaml)\n"), out);
        assertTrue(out.contains("\nmetro_snapshot  (../pipelines/metro_snapshot.yaml)\n"), out);
        // 2026-10-25 is the night Prague falls back from CEST to CET.
        assertTrue(out.contains("  next runs     2026-10-25 01:00 CEST, 2026-10-26 01:00 CET, 2026-10-27 01:00 CET\n"), out);
        assertTrue(out.contains("  trigger       when landing.taps | raw.stations\n"), out);
        assertTrue(out.contains("  trigger       lazily, to stay fresh by cron(0 9 * * ? *) Europe/Prague with lag 9h\n"), out);
        assertTrue(out.contains("public.taps -> raw.taps (incremental by tapped_at)"), out);
        assertTrue(out.matches("(?s).*  code version  [0-9a-f]{16}\n.*"), out);
    }

    @Test
    void planAsJsonIsMachineReadable() throws IOException {
        Result r = run("plan", PIPELINES, "--json", "--now", "2026-03-28T12:00:00Z");
        assertEquals(0, r.code(), r.err());
        JsonNode plan = new ObjectMapper().readTree(r.out());
        assertEquals(5, plan.get("pipelines").size());
        JsonNode snapshot = plan.get("pipelines").get(1);
        assertEquals("metro_snapshot", snapshot.get("pipeline").asText());
        // Spring forward on 2026-03-29: 01:00 is still CET that night.
        assertEquals("2026-03-29 01:00 CET", snapshot.get("next_runs").get(0).asText());
        assertEquals("2026-03-30 01:00 CEST", snapshot.get("next_runs").get(1).asText());
    }

    @Test
    void badUsageExits2() {
        assertEquals(2, run("graph", PIPELINES, "--format", "svg").code());
        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run().code());
        assertEquals(1, run("validate", "no/such/dir").code());
    }
}
