package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * A snapshot's connection does not cost the server a heap shrunk and grown again for every wide
 * row ({@code PgSession.ALLOCATOR_WARM_UP}). Seen from outside, on a real server and kernel: the
 * page faults the backend takes while it sends a table of 151 columns, on a plain connection and
 * on a snapshot's. Reads the backend's {@code /proc/<pid>/stat}, so the server must run on this
 * machine (it does: {@link SnapshotDatabase}) under Linux.
 */
class ServerAllocatorTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    private static final int ROWS = 3000;

    @TempDir
    Path work;

    @BeforeAll
    static void wideTable() {
        StringBuilder columns = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= 150; i++) {
            columns.append(", c").append(i).append(" int");
            values.append(", g * ").append(i);
        }
        DB.pg().execute("CREATE TABLE wide150 (id bigint" + columns + "); INSERT INTO wide150 SELECT g" + values
                + " FROM generate_series(1, " + ROWS + ") g");
    }

    @Test
    void aSnapshotsBackendKeepsTheMemoryAWideRowFreesWhereAPlainOneFaultsItInAgainForEveryRow() throws Exception {
        long plain;
        try (Connection c = DB.pg().connect()) {
            plain = faultsWhileCopying(c);
        }
        long snapshot;
        try (Connection c = PgSession.open(DB.info(), new SnapshotSettings("128MB", 2, work.resolve("spill"), 1))) {
            snapshot = faultsWhileCopying(c);
        }
        assertTrue(plain > ROWS / 2, "a plain connection's backend faults pages in for every row (glibc trims its heap after each): "
                + plain + " faults for " + ROWS + " rows");
        assertTrue(snapshot < ROWS / 20, "a snapshot's backend keeps them: " + snapshot + " faults for " + ROWS + " rows, " + plain + " on a plain one");
    }

    /** The minor page faults the connection's backend takes while it sends the whole table in a transaction. */
    private static long faultsWhileCopying(Connection c) throws SQLException, IOException {
        long pid;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getLong(1);
        }
        Path stat = Path.of("/proc/" + pid + "/stat");
        assumeTrue(Files.isReadable(stat), "the server's backends are not processes of this machine");
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); // as a snapshot reads; in autocommit PostgreSQL 17 does not trim
        }
        long before = minorFaults(stat);
        c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM wide150) TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream());
        long faults = minorFaults(stat) - before;
        try (Statement s = c.createStatement()) {
            s.execute("COMMIT");
        }
        return faults;
    }

    /** Field 10 of /proc/pid/stat, minflt; the fields are counted after the command's closing parenthesis. */
    private static long minorFaults(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}
