package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.DAY;
import static io.freshet.publisher.PublisherWorld.RIDES;
import static io.freshet.publisher.PublisherWorld.STATIONS;
import static io.freshet.publisher.PublisherWorld.killAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.publisher.warehouse.WarehouseLoader;
import io.freshet.state.protocol.FaultPoints;

/**
 * The loads of one publication into one database are one PostgreSQL transaction: PostgreSQL
 * refusing the second rolls back the first (the run fails with neither table changed and no
 * marker); a publication killed after that commit finds every marker and writes nothing more; two
 * publications locking the same tables in opposite staged orders wait for each other, never
 * deadlock. Real PostgreSQL, a database of its own per test; {@code mart.rides} sorts before
 * {@code mart.stations}, so the merge into {@code mart.stations} is the second load.
 */
class WarehouseTransactionTest {

    static PublisherLake lake;

    @BeforeAll
    static void start() throws Exception {
        lake = WarehouseLake.start();
    }

    @AfterAll
    static void stop() throws Exception {
        lake.close();
    }

    /** Both outputs, in the staged order given: {@code rides} rides and {@code stations} as the stations' select. */
    static Map<String, String> outputs(int rides, String stations, boolean stationsFirst) {
        Map<String, String> selects = new LinkedHashMap<>();
        if (stationsFirst) {
            selects.put(STATIONS, stations);
        }
        selects.put(RIDES, PublisherWorld.rides(rides));
        selects.put(STATIONS, stations);
        return selects;
    }

    @Test
    void aDuplicateMergeKeyInTheSecondLoadRollsBackTheFirstAndTheRunFails() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run before = w.staged("before", 5);
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(before.runId()));
        List<String> rides = pg.rows("SELECT * FROM mart.rides ORDER BY ride_id");
        List<String> stations = pg.rows("SELECT * FROM mart.stations ORDER BY station_id");
        // st-0 twice: PostgreSQL refuses the merge (ON CONFLICT cannot affect a row twice), after mart.rides was replaced.
        String twice = "SELECT 'st-' || (i % 2) AS station_id, 'Again ' || i AS station_name, i::INTEGER AS zone FROM range(0, 3) t(i)";
        Run refused = w.staged("refused", outputs(8, twice, false));

        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(refused.runId()));

        String reason = w.store.runs().run(refused.runId()).orElseThrow().finishReason().orElseThrow();
        assertTrue(reason.contains("loading PostgreSQL table mart.stations failed") && reason.contains("SQLSTATE 21000")
                && reason.contains("rolled back with it, in the same transaction: mart.rides"), reason);
        assertEquals(rides, pg.rows("SELECT * FROM mart.rides ORDER BY ride_id"), "the first load rolled back with the second");
        assertEquals(5, rides.size());
        assertEquals(stations, pg.rows("SELECT * FROM mart.stations ORDER BY station_id"));
        assertEquals(List.of(before.runId() + "|2"), pg.rows("SELECT run_id, count(*) FROM freshet.loads GROUP BY run_id"),
                "no marker of the refused run");
        assertTrue(w.store.runs().recordedOutputs(refused.runId()).isEmpty(), "nothing recorded");
        assertEquals(2, w.announcements("Asset Updated").size(), "only the first run's outputs announced");
        assertTrue(w.commitsOf(RIDES, refused.runId(), 1).isEmpty(), "no lake table committed");
        assertEquals(1, w.announcements("Run Failed").size());
    }

    @Test
    void aConstraintRefusingTheSecondLoadLeavesNothingCreatedAndTheNextRunAfterTheFixLoadsBothOnce() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        // Zones 0 to 2 are staged: a CHECK constraint no staging check sees refuses zone 2.
        pg.execute("CREATE SCHEMA mart; CREATE TABLE mart.stations (station_id text PRIMARY KEY, station_name text,"
                + " zone integer CONSTRAINT small_zone CHECK (zone < 2), date date)");
        Run refused = w.staged("refused", 6);

        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(refused.runId()));

        String reason = w.store.runs().run(refused.runId()).orElseThrow().finishReason().orElseThrow();
        assertTrue(reason.contains("mart.stations") && reason.contains("SQLSTATE 23514"), reason);
        assertEquals(List.of("f|0|0"), pg.rows("SELECT to_regclass('mart.rides') IS NOT NULL, (SELECT count(*) FROM mart.stations),"
                + " (SELECT count(*) FROM freshet.loads)"), "the table the first load created is gone with it");
        assertTrue(w.store.runs().recordedOutputs(refused.runId()).isEmpty());

        pg.execute("ALTER TABLE mart.stations DROP CONSTRAINT small_zone");
        Run fixed = w.staged("fixed", 6);
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(fixed.runId()));

        assertEquals(List.of("6|210"), pg.rows("SELECT count(*), sum(fare_cents) FROM mart.rides WHERE date = DATE '" + DAY + "'"));
        assertEquals(List.of("st-0|Station 0", "st-1|Station 1", "st-2|Station 2"),
                pg.rows("SELECT station_id, station_name FROM mart.stations ORDER BY station_id"));
        assertEquals(List.of("core.rides|" + fixed.runId() + "|6", "core.stations|" + fixed.runId() + "|3"),
                pg.rows("SELECT asset, run_id, rows FROM freshet.loads ORDER BY asset"));
        assertEquals(2, w.announcements("Asset Updated").size());
    }

    @Test
    void killedAfterTheOneCommitBothTablesAreLoadedAndTheRetryWritesNothingMore() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        pg.execute("""
                CREATE SCHEMA mart;
                CREATE TABLE mart.rides (ride_id integer, station_id text, fare_cents bigint, date date);
                CREATE TABLE mart.stations (station_id text PRIMARY KEY, station_name text, zone integer, date date);
                CREATE TABLE public.inserted (tbl text PRIMARY KEY, rows bigint NOT NULL);
                INSERT INTO public.inserted VALUES ('rides', 0), ('stations', 0);
                CREATE FUNCTION public.count_insert() RETURNS trigger LANGUAGE plpgsql AS
                  'BEGIN UPDATE public.inserted SET rows = rows + 1 WHERE tbl = TG_TABLE_NAME; RETURN NEW; END';
                CREATE TRIGGER counted AFTER INSERT ON mart.rides FOR EACH ROW EXECUTE FUNCTION public.count_insert();
                CREATE TRIGGER counted AFTER INSERT ON mart.stations FOR EACH ROW EXECUTE FUNCTION public.count_insert()""");
        Run run = w.staged("killed", 6);

        assertThrows(FaultPoints.Killed.class, () -> w.publisher(killAt("after-load", 1), pg.credentials()).publish(run.runId()));
        assertEquals(List.of("rides|6", "stations|3"), pg.rows("SELECT tbl, rows FROM public.inserted ORDER BY tbl"),
                "both loads committed before the first after-load");
        assertEquals(List.of("2"), pg.rows("SELECT count(*) FROM freshet.loads"));

        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()));

        assertEquals(List.of("rides|6", "stations|3"), pg.rows("SELECT tbl, rows FROM public.inserted ORDER BY tbl"),
                "the retry wrote no row");
        assertEquals(List.of("6|210"), pg.rows("SELECT count(*), sum(fare_cents) FROM mart.rides"));
        assertEquals(List.of("3"), pg.rows("SELECT count(*) FROM mart.stations"));
        assertEquals(List.of("core.rides|" + run.runId() + "|1|6", "core.stations|" + run.runId() + "|1|3"),
                pg.rows("SELECT asset, run_id, attempt, rows FROM freshet.loads ORDER BY asset"));
        assertEquals(2, w.announcements("Asset Updated").size(), "each output announced once");
    }

    @Test
    void twoPublicationsOfTheSameTablesInOppositeOrdersWaitForEachOtherWithoutDeadlock() throws Exception {
        PublisherWorld a = lake.world();
        PublisherWorld b = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run ab = a.staged("rides-first", outputs(5, PublisherWorld.stations(), false));
        Run ba = b.staged("stations-first", outputs(7, PublisherWorld.stations(), true));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection holder = pg.connect(); Statement s = holder.createStatement()) {
            // Both tables' locks held, so both publications queue at their first lock before either proceeds.
            holder.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(hashtextextended('freshet-load mart.rides', 0)),"
                    + " pg_advisory_xact_lock(hashtextextended('freshet-load mart.stations', 0))");
            CompletableFuture<RunState> first = CompletableFuture.supplyAsync(
                    () -> a.publisher(FaultPoints.NONE, pg.credentials()).publish(ab.runId()), pool);
            CompletableFuture<RunState> second = CompletableFuture.supplyAsync(
                    () -> b.publisher(FaultPoints.NONE, pg.credentials()).publish(ba.runId()), pool);
            awaitWaiting(pg, "locktype = 'advisory' AND NOT granted", 2,
                    () -> "both publications wait for a lock; first " + outcome(first, a, ab) + ", second " + outcome(second, b, ba), first, second);
            holder.commit();

            assertEquals(RunState.SUCCEEDED, first.get(2, TimeUnit.MINUTES));
            assertEquals(RunState.SUCCEEDED, second.get(2, TimeUnit.MINUTES));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(ab.runId() + "|2", ba.runId() + "|2").stream().sorted().toList(),
                pg.rows("SELECT run_id, count(*) FROM freshet.loads GROUP BY run_id ORDER BY run_id"), "each publication's markers once");
        assertTrue(Set.of(List.of("5|150"), List.of("7|280")).contains(pg.rows("SELECT count(*), sum(fare_cents) FROM mart.rides")),
                "one publication's partition whole, the other's replaced by it");
        assertEquals(List.of("3"), pg.rows("SELECT count(*) FROM mart.stations"));
    }

    /**
     * Two publications into a fresh database create the markers' schema at the same moment. The one
     * whose {@code CREATE SCHEMA} loses (PostgreSQL waits for the other's commit, then reports a
     * unique violation) still creates the markers' table, which the other may not have created
     * yet, and loads.
     */
    @Test
    void aPublicationThatLosesTheRaceForTheMarkersSchemaStillCreatesTheMarkersTable() throws Exception {
        publishedWhileAnotherTransactionCreates(WarehouseLoader.MARKER_SCHEMA);
    }

    /**
     * Two publications of different tables of one new schema (no advisory lock in common) create
     * it at the same moment: the one that loses takes the schema the other made, rather than
     * failing the run on PostgreSQL's unique violation.
     */
    @Test
    void aPublicationThatLosesTheRaceForItsTablesSchemaLoadsIntoTheOnesSchema() throws Exception {
        publishedWhileAnotherTransactionCreates("mart");
    }

    /** A publication into a fresh database while another transaction has created {@code schema} and not committed: it must wait, then load. */
    private static void publishedWhileAnotherTransactionCreates(String schema) throws Exception {
        PublisherWorld a = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run run = a.staged("schema-race-" + schema, outputs(5, PublisherWorld.stations(), false));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = pg.connect(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("CREATE SCHEMA " + schema);
            CompletableFuture<RunState> published = CompletableFuture.supplyAsync(
                    () -> a.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()), pool);
            awaitWaiting(pg, "NOT granted", 1, () -> "the publication waits for the other's schema " + schema + "; it " + outcome(published, a, run), published);
            other.commit();
            assertEquals(RunState.SUCCEEDED, published.get(2, TimeUnit.MINUTES));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(run.runId() + "|2"), pg.rows("SELECT run_id, count(*) FROM freshet.loads GROUP BY run_id"));
        assertEquals(List.of("5|3"), pg.rows("SELECT (SELECT count(*) FROM mart.rides), (SELECT count(*) FROM mart.stations)"));
    }

    /**
     * Waits (up to 2 minutes) until {@code count} rows of {@code pg_locks} match {@code waiting} (a
     * condition on locks not granted), failing with {@code state} as soon as one of
     * {@code publications} has ended.
     */
    private static void awaitWaiting(WarehouseLake.Reporting pg, String waiting, int count, Supplier<String> state,
                                     CompletableFuture<?>... publications) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofMinutes(2));
        while (pg.count("SELECT count(*) FROM pg_locks WHERE " + waiting) < count) {
            assertTrue(Instant.now().isBefore(until) && Arrays.stream(publications).noneMatch(CompletableFuture::isDone), state);
            Thread.sleep(50);
        }
    }

    /** What a publication came to, for a failure's message: a run that failed with its reason. */
    private static String outcome(CompletableFuture<RunState> f, PublisherWorld world, Run run) {
        if (!f.isDone()) {
            return "still waiting";
        }
        try {
            return "ended " + f.join() + world.store.runs().run(run.runId()).map(r -> " (" + r.reason() + ")").orElse("");
        } catch (RuntimeException e) {
            return "failed: " + e.getCause();
        }
    }
}
