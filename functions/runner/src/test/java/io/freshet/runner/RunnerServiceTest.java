package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.freshet.lineage.HttpSink;
import io.openlineage.client.OpenLineageClientUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Request;
import io.freshet.runner.RunnerTestStack.World;
import io.freshet.lineage.OpenLineageSchema;
import io.freshet.lineage.RunLineage;
import io.freshet.state.protocol.FaultPoints;

/**
 * The runner on real DuckDB, DynamoDB Local and S3Proxy, with the metro pipelines: a run of
 * core_trips reads exactly the consumed tap export, publishes once, fails on a blocking check
 * without publishing, skips an unchanged re-run, and survives being killed mid-way.
 */
class RunnerServiceTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();

    @RegisterExtension
    static final RunnerTestStack STACK = new RunnerTestStack();

    final World world = STACK.metroWorld(Instant.parse("2026-05-26T09:00:00Z"), "('c1','student'), ('c2','senior')");

    RunnerService runner(FaultPoints faults) {
        return world.runner(METRO, faults);
    }

    /** The runner and its publisher both emitting OpenLineage events to {@code lineage}, as on AWS both send them to the bus. */
    RunnerService runner(FaultPoints faults, RunLineage lineage) {
        return world.runner(METRO, faults, lineage);
    }

    Path taps(String name, String rows) throws IOException {
        Path f = world.tmp().resolve(name);
        Files.writeString(f, "tap_id,card_id,station_id,direction,tapped_at\n" + rows);
        return f;
    }

    /** A run consuming {@code events}, created as the trigger creates it. */
    Run runOf(String partition, AssetEvent... events) {
        var view = world.store().consumers().view("core_trips", partition);
        List<PendingEvent> consumed = Arrays.stream(events).map(e -> new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())).toList();
        List<String> idParts = new ArrayList<>(consumed.stream().map(PendingEvent::eventId).toList());
        idParts.add("@" + world.clock().instant()); // a re-run of the same events is a new run
        return world.store().runs().tryCreate(view, Ids.run("core_trips", partition, idParts), consumed, "test").orElseThrow();
    }

    static final String GOOD = "1,c1,s1,in,2026-05-26 08:00:00\n2,c1,s2,out,2026-05-26 08:20:00\n3,c2,s2,in,2026-05-26 08:30:00\n4,c2,s1,out,2026-05-26 08:41:00\n";

    @Test
    void aRunReadsExactlyItsEventsAndPublishesOnceUnderRunScopedKeys() throws Exception {
        AssetEvent export = world.source("landing.taps", "2026-05-26", taps("taps-0800.csv", GOOD));
        world.source("landing.taps", "2026-05-26", taps("taps-0900.csv", "9,c9,s1,in,2026-05-26 09:00:00\n9,c9,s2,out,2026-05-26 09:10:00\n"));
        Run run = runOf("2026-05-26", export);

        assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE).execute(run.runId()));

        List<JsonNode> updated = world.announcements(EventJson.ASSET_UPDATED);
        assertEquals(1, updated.size());
        JsonNode e = updated.get(0);
        assertEquals("core.trips", e.get("asset").asText());
        assertEquals("2", e.get("metadata").get("rows").asText(), "two journeys in the consumed export; the 09:00 file was not consumed");
        String object = e.get("objects").get(0).asText();
        assertEquals("s3://lake/core/trips/date=2026-05-26/" + run.runId() + "-1.parquet", object);
        assertTrue(e.get("metadata").get("table").asText().endsWith(".core_trips"), e.toString());
        assertTrue(e.get("metadata").get("metadata_location").asText().startsWith("s3://lake/core/trips/metadata/"), e.toString());
        assertTrue(e.get("metadata").get("snapshot").asLong() != 0, e.toString());
        assertEquals(METRO.codeVersion("core_trips"), e.get("codeVersion").asText());
        assertEquals("passed", e.get("metadata").get("check.unique_trip_id").asText());
        assertEquals(1, world.announcements(EventJson.RUN_SUCCEEDED).size());
        assertEquals(RunState.SUCCEEDED, world.store().runs().run(run.runId()).orElseThrow().state());

        // A redelivered Run Requested does nothing.
        assertEquals(Optional.empty(), runner(FaultPoints.NONE).execute(run.runId()));
        assertEquals(1, world.announcements(EventJson.ASSET_UPDATED).size());
    }

    @Test
    void eachAttemptEmitsOpenLineageStartThenCompleteOrFailValidAgainstTheSpec() throws Exception {
        List<String> lineage = new CopyOnWriteArrayList<>();
        RunLineage toList = new RunLineage("freshet-test", List.of(lineage::add), null);
        AssetEvent export = world.source("landing.taps", "2026-05-26", taps("taps-0800.csv", GOOD));
        Run run = runOf("2026-05-26", export);
        assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE, toList).execute(run.runId()));

        // A run that fails its blocking check: START, then FAIL with the reason.
        world.source("raw.passengers", "2026-05-26", world.parquet("SELECT * FROM (VALUES ('c1','pirate')) t(card_id, fare_category)"));
        Run bad = runOf("2026-05-26", world.source("landing.taps", "2026-05-26", taps("taps-0815.csv", GOOD.replace("1,c1", "11,c1"))));
        assertEquals(Optional.of(RunState.FAILED), runner(FaultPoints.NONE, toList).execute(bad.runId()));

        List<JsonNode> events = lineage.stream().map(EventJson::read).toList();
        // START from the runner; COMPLETE from the publisher once the tables hold the outputs (the runner emits none at staging).
        assertEquals(List.of("START", "COMPLETE", "START", "FAIL"), events.stream().map(e -> e.get("eventType").asText()).toList());
        for (JsonNode e : events) {
            assertEquals(Set.of(), OpenLineageSchema.violations(e), e.toString());
            // The client's own model reads it back: what Marquez or DataZone would parse.
            OpenLineageClientUtils.runEventFromJson(e.toString());
            assertEquals("freshet-test", e.at("/job/namespace").asText());
            assertEquals("core_trips", e.at("/job/name").asText());
            assertTrue(e.at("/run/facets/nominalTime/nominalStartTime").asText().startsWith("2026-05-26T00:00:00"), e.toString());
        }
        JsonNode complete = events.get(1);
        assertEquals(RunLineage.runUuid(run.runId(), 1).toString(), complete.at("/run/runId").asText());
        assertEquals(events.get(0).at("/run/runId"), complete.at("/run/runId"), "START and COMPLETE are one run");
        assertEquals(List.of("test/landing.taps/2026-05-26", "test/raw.passengers/2026-05-25", "test/raw.stations/2026-05-25"),
                names(complete.get("inputs")));
        assertEquals(1, complete.get("outputs").size(), complete.toString());
        JsonNode out = complete.get("outputs").get(0);
        AssetEvent recorded = world.store().events().latest("core.trips", "2026-05-26").orElseThrow();
        assertEquals("s3://lake", out.get("namespace").asText(), "a publisher not told its catalog names the table by its location");
        assertEquals("core/trips", out.get("name").asText(), "the table, not the partition");
        assertEquals(2, out.at("/outputFacets/outputStatistics/rowCount").asLong());
        assertEquals(recorded.metadata().get(TableMetadata.SNAPSHOT), out.at("/facets/version/datasetVersion").asText(),
                "the version is the snapshot the publisher committed");
        assertTrue(out.at("/facets/schema/fields").size() > 0, "the table's columns: " + out);
        JsonNode fail = events.get(3);
        assertEquals(0, fail.get("outputs").size());
        assertTrue(fail.at("/run/facets/errorMessage/message").asText().contains("accepted_values_fare_category"), fail.toString());
    }

    @Test
    void openLineageGoesToAnHttpEndpointAsMarquezExpectsAndAFailingEndpointDoesNotFailTheRun() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger status = new AtomicInteger(201);
        server.createContext("/api/v1/lineage", x -> {
            bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + " " + x.getRequestHeaders().getFirst("Content-Type"));
            x.sendResponseHeaders(status.get(), -1);
            x.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            RunLineage http = new RunLineage("freshet", List.of(new HttpSink(url)),
                    new JsonLog(new PrintStream(OutputStream.nullOutputStream()), world.clock(), Map.of()));
            AssetEvent export = world.source("landing.taps", "2026-05-26", taps("taps-0800.csv", GOOD));
            assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE, http).execute(runOf("2026-05-26", export).runId()));
            assertEquals(2, bodies.size());
            assertTrue(bodies.get(0).contains("\"eventType\":\"START\"") && bodies.get(0).endsWith(" application/json"), bodies.get(0));
            assertTrue(bodies.get(1).contains("\"eventType\":\"COMPLETE\""), bodies.get(1));

            status.set(500); // the lineage server is down: the run still succeeds
            world.clock().advance(Duration.ofMinutes(1));
            AssetEvent next = world.source("landing.taps", "2026-05-26", taps("taps-0900.csv", GOOD.replace("1,c1", "21,c1")));
            assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE, http).execute(runOf("2026-05-26", next).runId()));
        } finally {
            server.stop(0);
        }
    }

    static List<String> names(JsonNode datasets) {
        List<String> out = new ArrayList<>();
        datasets.forEach(d -> out.add(d.get("name").asText()));
        return out.stream().sorted().toList();
    }

    @Test
    void anUnchangedReRunIsSkippedAndPublishesNoAssetEvent() throws Exception {
        AssetEvent export = world.source("landing.taps", "2026-05-26", taps("taps-0800.csv", GOOD));
        assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE).execute(runOf("2026-05-26", export).runId()));
        world.clock().advance(Duration.ofMinutes(5));
        // Asked again by hand (freshet materialize), nothing new: the event was consumed once, and
        // a run consumes it only once (its marker is there), so the re-run consumes the request.
        PendingEvent request = Request.manual("again", "core_trips", "2026-05-26", world.clock().instant()).asPending();
        Run again = world.store().runs().tryCreate(world.store().consumers().view("core_trips", "2026-05-26"), "run-again",
                List.of(request), "test").orElseThrow();
        assertEquals(Optional.of(RunState.SKIPPED), runner(FaultPoints.NONE).execute(again.runId()));
        assertEquals(1, world.announcements(EventJson.ASSET_UPDATED).size());
        assertEquals(1, world.announcements(EventJson.RUN_SKIPPED).size());
    }

    @Test
    void aFailingBlockingCheckPublishesNothing() throws Exception {
        // A new passengers snapshot brings a fare category outside the accepted ones: that check is blocking.
        world.source("raw.passengers", "2026-05-26", world.parquet("SELECT * FROM (VALUES ('c1','pirate'), ('c2','senior')) t(card_id, fare_category)"));
        AssetEvent export = world.source("landing.taps", "2026-05-26", taps("taps-0800.csv", GOOD));
        Run run = runOf("2026-05-26", export);
        assertEquals(Optional.of(RunState.FAILED), runner(FaultPoints.NONE).execute(run.runId()));
        assertEquals(List.of(), world.announcements(EventJson.ASSET_UPDATED));
        assertEquals(List.of(), world.store().events().history("core.trips", "2026-05-26"));
        JsonNode failed = world.announcements(EventJson.RUN_FAILED).get(0);
        assertTrue(failed.get("reason").asText().contains("accepted_values_fare_category: 1 row(s) with fare_category outside [adult, student, senior, child]"),
                failed.toString());
        assertEquals(1, world.announcements("Asset Check Failed").stream().filter(c -> c.get("check").asText().equals("accepted_values_fare_category")).count());
        assertEquals(RunState.FAILED, world.store().runs().run(run.runId()).orElseThrow().state());
    }

    @Test
    void aRunKilledMidWayPublishesNothingAndItsRetryPublishesOnce() throws Exception {
        for (String point : List.of("after-step", "after-upload")) {
            world.announced().clear();
            world.clock().advance(Duration.ofHours(1));
            AssetEvent export = world.source("landing.taps", "2026-05-26", taps("taps-" + point + ".csv", GOOD.replace("1,c1", "1" + point.length() + ",c1")));
            Run run = runOf("2026-05-26", export);
            RunnerService killed = runner(p -> {
                if (p.equals(point)) throw new FaultPoints.Killed(p);
            });
            assertThrows(FaultPoints.Killed.class, () -> killed.execute(run.runId()));
            assertEquals(List.of(), world.announcements(EventJson.ASSET_UPDATED), "killed " + point + ": nothing announced");
            // EventBridge redelivers at once: the killed attempt still holds its lease.
            assertEquals(Optional.empty(), runner(FaultPoints.NONE).execute(run.runId()));
            // Once the lease runs out, the retry takes over under the same run id.
            world.clock().advance(METRO.pipeline("core_trips").orElseThrow().timeout().plus(Duration.ofMinutes(2)));
            assertEquals(Optional.of(RunState.SUCCEEDED), runner(FaultPoints.NONE).execute(run.runId()), point);
            List<JsonNode> updated = world.announcements(EventJson.ASSET_UPDATED);
            assertEquals(1, updated.size(), "killed " + point + ": published once");
            String object = updated.get(0).get("objects").get(0).asText();
            String key = object.substring("s3://lake/".length());
            assertTrue(world.objects().exists(RunnerTestStack.LAKE, key), "the event points at complete data: " + object);
            assertEquals(1, world.store().events().history("core.trips", "2026-05-26").stream().filter(e -> e.producer().id().equals(run.runId())).count());
        }
    }

    /** A clock tests move by hand. */
}
