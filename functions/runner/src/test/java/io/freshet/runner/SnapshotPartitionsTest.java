package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.aws.JsonLog;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Request;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;
import io.freshet.state.protocol.FaultPoints;

/**
 * The metro snapshot's partitions over several nights, re-runs and faults, through the runner
 * against a real PostgreSQL, DynamoDB Local and S3: what each partition of {@code raw.taps}
 * (incremental) and {@code raw.stations} (full) holds, and what is refused.
 */
class SnapshotPartitionsTest {

    static final Project METRO = SnapshotRunTest.METRO;
    static final String PASSWORD = "Sup3rS3cretPassw0rd";

    static LocalDynamo dynamo;
    static LocalS3 s3;
    static TestLake lake;
    static LocalPostgres pg;
    static final AtomicInteger TABLES = new AtomicInteger();

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        s3.createBucket("lake");
        pg = LocalPostgres.start();
        lake = TestLake.on(pg, s3);
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

    MutableClock clock;
    StateStore store;
    List<String> announced;
    ByteArrayOutputStream logs;
    int runs;

    @BeforeEach
    void fresh() {
        pg.execute("""
                DROP TABLE IF EXISTS stations, routes, route_stations, passengers, taps;
                CREATE TABLE stations (station_id text PRIMARY KEY, name text NOT NULL, line text NOT NULL);
                CREATE TABLE routes (route_id text PRIMARY KEY, line text NOT NULL, direction text NOT NULL);
                CREATE TABLE route_stations (route_id text, stop_sequence int, station_id text, PRIMARY KEY (route_id, stop_sequence));
                CREATE TABLE passengers (card_id text PRIMARY KEY, fare_category text);
                CREATE TABLE taps (tap_id bigint PRIMARY KEY, card_id text, station_id text, direction text, tapped_at timestamptz NOT NULL);
                INSERT INTO stations VALUES ('s1', 'Muzeum', 'A');
                INSERT INTO routes VALUES ('A1', 'A', 'Depo Hostivař');
                INSERT INTO route_stations VALUES ('A1', 1, 's1');
                INSERT INTO passengers VALUES ('c1', 'student');
                """);
        String table = "partitions-" + TABLES.incrementAndGet();
        DynamoStateStore.createTable(dynamo.client(), table);
        clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z")); // 01:00 in Prague: the fire for 30 November
        store = new DynamoStateStore(dynamo.client(), table, clock);
        announced = new CopyOnWriteArrayList<>();
        logs = new ByteArrayOutputStream();
    }

    RunnerService runner(PgCredentials credentials, Duration lockTimeout) {
        return new RunnerService(METRO, store, new ObjectStore(s3.client()), TestLake.bus(announced, lake.publisher(METRO, store, "lake", announced, clock, FaultPoints.NONE)), "lake",
                new EngineSnapshotter(METRO, credentials, lockTimeout), clock,
                new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8), clock, Map.of()), tmp, FaultPoints.NONE);
    }

    RunnerService runner() {
        return runner(new PgCredentials(Map.of("FRESHET_PG_METRO_URL", pg.jdbcUrl(), "FRESHET_PG_METRO_USER", pg.user(),
                "FRESHET_PG_METRO_PASSWORD", pg.password()), arn -> {
                    throw new AssertionError("no Secrets Manager locally");
                }), Duration.ofSeconds(30));
    }

    /** A run of metro_snapshot for {@code partition}, as a tick (or, forced, as materialize --force) would create it. */
    Run run(String partition, boolean forced) {
        var view = store.consumers().view("metro_snapshot", partition);
        Request r = forced ? Request.manual("m" + (++runs), "metro_snapshot", partition, true, clock.instant())
                : Request.tick("metro_snapshot", clock.instant().plusSeconds(++runs));
        List<PendingEvent> consumed = List.of(r.asPending());
        return store.runs().tryCreate(view, Ids.run("metro_snapshot", partition, List.of(r.id())), consumed, r.describe()).orElseThrow();
    }

    void taps(int from, int to, String day) {
        pg.execute("INSERT INTO taps SELECT g, 'c1', 's1', 'in', timestamptz '" + day + " 08:00:00+01' + g * interval '1 second'"
                + " FROM generate_series(" + from + ", " + to + ") g");
    }

    /** The newest event of raw.taps/partition: its rows and watermark range. */
    Map<String, String> recorded(String asset, String partition) {
        return store.events().latest(asset, partition).orElseThrow().metadata();
    }

    @Test
    void aPartitionReadAgainHoldsTheSameRowsAndANeverTakenPastPartitionIsRefused() {
        RunnerService runner = runner();
        taps(1, 6000, "2026-11-30");
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-11-30", false).runId()));
        Map<String, String> nov30 = recorded("raw.taps", "2026-11-30");
        assertEquals("6000", nov30.get("rows"));
        assertEquals("", nov30.get("watermarkAfter"), "the first partition starts at the table's first row");
        assertEquals("2026-11-30 08:40:00+00", nov30.get("watermark"));

        clock.advance(Duration.ofDays(1));
        taps(6001, 6007, "2026-12-01");
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-12-01", false).runId()));
        Map<String, String> dec1 = recorded("raw.taps", "2026-12-01");
        assertEquals("7", dec1.get("rows"));
        assertEquals("2026-11-30 08:40:00+00", dec1.get("watermarkAfter"), "a new partition starts where the newest ended");

        // Later taps arrive, then both partitions are run again (a code change, a manual re-run): each holds exactly what it held.
        taps(6008, 6010, "2026-12-02");
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-11-30", true).runId()));
        assertEquals(Map.of("rows", "6000", "watermarkAfter", "", "watermark", "2026-11-30 08:40:00+00"), pick(recorded("raw.taps", "2026-11-30")),
                "not the three rows past the newest watermark: the partition's own range again");
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-12-01", false).runId()));
        assertEquals(pick(dec1), pick(recorded("raw.taps", "2026-12-01")));

        // A past night never taken: its taps went to later partitions. Refused, with the reason, not retried, nothing recorded.
        Run nov28 = run("2026-11-28", false);
        assertEquals(Optional.of(RunState.FAILED), runner.execute(nov28.runId()));
        Run failed = store.runs().run(nov28.runId()).orElseThrow();
        assertEquals(1, failed.attempt(), "a refusal is not retried: it would be refused again");
        String reason = failed.finishReason().orElseThrow();
        assertTrue(reason.contains("raw.taps/2026-11-28 was never snapshotted, and a later partition, 2026-12-01, already took the rows up to"), reason);
        assertTrue(reason.contains("raw.stations is a full snapshot") && reason.contains("--force"), reason);
        assertTrue(store.events().latest("raw.stations", "2026-11-28").isEmpty() && store.events().latest("raw.taps", "2026-11-28").isEmpty());

        // The next night continues where the newest partition ended: only the three new taps.
        clock.advance(Duration.ofDays(1));
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-12-02", false).runId()));
        assertEquals("3", recorded("raw.taps", "2026-12-02").get("rows"));
        assertEquals(dec1.get("watermark"), recorded("raw.taps", "2026-12-02").get("watermarkAfter"));
    }

    @Test
    void aFullSnapshotIsWrittenUnderAPastDateOnlyWhenForced() {
        RunnerService runner = runner();
        taps(1, 10, "2026-11-30");
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-11-30", false).runId()));
        pg.execute("INSERT INTO stations VALUES ('s2', 'Florenc', 'C')");
        clock.advance(Duration.ofDays(3));
        // A backfill of 30 November three days later: today's stations under that date, unless asked for knowingly.
        Run refused = run("2026-11-30", false);
        assertEquals(Optional.of(RunState.FAILED), runner.execute(refused.runId()));
        String reason = store.runs().run(refused.runId()).orElseThrow().finishReason().orElseThrow();
        assertTrue(reason.startsWith("snapshot refused: raw.stations is a full snapshot, which holds the table as it is now, not as it was during 2026-11-30"),
                reason);
        assertEquals("1", recorded("raw.stations", "2026-11-30").get("rows"), "the partition keeps what it held");

        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-11-30", true).runId()));
        assertEquals("2", recorded("raw.stations", "2026-11-30").get("rows"), "forced: today's table, as asked");
        assertEquals("10", recorded("raw.taps", "2026-11-30").get("rows"), "the incremental table still reads its own range");
    }

    @Test
    void anInfiniteWatermarkFailsTheRunInsteadOfStoppingEveryLaterSnapshot() {
        RunnerService runner = runner();
        taps(1, 5, "2026-11-30");
        pg.execute("INSERT INTO taps VALUES (99, 'c1', 's1', 'in', 'infinity')");
        Run night = run("2026-11-30", false);
        assertEquals(Optional.of(RunState.FAILED), runner.execute(night.runId()),
                "a permanent failure: the same data fails the same way, so it is not retried");
        String reason = store.runs().run(night.runId()).orElseThrow().finishReason().or(() -> Optional.of(logs.toString(StandardCharsets.UTF_8))).orElseThrow();
        String log = logs.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("\\\"public\\\".\\\"taps\\\": column \\\"tapped_at\\\": the watermark column holds 'infinity'"), log);
        assertTrue(store.events().latest("raw.taps", "2026-11-30").isEmpty(), "no watermark recorded: " + reason);

        pg.execute("UPDATE taps SET tapped_at = '2026-11-30 09:00:00+01' WHERE tap_id = 99");
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run("2026-11-30", false).runId()), "once corrected, the next run takes it");
        assertEquals("6", recorded("raw.taps", "2026-11-30").get("rows"));
    }

    @Test
    void aMigrationsLockFailsTheSnapshotWithinTheLockTimeoutAndItIsRetried() throws Exception {
        RunnerService runner = runner(new PgCredentials(Map.of("FRESHET_PG_METRO_URL", pg.jdbcUrl(), "FRESHET_PG_METRO_USER", pg.user(),
                "FRESHET_PG_METRO_PASSWORD", pg.password()), arn -> null), Duration.ofSeconds(1));
        Run night = run("2026-11-30", false);
        try (Connection migration = pg.connect(); Statement s = migration.createStatement()) {
            migration.setAutoCommit(false);
            s.execute("ALTER TABLE taps ADD COLUMN fare numeric(8,2)"); // holds ACCESS EXCLUSIVE until it commits
            long start = System.nanoTime();
            assertEquals(Optional.of(RunState.QUEUED), runner.execute(night.runId()));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(20)) < 0);
            String log = logs.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("TableLocked: \\\"public\\\".\\\"taps\\\": is locked by another session (a migration?) and was not released"
                    + " within lock_timeout 1s"), log);
            migration.commit();
        }
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(night.runId()));
        assertTrue(EngineSnapshotter.lockTimeout(Map.of()).equals(Duration.ofSeconds(30)));
        assertEquals(Duration.ofSeconds(5), EngineSnapshotter.lockTimeout(Map.of("FRESHET_SNAPSHOT_LOCK_TIMEOUT_SECONDS", "5")));
    }

    @Test
    void aMalformedSecretFailsTheRunWithoutItsContentAnywhere() {
        RunnerService runner = runner(new PgCredentials(Map.of("FRESHET_PG_SECRET_ARN", "arn:aws:secretsmanager:eu-central-1:1:secret:pg"),
                arn -> "{\"metro\": {\"host\": \"db\", \"username\": \"snap\", \"password\": " + PASSWORD + "}}"), Duration.ofSeconds(30));
        Run night = run("2026-11-30", false);
        runner.execute(night.runId());
        Run after = store.runs().run(night.runId()).orElseThrow();
        List<String> everywhere = new ArrayList<>(announced);
        everywhere.add(logs.toString(StandardCharsets.UTF_8));
        everywhere.add(after.toString());
        for (String s : everywhere) {
            assertFalse(s.contains(PASSWORD), s);
        }
        assertTrue(everywhere.stream().anyMatch(s -> s.contains("the PostgreSQL secret arn:aws:secretsmanager:eu-central-1:1:secret:pg cannot be used:"
                + " its value is not JSON")), everywhere.toString());
    }

    static Map<String, String> pick(Map<String, String> metadata) {
        Map<String, String> out = new HashMap<>();
        for (String k : List.of("rows", "watermarkAfter", "watermark")) {
            if (metadata.containsKey(k)) {
                out.put(k, metadata.get(k));
            }
        }
        return out;
    }
}
