package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.freshet.testkit.LocalPostgres;

/**
 * What an incremental snapshot does at the edges of its watermark: a recorded range read again
 * exactly, values that are not finite, and a table held by a migration's lock.
 */
class WatermarkEdgesTest {

    static LocalPostgres pg;
    static PgConnectionInfo info;

    @TempDir
    Path work;

    static final AtomicInteger TABLES = new AtomicInteger();

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
        pg.execute("CREATE TABLE public.ticks (id int PRIMARY KEY, n bigint);"
                + "INSERT INTO ticks SELECT g, g FROM generate_series(1, 10) g; INSERT INTO ticks VALUES (0, NULL)");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private SnapshotSettings settings() {
        return new SnapshotSettings("128MB", 2, work.resolve("spill"), 1);
    }

    private TableSnapshot one(TableRequest request, String dir) {
        return new PostgresSnapshot().snapshot(info, List.of(request), work.resolve(dir), settings()).tables().get(0);
    }

    @Test
    void aRecordedRangeIsReadAgainExactlyWhateverCameLater() throws Exception {
        TableSnapshot middle = one(TableRequest.range("public", "ticks", "raw.ticks", "n", Optional.of("3"), "7"), "middle");
        assertEquals(List.of(4L, 5L, 6L, 7L), ids(middle), "(3, 7]: lower bound excluded, upper included");
        assertEquals(Optional.of("7"), middle.newWatermark());

        TableSnapshot first = one(TableRequest.range("public", "ticks", "raw.ticks", "n", Optional.empty(), "2"), "first");
        assertEquals(List.of(0L, 1L, 2L), ids(first), "from the start: the NULL watermark too, as the first incremental run read it");

        TableSnapshot open = one(TableRequest.incremental("public", "ticks", "raw.ticks", "n", Optional.of("8")), "open");
        assertEquals(List.of(9L, 10L), ids(open), "no upper bound: everything past the last watermark");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "timestamptz | infinity",
            "timestamptz | -infinity",
            "timestamp | infinity",
            "date | infinity",
            "date | -infinity",
            "numeric | NaN",
            "numeric | Infinity",
            "numeric | -Infinity",
            "numeric(10,2) | NaN"})
    void aWatermarkThatIsNotFiniteFailsTheSnapshotNamingTableColumnAndValue(String type, String value) {
        String table = "wm_" + TABLES.incrementAndGet();
        String finite = type.startsWith("numeric") ? "1.5" : "2026-12-02";
        pg.execute("CREATE TABLE public." + table + " (id int, at " + type + ");"
                + "INSERT INTO " + table + " VALUES (1, '" + finite + "'), (2, '" + value + "'), (3, '" + finite + "')");
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> one(TableRequest.incremental("public", table, "raw.x", "at", Optional.empty()), "x"));
        assertEquals(Optional.of("\"public\".\"" + table + "\""), e.table());
        assertTrue(e.getMessage().contains("\"at\""), e.getMessage());
        assertTrue(e.getMessage().contains("'" + value + "'") || value.equals("NaN") && type.contains(","), e.getMessage());
        assertTrue(e.getMessage().contains("finite") || type.contains(","), e.getMessage());
    }

    @Test
    void aNonFiniteLastWatermarkIsRefusedRatherThanReadingNothingForEver() {
        pg.execute("CREATE TABLE public.stuck (id int, at timestamptz); INSERT INTO stuck VALUES (1, '2026-12-02 10:00+00')");
        for (String last : List.of("infinity", "Infinity", "+infinity")) {
            SnapshotException e = assertThrows(SnapshotException.class,
                    () -> one(TableRequest.incremental("public", "stuck", "raw.stuck", "at", Optional.of(last)), "stuck"));
            assertTrue(e.getMessage().contains("last watermark 'infinity'") && e.getMessage().contains("not a finite value"), e.getMessage());
        }
        pg.execute("CREATE TABLE public.stuck_n (id int, v numeric); INSERT INTO stuck_n VALUES (1, 1)");
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> one(TableRequest.incremental("public", "stuck_n", "raw.stuck_n", "v", Optional.of("nan")), "stuck_n"));
        assertTrue(e.getMessage().contains("'NaN'"), e.getMessage());
    }

    @Test
    void aTableLockedByAMigrationFailsWithinTheLockTimeoutNamingTheTable() throws Exception {
        pg.execute("CREATE TABLE public.migrating (id int)");
        try (Connection migration = pg.connect(); Statement s = migration.createStatement()) {
            migration.setAutoCommit(false);
            s.execute("LOCK TABLE public.migrating IN ACCESS EXCLUSIVE MODE"); // as ALTER TABLE holds it until it commits
            SnapshotSettings settings = settings().withLockTimeout(Duration.ofMillis(700));
            long start = System.nanoTime();
            TableLockedException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(TableLockedException.class,
                    () -> new PostgresSnapshot().snapshot(info, List.of(TableRequest.full("public", "ticks", "raw.ticks"),
                            TableRequest.full("public", "migrating", "raw.migrating")), work.resolve("locked"), settings)));
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Optional.of("\"public\".\"migrating\""), e.table());
            assertEquals(Duration.ofMillis(700), e.lockTimeout());
            assertTrue(e.getMessage().contains("locked by another session") && e.getMessage().contains("lock_timeout 700ms"), e.getMessage());
            assertTrue(waited.compareTo(Duration.ofMillis(600)) > 0 && waited.compareTo(Duration.ofSeconds(10)) < 0, waited.toString());
            assertFalse(Files.exists(work.resolve("locked").resolve("raw.ticks").resolve("part-00000.parquet")),
                    "nothing is read before every lock is held");
            migration.rollback();
        }
        // Released: the same snapshot goes through.
        assertEquals(0, one(TableRequest.full("public", "migrating", "raw.migrating"), "after").rows());
        assertEquals(SnapshotSettings.DEFAULT_LOCK_TIMEOUT, settings().lockTimeout());
        assertThrows(IllegalArgumentException.class, () -> settings().withLockTimeout(Duration.ZERO), "0 would mean no limit");
    }

    @Test
    void aMaterializedViewBeingRefreshedFailsWithinTheLockTimeoutToo() throws Exception {
        pg.execute("CREATE MATERIALIZED VIEW public.tick_totals AS SELECT count(*) AS n FROM ticks");
        try (Connection refresh = pg.connect(); Statement s = refresh.createStatement()) {
            refresh.setAutoCommit(false);
            s.execute("REFRESH MATERIALIZED VIEW public.tick_totals"); // ACCESS EXCLUSIVE until it commits; LOCK TABLE cannot take a matview first
            TableLockedException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(TableLockedException.class,
                    () -> new PostgresSnapshot().snapshot(info, List.of(TableRequest.full("public", "tick_totals", "raw.totals")),
                            work.resolve("mv"), settings().withLockTimeout(Duration.ofMillis(500)))));
            assertEquals(Optional.of("\"public\".\"tick_totals\""), e.table());
            refresh.rollback();
        }
    }

    /**
     * A statement_timeout or transaction_timeout the server sets for the role (to keep an
     * application's queries short) would cancel a snapshot's COPY of a large table part way; the
     * snapshot's sessions set both to 0, as pg_dump's do. A statement_timeout the caller gives as a
     * startup option (the runner's deadline) is kept.
     */
    @Test
    void aRolesTimeoutsDoNotCutASnapshotShortButTheCallersOwnDoes() throws Exception {
        pg.execute("CREATE TABLE public.slow_base (id int); INSERT INTO slow_base SELECT generate_series(1, 3);"
                + "CREATE VIEW public.slow AS SELECT id FROM slow_base, pg_sleep(1.5);"
                + "CREATE ROLE hurried LOGIN PASSWORD 'hurried'; GRANT SELECT ON slow, slow_base TO hurried;"
                + "ALTER ROLE hurried SET statement_timeout = '500ms'");
        try (Connection c = DriverManager.getConnection(info.jdbcUrl(), "hurried", "hurried"); Statement s = c.createStatement()) {
            if (c.getMetaData().getDatabaseMajorVersion() >= 17) {
                pg.execute("ALTER ROLE hurried SET transaction_timeout = '700ms'");
            }
            assertThrows(SQLException.class, () -> s.execute("SELECT count(*) FROM slow"), "the role's own queries are cut short");
        }
        PgConnectionInfo hurried = new PgConnectionInfo(info.jdbcUrl(), "hurried", "hurried");
        SnapshotResult result = new PostgresSnapshot().snapshot(hurried, List.of(TableRequest.full("public", "slow", "raw.slow")),
                work.resolve("hurried"), settings());
        assertEquals(List.of(1L, 2L, 3L), ids(result.table("raw.slow")));

        PgConnectionInfo bounded = new PgConnectionInfo(info.jdbcUrl() + "?options=-c%20statement_timeout%3D500", "hurried", "hurried");
        assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(bounded,
                List.of(TableRequest.full("public", "slow", "raw.slow")), work.resolve("bounded"), settings()), "the caller's own bound");
    }

    private static List<Long> ids(TableSnapshot t) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection d = DriverManager.getConnection("jdbc:duckdb:"); Statement s = d.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM read_parquet('" + t.parquetFiles().get(0) + "') ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
