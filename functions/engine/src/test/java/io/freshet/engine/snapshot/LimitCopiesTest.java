package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;


/**
 * The limit a benchmark measures Freshet against is the snapshot's own split, as PostgreSQL alone
 * emits it: as many COPYs as the snapshot uses connections, the columns as stored, every row once.
 */
class LimitCopiesTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @BeforeAll
    static void tables() {
        // 20 MB: more than two ranges of RangePlanner.MIN_PAGES_PER_RANGE, so two connections split it
        DB.pg().execute("CREATE TABLE big (id bigint PRIMARY KEY, p point, note text); "
                + "INSERT INTO big SELECT g, point(g, -g), repeat(md5(g::text), 2) FROM generate_series(1, 200000) g; "
                + "CREATE VIEW big_view AS SELECT id, note FROM big WHERE id % 2 = 0; "
                + "CREATE TABLE small (id int); "
                // 24 MB of documents that do not compress, so out of line in the TOAST table: the heap holds 3,000 pointers
                + "CREATE TABLE docs (id bigint PRIMARY KEY, doc text); ALTER TABLE docs ALTER COLUMN doc SET STORAGE EXTERNAL; "
                + "INSERT INTO docs SELECT g, (SELECT string_agg(md5((g * 1000 + k)::text), '') FROM generate_series(1, 250) k) "
                + "FROM generate_series(1, 3000) g");
    }

    private static List<String> copies(String table, int connections) throws SQLException {
        try (Connection c = DB.pg().connect()) {
            return PostgresSnapshot.limitCopies(c, "public", table, connections);
        }
    }

    private static long rows(List<String> copies) throws SQLException, IOException {
        long rows = 0;
        try (Connection c = DB.pg().connect()) {
            for (String copy : copies) {
                rows += c.unwrap(PGConnection.class).getCopyAPI().copyOut(copy, OutputStream.nullOutputStream());
            }
        }
        return rows;
    }

    @Test
    void aLargeTableIsSplitAsTheSnapshotSplitsItEveryRowOnce() throws Exception {
        List<String> two = copies("big", 2);
        int runs = two.size();
        assertTrue(runs >= 2 && runs <= 2 * RangePlanner.RUNS_PER_CONNECTION, "runs of at least 8 MB, at most four per connection: " + two);
        assertTrue(!two.get(0).contains("ctid >= ") && two.get(0).contains("ctid < "), "the first open below: " + two);
        assertTrue(two.get(runs - 1).contains("ctid >= ") && !two.get(runs - 1).contains("ctid < "), "the last open above: " + two);
        assertFalse(two.toString().contains("CAST"), "the columns as stored, where Freshet casts a point to text: " + two);
        assertEquals(200000, rows(two));
        assertEquals(List.of("COPY (SELECT \"id\", \"p\", \"note\" FROM \"public\".\"big\") TO STDOUT (FORMAT binary)"), copies("big", 1));
    }

    /**
     * A type without a binary send function fails a binary COPY of the column as stored ("no binary
     * output function available for type aclitem"), whether it is the column's type or inside it: the
     * limit casts exactly those columns to text, as any binary reader must, and leaves the rest as stored.
     */
    @Test
    void columnsPostgresCannotSendInBinaryAreCastToTextAndOnlyThey() throws Exception {
        DB.pg().execute("CREATE DOMAIN acl_d AS aclitem; CREATE TYPE with_acl AS (n int, a aclitem); "
                + "CREATE TABLE perms (id bigint, a aclitem, a_list aclitem[], a_dom acl_d, a_rec with_acl, p point, tags text[]); "
                + "INSERT INTO perms SELECT g, 'postgres=r/postgres', ARRAY['postgres=rw/postgres'::aclitem], 'postgres=w/postgres', "
                + "ROW(g, 'postgres=r/postgres'::aclitem)::with_acl, point(g, g), ARRAY['x'] FROM generate_series(1, 50) g");
        List<String> one = copies("perms", 1);
        assertEquals(List.of("COPY (SELECT \"id\", CAST(\"a\" AS text), CAST(\"a_list\" AS text), CAST(\"a_dom\" AS text), "
                + "CAST(\"a_rec\" AS text), \"p\", \"tags\" FROM \"public\".\"perms\") TO STDOUT (FORMAT binary)"), one);
        assertEquals(50, rows(one));
        try (Connection c = DB.pg().connect()) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            SQLException stored = assertThrows(SQLException.class,
                    () -> copy.copyOut("COPY (SELECT a FROM perms) TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream()));
            assertTrue(stored.getMessage().contains("no binary output function"), "why the cast is needed: " + stored.getMessage());
        }
    }

    /**
     * A table whose values live in its TOAST table has few heap pages; the backends' work is
     * fetching and sending the values, so those pages count, and the heap is split by them.
     */
    @Test
    void aTableOfDocumentsIsSplitByWhatItsToastTableHolds() throws Exception {
        try (Connection c = DB.pg().connect(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_relation_size('docs'), pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'docs'")) {
            rs.next();
            assertTrue(rs.getLong(1) < RangePlanner.MIN_PAGES_PER_RANGE * 8192, "the heap alone is under one run: " + rs.getLong(1));
            assertTrue(rs.getLong(2) > 2 * RangePlanner.MIN_PAGES_PER_RANGE * 8192, "the TOAST table over two: " + rs.getLong(2));
        }
        List<String> two = copies("docs", 2);
        assertTrue(two.size() >= 2, "split: " + two);
        assertEquals(3000, rows(two));
    }

    @Test
    void aViewAndASmallTableAreReadWhole() throws Exception {
        List<String> view = copies("big_view", 2);
        assertEquals(1, view.size(), view.toString());
        assertEquals(100000, rows(view));
        assertEquals(1, copies("small", 2).size());
    }
}
