package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.pg.PgCredentials;
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
import io.freshet.engine.snapshot.PostgresInputs;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;

/**
 * PostgreSQL tables and queries as inputs of a SQL step, end to end on DynamoDB Local, S3Proxy, a
 * real PostgreSQL, DuckDB and the lake's publisher: the step joins a lake export with the
 * operational stations table and the day's taps (a query bounded by the partition), a SQL check
 * reads the table's view too, the published object holds exactly the partition's rows, and a run
 * reading a database is never skipped as "inputs unchanged".
 */
class PostgresInputRunTest {

    static final String LAKE = "lake";

    static LocalDynamo dynamo;
    static LocalS3 s3;
    static LocalPostgres pg;
    static TestLake lake;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        s3.createBucket(LAKE);
        pg = LocalPostgres.start();
        lake = TestLake.on(pg, s3);
        pg.execute("""
                CREATE TABLE stations (station_id int PRIMARY KEY, name text NOT NULL);
                CREATE TABLE taps (tap_id bigint PRIMARY KEY, station_id int NOT NULL, tapped_at timestamptz NOT NULL);
                INSERT INTO stations VALUES (1, 'Můstek'), (2, 'Muzeum'), (3, 'Florenc');
                INSERT INTO taps VALUES
                  (1, 1, '2026-05-25 23:59:59+02'),
                  (2, 1, '2026-05-26 00:00:00+02'),
                  (3, 1, '2026-05-26 12:00:00+02'),
                  (4, 2, '2026-05-26 23:59:59+02'),
                  (5, 2, '2026-05-27 00:00:00+02');
                """);
    }

    @AfterAll
    static void stop() {
        lake.close();
        pg.close();
        s3.close();
        dynamo.close();
    }

    Project project() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pipelines"));
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.gates:
                    s3: s3://${LakeBucket}/landing/gates/date={date}/
                    format: csv
                  metro.stations:
                    postgres: { connection: metro, table: public.stations }
                  metro.day_taps:
                    postgres:
                      connection: metro
                      query: |
                        SELECT station_id, tap_id FROM taps
                        WHERE tapped_at >= {partition_start} AND tapped_at < {partition_end}
                """);
        Files.writeString(dir.resolve("station_day.yaml"), """
                pipeline: station_day
                inputs: [landing.gates, metro.stations, metro.day_taps]
                partitions: { grain: daily, timezone: Europe/Prague }
                outputs:
                  core.station_day: s3://${LakeBucket}/core/station_day/date={date}/
                trigger:
                  condition: landing.gates
                steps:
                  - sql:
                      output: core.station_day
                      query: |
                        SELECT s.name, g.gates, count(t.tap_id) AS taps
                        FROM landing.gates g JOIN metro.stations s USING (station_id)
                        LEFT JOIN metro.day_taps t USING (station_id)
                        GROUP BY s.name, g.gates
                checks:
                  - sql:
                      name: every_station_known
                      query: SELECT * FROM core.station_day WHERE name NOT IN (SELECT name FROM metro.stations)
                """);
        return ProjectLoader.load(dir).orThrow();
    }

    @Test
    void aSqlStepJoinsLakeDataWithATableAndThePartitionsRowsOfAQuery() throws Exception {
        DynamoStateStore.createTable(dynamo.client(), "pg-inputs");
        MutableClock clock = new MutableClock(Instant.parse("2026-05-27T09:00:00Z"));
        StateStore store = new DynamoStateStore(dynamo.client(), "pg-inputs", clock);
        ObjectStore objects = new ObjectStore(s3.client());
        List<String> announced = new CopyOnWriteArrayList<>();
        Project project = project();
        PgCredentials credentials = new PgCredentials(Map.of("FRESHET_PG_METRO_URL", pg.jdbcUrl(),
                "FRESHET_PG_METRO_USER", pg.user(), "FRESHET_PG_METRO_PASSWORD", pg.password()), arn -> {
                    throw new AssertionError("no Secrets Manager locally");
                });
        RunnerService runner = new RunnerService(project, store, objects,
                TestLake.bus(announced, lake.publisher(project, store, LAKE, announced, clock, FaultPoints.NONE)), LAKE,
                new EngineSnapshotter(project, credentials), clock,
                new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of()), tmp.resolve("scratch"), FaultPoints.NONE);
        Path gates = tmp.resolve("gates.csv");
        Files.writeString(gates, "station_id,gates\n1,4\n2,6\n");
        AssetEvent e = RunnerFixtures.source(objects, store, clock, LAKE, "landing.gates", "2026-05-26", gates);

        Run first = store.runs().tryCreate(store.consumers().view("station_day", "2026-05-26"), Ids.run("station_day", "2026-05-26", List.of(e.eventId())),
                List.of(new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())), "test").orElseThrow();
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(first.runId()), announced.toString());

        assertEquals(List.of("Muzeum|6|1", "Můstek|4|2"), published(objects, announced, "first"),
                "taps 2 and 3 of Můstek and 4 of Muzeum: the Prague day, not the one before or after");

        Map<String, String> firstInputs = store.runs().lastSucceededInputs("station_day", "2026-05-26", SkipDecision.CODE_VERSION_KEY).orElseThrow();
        assertEquals(RunInputs.DATABASE_VERSION_PREFIX + first.runId(), firstInputs.get("metro.day_taps"), firstInputs.toString());

        // The same lake data again, a station renamed in the database: the run is not "unchanged".
        clock.advance(Duration.ofMinutes(5));
        pg.execute("UPDATE stations SET name = 'Muzeum A' WHERE station_id = 2");
        announced.clear();
        Run second = store.runs().tryCreate(store.consumers().view("station_day", "2026-05-26"), Ids.run("station_day", "2026-05-26", List.of("manual@1")),
                List.of(), "test").orElseThrow();
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(second.runId()), announced.toString());
        assertEquals(List.of("Muzeum A|6|1", "Můstek|4|2"), published(objects, announced, "second"));
        Map<String, String> recorded = store.runs().lastSucceededInputs("station_day", "2026-05-26", SkipDecision.CODE_VERSION_KEY).orElseThrow();
        assertEquals(RunInputs.DATABASE_VERSION_PREFIX + second.runId(), recorded.get("metro.stations"), recorded.toString());
        assertEquals(RunInputs.DATABASE_VERSION_PREFIX + second.runId(), recorded.get("metro.day_taps"), recorded.toString());
    }

    /** A slow query is bounded by the attempt's time, as a snapshot is: a transient failure, well before the query would end. */
    @Test
    void aSlowQueryEndsWhenTheAttemptsTimeIsUp() throws Exception {
        Project project = project();
        EngineSnapshotter snapshotter = new EngineSnapshotter(project, new PgCredentials(Map.of("FRESHET_PG_METRO_URL", pg.jdbcUrl(),
                "FRESHET_PG_METRO_USER", pg.user(), "FRESHET_PG_METRO_PASSWORD", pg.password()), arn -> {
                    throw new AssertionError("no Secrets Manager locally");
                }));
        long started = System.nanoTime();
        RuntimeException e = assertThrows(RuntimeException.class, () -> snapshotter.readInputs("metro",
                List.of(new PostgresInputs.Query("SELECT 1 AS x FROM pg_sleep(60)", Map.of(), "metro.slow")), "UTC", tmp.resolve("slow"),
                Duration.ofSeconds(2), stop -> { }));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "bounded by the time given: " + took);
        assertTrue(FailureKind.of(e) instanceof FailureKind.Transient, e.toString());
    }

    static List<JsonNode> updated(List<String> announced) {
        return announced.stream().filter(a -> a.startsWith(EventJson.ASSET_UPDATED + " "))
                .map(a -> EventJson.read(a.substring(EventJson.ASSET_UPDATED.length() + 1))).toList();
    }

    List<String> published(ObjectStore objects, List<String> announced, String name) throws Exception {
        List<JsonNode> updated = updated(announced);
        assertEquals(1, updated.size());
        String uri = updated.get(0).get("objects").get(0).asText().substring(("s3://" + LAKE + "/").length());
        Path local = tmp.resolve(name + ".parquet");
        objects.get(LAKE, uri, local);
        List<String> rows = new ArrayList<>();
        try (var db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, gates, taps FROM read_parquet('" + local + "') ORDER BY name")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getLong(3));
            }
        }
        return rows;
    }
}
