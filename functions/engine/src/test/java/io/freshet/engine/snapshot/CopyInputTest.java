package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import io.freshet.testkit.LocalPostgres;

/**
 * Reading a binary COPY in the connection's own buffer ({@link PgWire}) gives exactly the bytes
 * pgjdbc's {@code CopyOut} gives, whatever is interleaved with the rows: values larger than the
 * buffer, notices between rows (left to pgjdbc), an error in the middle (reported as pgjdbc reports
 * it); and the connection is usable afterwards. Read in pieces of random sizes, so that pieces
 * span messages and the stitching buffer is exercised too.
 */
class CopyInputTest {

    static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.execute("CREATE FUNCTION noisy(i bigint) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN "
                + "IF i % 97 = 0 THEN RAISE NOTICE 'row %', i; END IF; RETURN i; END $$;"
                + "CREATE FUNCTION failing(i bigint) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN "
                + "IF i = 3000 THEN RAISE EXCEPTION 'row % refused', i; END IF; RETURN i; END $$;");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private static final String ROWS = "SELECT g, md5(g::text), repeat('x', (g % 700)::int), "
            + "CASE WHEN g % 1000 = 0 THEN repeat(md5(g::text), 40000) END, ARRAY[g, g + 1] FROM generate_series(1::bigint, 6000) g";

    @Test
    void rowsReadInTheConnectionsBufferAreTheBytesCopyOutGives() throws Exception {
        String sql = "COPY (" + ROWS + ") TO STDOUT (FORMAT binary)";
        byte[] expected = readThroughCopyOut(sql);
        assertTrue(expected.length > 6000 * 1000, "values of 1.3 MB, larger than the buffer, are in the stream: " + expected.length);
        try (Connection c = pg.connect()) {
            assertArrayEquals(expected, readDirectly(c, sql, 1));
            assertUsable(c);
        }
    }

    @Test
    void noticesBetweenRowsAreLeftToPgjdbcAndTheRowsStayExact() throws Exception {
        String sql = "COPY (SELECT noisy(g), md5(g::text) FROM generate_series(1::bigint, 5000) g) TO STDOUT (FORMAT binary)";
        byte[] expected = readThroughCopyOut(sql);
        try (Connection c = pg.connect()) {
            assertArrayEquals(expected, readDirectly(c, sql, 2));
            assertNotNull(c.getWarnings(), "pgjdbc handled the notices");
            assertUsable(c);
        }
    }

    @Test
    void anErrorInTheMiddleFailsTheReadAsPgjdbcReportsIt() throws Exception {
        String sql = "COPY (SELECT failing(g), md5(g::text) FROM generate_series(1::bigint, 5000) g) TO STDOUT (FORMAT binary)";
        try (Connection c = pg.connect()) {
            SQLException e = assertThrows(SQLException.class, () -> readDirectly(c, sql, 3));
            assertTrue(e.getMessage().contains("row 3000 refused"), e.getMessage());
            assertUsable(c);
        }
    }

    private static byte[] readThroughCopyOut(String sql) throws SQLException {
        try (Connection c = pg.connect()) {
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
            return readAll(new CopyInput(copy), 7);
        }
    }

    private static byte[] readDirectly(Connection c, String sql, long seed) throws SQLException {
        PGConnection pgc = c.unwrap(PGConnection.class);
        CopyOut copy = pgc.getCopyAPI().copyOut(sql);
        CopyInput in = new CopyInput(copy, PgWire.input(pgc));
        assertTrue(in.direct(), "this pgjdbc's protocol input is reachable");
        return readAll(in, seed);
    }

    /** Every byte of the stream, asked for in pieces of 1 byte to 4 KB. */
    private static byte[] readAll(CopyInput in, long seed) throws SQLException {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int n = 1 + random.nextInt(random.nextBoolean() ? 8 : 4096);
            boolean got = in.ensure(n);
            int take = got ? n : in.lim - in.pos;
            out.write(in.buf, in.pos, take);
            in.pos += take;
            if (!got) {
                return out.toByteArray();
            }
        }
    }

    private static void assertUsable(Connection c) throws SQLException {
        c.clearWarnings();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
    }
}
