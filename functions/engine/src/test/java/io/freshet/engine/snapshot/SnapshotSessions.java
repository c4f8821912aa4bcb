package io.freshet.engine.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import io.freshet.testkit.LocalPostgres;

/** A test's view of the server's sessions: counts over {@code pg_stat_activity}, at once or once settled. */
final class SnapshotSessions {

    /** The snapshots' sessions, by the application name every snapshot connection gives. */
    static final String ALL = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'freshet-snapshot'";
    /** Those of them in a transaction: the ones that have imported (or exported) the snapshot. */
    static final String IN_A_TRANSACTION = ALL + " AND xact_start IS NOT NULL";

    private SnapshotSessions() {
    }

    /** {@code sql}'s count, now. */
    static int count(LocalPostgres pg, String sql) {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code sql}'s count once it is {@code expected}, or after 5 s whatever it is then. A backend
     * leaves pg_stat_activity a moment after its client closed the connection (it exits on its own
     * time), so a session closed just now may still be listed; one left open stays listed.
     */
    static int settled(LocalPostgres pg, String sql, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int n = count(pg, sql);
        while (n != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            n = count(pg, sql);
        }
        return n;
    }
}
