package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.DAY;
import static io.freshet.publisher.PublisherWorld.killAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;

/**
 * Loads into PostgreSQL under crashes and readers: a publication killed right after a PostgreSQL
 * commit ({@code after-load}), after the Iceberg commit that follows it ({@code after-commit}) or
 * after recording ({@code after-record}) and retried ends as a clean run, each row written once
 * (an insert trigger counts every row the table ever received); a reader polling the partition
 * while it is replaced sees the old partition or the new, never part of either.
 */
class WarehouseRetryTest {

    static PublisherLake lake;

    @BeforeAll
    static void start() throws Exception {
        lake = WarehouseLake.start();
    }

    @AfterAll
    static void stop() throws Exception {
        lake.close();
    }

    /** The table created as the publisher would, with a trigger counting every row ever inserted. */
    static void countInserts(WarehouseLake.Reporting pg) {
        pg.execute("""
                CREATE SCHEMA mart;
                CREATE TABLE mart.rides (ride_id integer, station_id text, fare_cents bigint, date date);
                CREATE TABLE public.inserted (rows bigint NOT NULL);
                INSERT INTO public.inserted VALUES (0);
                CREATE FUNCTION public.count_insert() RETURNS trigger LANGUAGE plpgsql AS
                  'BEGIN UPDATE public.inserted SET rows = rows + 1; RETURN NEW; END';
                CREATE TRIGGER counted AFTER INSERT ON mart.rides FOR EACH ROW EXECUTE FUNCTION public.count_insert()""");
    }

    void killedThenRetriedLoadsOnce(String point, int nth) {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        countInserts(pg);
        Run run = w.staged("killed-" + point, 6);

        assertThrows(FaultPoints.Killed.class, () -> w.publisher(killAt(point, nth), pg.credentials()).publish(run.runId()));
        assertEquals(RunState.PUBLISHING, w.store.runs().run(run.runId()).orElseThrow().state());
        assertEquals(List.of("6"), pg.rows("SELECT count(*) FROM mart.rides"), "the load committed before the kill");

        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(run.runId()));

        assertEquals(List.of("1|st-1|10|2026-11-20", "2|st-2|20|2026-11-20", "3|st-0|30|2026-11-20", "4|st-1|40|2026-11-20",
                "5|st-2|50|2026-11-20", "6|st-0|60|2026-11-20"), pg.rows("SELECT * FROM mart.rides ORDER BY ride_id"));
        assertEquals(List.of("6"), pg.rows("SELECT rows FROM public.inserted"), "every row inserted once, however often published");
        assertEquals(List.of("core.rides|" + run.runId() + "|1|6", "core.stations|" + run.runId() + "|1|3"),
                pg.rows("SELECT asset, run_id, attempt, rows FROM freshet.loads ORDER BY asset"));
        assertEquals(2, w.store.runs().recordedOutputs(run.runId()).orElseThrow().size());
        assertEquals(2, w.announcements("Asset Updated").size(), "each output announced once");
    }

    @Test
    void killedRightAfterThePostgresCommitTheRetryFindsItsLoad() {
        killedThenRetriedLoadsOnce("after-load", 1);
    }

    @Test
    void killedAfterTheLakeCommitTheRetryLoadsNothingAgain() {
        killedThenRetriedLoadsOnce("after-commit", 2);
    }

    @Test
    void killedAfterRecordingTheRetryOnlyAnnounces() {
        killedThenRetriedLoadsOnce("after-record", 1);
    }

    @Test
    void aReaderSeesTheOldPartitionOrTheNewNeverHalf() throws Exception {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        Run old = w.staged("old", 100_000);
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(old.runId()));
        Run replacing = w.staged("new", 150_000);
        String oldState = "100000|" + 10L * 100_000 * 100_001 / 2;
        String newState = "150000|" + 10L * 150_000 * 150_001 / 2;

        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger readsDuring = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                while (publishing.get()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*), sum(fare_cents) FROM mart.rides WHERE date = DATE '" + DAY + "'")) {
                        rs.next();
                        seen.add(rs.getLong(1) + "|" + rs.getLong(2));
                        readsDuring.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                seen.add("reader failed: " + e);
            }
        });
        reader.start();
        try {
            assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, pg.credentials()).publish(replacing.runId()));
        } finally {
            publishing.set(false);
            reader.join();
        }

        assertTrue(Set.of(oldState, newState).containsAll(seen), "seen: " + seen);
        assertTrue(seen.contains(oldState), "the reader read while the load ran: " + seen);
        assertTrue(readsDuring.get() > 10, readsDuring.get() + " reads");
        assertEquals(List.of(newState), pg.rows("SELECT count(*), sum(fare_cents) FROM mart.rides WHERE date = DATE '" + DAY + "'"));
    }
}
