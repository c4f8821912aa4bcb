package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.DAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;

/**
 * The two outputs of {@code rides} through two connection names, {@code reporting}
 * ({@code mart.rides}) and {@code reporting_two} ({@code mart.stations}): resolved to one database
 * they are one transaction, all or nothing; resolved to two databases they are two transactions,
 * {@code reporting}'s first (connection names in order), and a refusal in the second leaves the
 * first committed while the run fails (no two-phase commit; docs/architecture.md, "Warehouse outputs").
 */
class WarehouseDatabasesTest {

    static final String SOURCES = WarehouseLake.SOURCES + """
              reporting_two:
                allowed_schemas: [mart]
            """;
    static final String RIDES = WarehouseLake.RIDES.replace("{ connection: reporting, table: mart.stations",
            "{ connection: reporting_two, table: mart.stations");

    static PublisherLake lake;

    @BeforeAll
    static void start() throws Exception {
        lake = PublisherLake.start(Map.of("sources.yaml", SOURCES, "rides.yaml", RIDES));
    }

    @AfterAll
    static void stop() throws Exception {
        lake.close();
    }

    /** {@code reporting} in {@code one}, {@code reporting_two} in {@code two} (the same database or not). */
    static PgCredentials credentials(WarehouseLake.Reporting one, WarehouseLake.Reporting two) {
        return new PgCredentials(Map.of(
                "FRESHET_PG_REPORTING_URL", one.url(), "FRESHET_PG_REPORTING_USER", lake.postgres.user(),
                "FRESHET_PG_REPORTING_PASSWORD", lake.postgres.password(),
                "FRESHET_PG_REPORTING_TWO_URL", two.url(), "FRESHET_PG_REPORTING_TWO_USER", lake.postgres.user(),
                "FRESHET_PG_REPORTING_TWO_PASSWORD", lake.postgres.password()), arn -> {
                    throw new IllegalStateException("no secret in tests");
                });
    }

    /** {@code mart.stations} refusing zone 2, which every staged stations output holds. */
    static void refuseZoneTwo(WarehouseLake.Reporting pg) {
        pg.execute("CREATE SCHEMA IF NOT EXISTS mart; CREATE TABLE mart.stations (station_id text PRIMARY KEY, station_name text,"
                + " zone integer CONSTRAINT small_zone CHECK (zone < 2), date date)");
    }

    @Test
    void twoConnectionNamesOfOneDatabaseAreOneTransaction() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting pg = WarehouseLake.reporting(lake);
        refuseZoneTwo(pg);
        Run refused = w.staged("same-database", 4);

        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, credentials(pg, pg)).publish(refused.runId()));

        assertEquals(List.of("f|0|0"), pg.rows("SELECT to_regclass('mart.rides') IS NOT NULL, (SELECT count(*) FROM mart.stations),"
                + " (SELECT count(*) FROM freshet.loads)"), "the other connection's load rolled back with it");
    }

    @Test
    void inTwoDatabasesTheFirstStaysCommittedWhenTheSecondRefusesAndTheNextRunCatchesUp() {
        PublisherWorld w = lake.world();
        WarehouseLake.Reporting one = WarehouseLake.reporting(lake);
        WarehouseLake.Reporting two = WarehouseLake.reporting(lake);
        refuseZoneTwo(two);
        Run refused = w.staged("two-databases", 4);

        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE, credentials(one, two)).publish(refused.runId()));

        String reason = w.store.runs().run(refused.runId()).orElseThrow().finishReason().orElseThrow();
        assertTrue(reason.contains("mart.stations") && reason.contains("SQLSTATE 23514"), reason);
        // reporting's transaction committed before reporting_two refused: what remains without two-phase commit.
        assertEquals(List.of("4"), one.rows("SELECT count(*) FROM mart.rides"));
        assertEquals(List.of("core.rides|" + refused.runId()), one.rows("SELECT asset, run_id FROM freshet.loads"));
        assertEquals(List.of("0|0"), two.rows("SELECT (SELECT count(*) FROM mart.stations), (SELECT count(*) FROM freshet.loads)"));
        assertTrue(w.store.runs().recordedOutputs(refused.runId()).isEmpty(), "nothing recorded");
        assertEquals(0, w.announcements("Asset Updated").size(), "nothing announced");

        two.execute("ALTER TABLE mart.stations DROP CONSTRAINT small_zone");
        Run next = w.staged("after-fix", 6);
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE, credentials(one, two)).publish(next.runId()));

        assertEquals(List.of("6|210"), one.rows("SELECT count(*), sum(fare_cents) FROM mart.rides WHERE date = DATE '" + DAY + "'"),
                "the next run replaced the partition the failed run left");
        assertEquals(List.of("3"), two.rows("SELECT count(*) FROM mart.stations"));
        assertEquals(List.of("core.stations|" + next.runId()), two.rows("SELECT asset, run_id FROM freshet.loads"));
    }
}
