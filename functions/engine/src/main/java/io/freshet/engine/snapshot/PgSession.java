package io.freshet.engine.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.postgresql.Driver;

import io.freshet.core.model.PgServerTimeouts;

/**
 * The PostgreSQL side of a snapshot's connections: opening one with the session settings that fix
 * PostgreSQL's text output and {@code lock_timeout}, locking the planned relations, and exporting
 * the snapshot other connections import.
 */
final class PgSession {

    private static final String SESSION_SETTINGS = "SET standard_conforming_strings = on; SET TimeZone = 'UTC'; "
            + "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; "
            + "SET bytea_output = 'hex'; SET idle_in_transaction_session_timeout = 0";

    /**
     * Has the backend allocate and free 2 MB once, so that its C library keeps what a wide row frees
     * instead of handing it back to the system after every row. COPY builds each row in a memory
     * context reset after the row, and each binary value starts as a 1 kB buffer
     * ({@code pq_begintypsend}): in a transaction block (a snapshot's), a row of about 150 columns
     * makes the backend shrink its heap with {@code brk} after each row and grow it again, page
     * faults included, for the next. glibc raises both its thresholds when a block it mapped is
     * freed (mallopt(3), "M_MMAP_THRESHOLD": the mmap threshold follows the freed block, the trim
     * threshold is twice that), so after this statement blocks of up to 2 MB come from the heap and
     * a free top of up to 4 MB stays there: more than the 1.6 MB a row of PostgreSQL's most columns
     * (1,600) allocates. Measured on PostgreSQL 15 and 17, 151 integer columns: the server sends the
     * table about twice as fast; narrower rows are unaffected either way (docs/performance.md, "A
     * wide row's memory on the server"; {@code ServerAllocatorTest}). The value is built from 8 kB
     * pieces and measured by its bytes: {@code repeat('x', n)} copies byte by byte and
     * {@code length} counts characters, which took 67 ms for 8 MB where this takes 5 ms, most of it
     * the kernel faulting the 2 MB in. Elsewhere than glibc it costs that allocation and nothing more.
     */
    static final String ALLOCATOR_WARM_UP = "SELECT octet_length(repeat(repeat('x', 8192), 256))";

    /** PostgreSQL's SQLSTATE when {@code lock_timeout} ran out ({@code lock_not_available}). */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    /**
     * The driver itself, not DriverManager: a shaded jar may keep only one java.sql.Driver service
     * file. One for the process: pgjdbc reads its default properties (a search of the class path for
     * {@code driverconfig.properties}) once per driver instance.
     */
    private static final Driver DRIVER = new Driver();

    static Connection open(PgConnectionInfo info, SnapshotSettings settings) {
        Properties p = new Properties();
        p.setProperty("user", info.user());
        p.setProperty("password", info.password());
        p.setProperty("ApplicationName", "freshet-snapshot");
        p.setProperty("tcpKeepAlive", "true");
        // The application name in the startup packet rather than a SET of its own after it: one round trip less per connection.
        p.setProperty("assumeMinServerVersion", "9.0");
        try {
            Connection c = DRIVER.connect(info.jdbcUrl(), p);
            if (c == null) {
                throw new SQLException("pgjdbc does not accept the URL");
            }
            c.setAutoCommit(true);
            // lock_timeout: without it a snapshot waits for ever behind a migration's exclusive lock (and every query queued behind it waits too).
            execute(c, SESSION_SETTINGS + "; SET lock_timeout = " + settings.lockTimeout().toMillis() + "; " + PgServerTimeouts.SESSION_START
                    + "; " + ALLOCATOR_WARM_UP); // one round trip
            return c;
        } catch (SQLException e) {
            throw new SnapshotException(null, "cannot connect to " + info.jdbcUrl() + " as " + info.user() + ": " + e.getMessage(), e);
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void lock(Connection c, List<TablePlan> plans, Duration lockTimeout) throws SQLException {
        // Tables, partitioned tables and views (which lock their base tables); LOCK refuses materialized
        // views and foreign tables, whose column types cannot be altered anyway. One statement per table,
        // so that a lock timeout names the table that is held.
        List<String> names = plans.stream().filter(p -> "rpv".indexOf(p.relation().kind()) >= 0).map(TablePlan::table).distinct().toList();
        for (String name : names) {
            try {
                execute(c, "LOCK TABLE " + name + " IN ACCESS SHARE MODE");
            } catch (SQLException e) {
                if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw new TableLockedException(name, lockTimeout, e);
                }
                throw e;
            }
        }
    }

    static String exportSnapshot(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private PgSession() {
    }
}
