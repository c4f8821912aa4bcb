package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.testkit.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;
import io.freshet.state.protocol.FaultPoints;

/**
 * The metro snapshot pipeline through the runner, against a real PostgreSQL: five tables from
 * one consistent snapshot to Parquet in S3, checked and announced; the next night's run reads
 * only the taps past the watermark the first run recorded.
 */
class SnapshotRunTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();

    static LocalDynamo dynamo;
    static LocalS3 s3;
    static TestLake lake;
    static LocalPostgres pg;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        s3.createBucket("lake");
        pg = LocalPostgres.start();
        lake = TestLake.on(pg, s3);
        pg.execute("""
                CREATE TABLE stations (station_id text PRIMARY KEY, name text NOT NULL, line text NOT NULL);
                CREATE TABLE routes (route_id text PRIMARY KEY, line text NOT NULL, direction text NOT NULL);
                CREATE TABLE route_stations (route_id text, stop_sequence int, station_id text, PRIMARY KEY (route_id, stop_sequence));
                CREATE TABLE passengers (card_id text PRIMARY KEY, fare_category text);
                CREATE TABLE taps (tap_id bigint PRIMARY KEY, card_id text, station_id text, direction text, tapped_at timestamptz NOT NULL);
                INSERT INTO stations VALUES ('s1', 'Muzeum', 'A'), ('s2', 'Můstek', 'B'), ('s3', 'Florenc', 'C');
                INSERT INTO routes VALUES ('A1', 'A', 'Depo Hostivař'), ('B1', 'B', 'Černý Most');
                INSERT INTO route_stations VALUES ('A1', 1, 's1'), ('A1', 2, 's2'), ('B1', 1, 's2'), ('B1', 2, 's3');
                INSERT INTO passengers VALUES ('c1', 'student'), ('c2', NULL);
                INSERT INTO taps VALUES (1, 'c1', 's1', 'in', '2026-05-25 08:00:00+02'), (2, 'c1', 's2', 'out', '2026-05-25 08:20:00+02');
                """);
    }

    @AfterAll
    static void stop() {
        pg.close();
        lake.close();
        s3.close();
        dynamo.close();
    }

    @TempDir
    Path tmp;

    @Test
    void theNightlySnapshotPublishesFiveTablesAndTheNextNightOnlyNewTaps() throws Exception {
        DynamoStateStore.createTable(dynamo.client(), "snapshots");
        MutableClock clock = new MutableClock(Instant.parse("2026-05-26T23:00:00Z"));
        StateStore store = new DynamoStateStore(dynamo.client(), "snapshots", clock);
        ObjectStore objects = new ObjectStore(s3.client());
        List<String> announced = new CopyOnWriteArrayList<>();
        PgCredentials credentials = new PgCredentials(Map.of("FRESHET_PG_METRO_URL", pg.jdbcUrl(),
                "FRESHET_PG_METRO_USER", pg.user(), "FRESHET_PG_METRO_PASSWORD", pg.password()), arn -> {
                    throw new AssertionError("no Secrets Manager locally");
                });
        RunnerService runner = new RunnerService(METRO, store, objects, TestLake.bus(announced, lake.publisher(METRO, store, "lake", announced, clock, FaultPoints.NONE)), "lake",
                new EngineSnapshotter(METRO, credentials), clock,
                new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of()), tmp, FaultPoints.NONE);

        Run first = nightly(store, "2026-05-27", clock);
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(first.runId()));
        List<JsonNode> events = updated(announced);
        assertEquals(List.of("raw.passengers", "raw.route_stations", "raw.routes", "raw.stations", "raw.taps"),
                events.stream().map(e -> e.get("asset").asText()).sorted().toList());
        JsonNode stations = events.stream().filter(e -> e.get("asset").asText().equals("raw.stations")).findFirst().orElseThrow();
        assertEquals("3", stations.get("metadata").get("rows").asText());
        assertTrue(stations.get("metadata").has("schemaHash"));
        assertEquals(List.of("Florenc", "Muzeum", "Můstek"), names(objects, stations, tmp.resolve("stations.parquet")));
        JsonNode taps = events.stream().filter(e -> e.get("asset").asText().equals("raw.taps")).findFirst().orElseThrow();
        assertEquals("2", taps.get("metadata").get("rows").asText());
        assertTrue(taps.get("metadata").get("watermark").asText().startsWith("2026-05-25"), taps.toString());

        // A day of new taps; the next night's snapshot reads only those.
        pg.execute("INSERT INTO taps VALUES (3, 'c2', 's2', 'in', '2026-05-26 17:00:00+02'), (4, 'c2', 's3', 'out', '2026-05-26 17:09:00+02')");
        announced.clear();
        clock.advance(Duration.ofDays(1));
        Run second = nightly(store, "2026-05-28", clock);
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(second.runId()));
        JsonNode newTaps = updated(announced).stream().filter(e -> e.get("asset").asText().equals("raw.taps")).findFirst().orElseThrow();
        assertEquals("2", newTaps.get("metadata").get("rows").asText(), "only the two taps past the watermark");
        assertTrue(newTaps.get("metadata").get("watermark").asText().startsWith("2026-05-26"), newTaps.toString());
    }

    static Run nightly(StateStore store, String partition, Clock clock) {
        var view = store.consumers().view("metro_snapshot", partition);
        return store.runs().tryCreate(view, Ids.run("metro_snapshot", partition, List.of("tick@" + clock.instant())), List.of(), "cron tick").orElseThrow();
    }

    static List<JsonNode> updated(List<String> announced) {
        return announced.stream().filter(a -> a.startsWith(EventJson.ASSET_UPDATED + " "))
                .map(a -> EventJson.read(a.substring(EventJson.ASSET_UPDATED.length() + 1))).toList();
    }

    static List<String> names(ObjectStore objects, JsonNode event, Path local) throws Exception {
        String uri = event.get("objects").get(0).asText();
        objects.get("lake", uri.substring("s3://lake/".length()), local);
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM read_parquet('" + local + "') ORDER BY name")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
