package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.testkit.LocalPostgres;

/**
 * The connections a snapshot opens beside its leader while it plans ({@link WorkerConnections}),
 * on a real server, seen from the server's side ({@code pg_stat_activity}): those the plan does not
 * want are closed before the snapshot returns, more than were begun are opened when wanted, and a
 * snapshot that reads on one connection tries no other, so that a role limited to one connection
 * can still snapshot a small table.
 */
class WorkerConnectionsTest {

    static LocalPostgres pg;
    static PgConnectionInfo info;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
        pg.execute("CREATE TABLE small (id int PRIMARY KEY, note text); INSERT INTO small SELECT g, 'n' || g FROM generate_series(1, 100) g;"
                + "CREATE TABLE large (id int PRIMARY KEY, note text); INSERT INTO large SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;"
                + "CREATE ROLE one_connection LOGIN PASSWORD 'only-one' CONNECTION LIMIT 1;"
                + "GRANT SELECT ON small, large TO one_connection");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private SnapshotSettings settings(int connections) {
        return new SnapshotSettings("256MB", 2, work.resolve("spill"), connections);
    }

    @Test
    void thoseBegunAndNotWantedAreClosedAndTheTakenStayTheCallers() throws Exception {
        List<Connection> taken;
        try (WorkerConnections others = WorkerConnections.begin(info, settings(4), 3)) {
            taken = others.take(1);
        }
        assertEquals(1, taken.size());
        assertEquals(1, settledSessions(1), "the two not wanted are closed by the time close() returns; the taken one is open");
        assertEquals(1, selectOne(taken.get(0)));
        taken.get(0).close();
        assertEquals(0, settledSessions(0));
    }

    @Test
    void moreThanWereBegunAreOpenedWhenWanted() throws Exception {
        List<Connection> taken;
        try (WorkerConnections others = WorkerConnections.begin(info, settings(4), 1)) {
            taken = others.take(3);
        }
        assertEquals(3, taken.size());
        for (Connection c : taken) {
            assertEquals(1, selectOne(c));
            c.close();
        }
        assertEquals(0, settledSessions(0));
    }

    @Test
    void aFailureToOpenAWantedOneIsThrownAndLeavesNoSessionOpen() throws Exception {
        PgConnectionInfo wrong = new PgConnectionInfo(pg.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/no_such_database$1"), pg.user(), pg.password());
        try (WorkerConnections others = WorkerConnections.begin(wrong, settings(4), 2)) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> others.take(2));
            assertTrue(e.getMessage().startsWith("cannot connect"), e.getMessage());
        }
        assertEquals(0, settledSessions(0));
    }

    @Test
    void aSmallTableIsReadUnderARoleLimitedToOneConnectionAndALargeOneFailsNamingTheLimit() {
        PgConnectionInfo limited = new PgConnectionInfo(pg.jdbcUrl(), "one_connection", "only-one");
        // minPagesPerRange 1: "large" (about 600 pages) is split for as many connections as the settings allow
        PostgresSnapshot snapshot = new PostgresSnapshot(new PostgresSnapshot.Hooks() {
        }, PostgresSnapshot.PART_BYTES, 1);

        SnapshotResult small = snapshot.snapshot(limited, List.of(TableRequest.full("public", "small", "raw.small")), work.resolve("a"), settings(4));
        assertEquals(100, small.table("raw.small").rows(), "one connection wanted, no other tried");

        SnapshotException e = assertThrows(SnapshotException.class,
                () -> snapshot.snapshot(limited, List.of(TableRequest.full("public", "large", "raw.large")), work.resolve("b"), settings(4)));
        assertTrue(e.getMessage().contains("too many connections for role"), e.getMessage());
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int settledSessions(int expected) throws InterruptedException {
        return SnapshotSessions.settled(pg, SnapshotSessions.ALL, expected);
    }
}
