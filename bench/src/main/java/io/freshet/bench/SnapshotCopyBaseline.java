package io.freshet.bench;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.postgresql.PGConnection;

import io.freshet.engine.snapshot.PostgresSnapshot;


/**
 * What PostgreSQL itself can emit: {@code COPY (FORMAT binary) TO STDOUT} into a discarding stream,
 * the copies Freshet's own planner splits the table into for N connections
 * ({@link PostgresSnapshot#limitCopies}: ctid page ranges, a partitioned table's leaves in groups, a
 * small table, a view or a foreign table whole) shared out among N connections at once, each
 * taking the next as it finishes one, each selecting the columns as stored,
 * all in one exported snapshot as Freshet reads; or the whole table in one COPY. Each connection
 * first has the server's allocator warmed as Freshet's are ({@link PostgresSnapshot#warmUpServerAllocator}).
 */
final class SnapshotCopyBaseline {

    /** The copies of one measurement: how many ran at once, and in how many seconds. */
    record Copies(int count, double seconds) {
    }

    private SnapshotCopyBaseline() {
    }

    /** Copies {@code table} whole as a snapshot on {@code connections} connections reads it; checks the rows. */
    static Copies run(BenchDatabase pg, SnapshotBenchTable table, int connections, long expectedRows) throws Exception {
        List<Connection> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            Connection leader = pg.connect();
            open.add(leader);
            PostgresSnapshot.warmUpServerAllocator(leader); // as every snapshot connection, so that the server is the same
            execute(leader, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            List<String> sqls = PostgresSnapshot.limitCopies(leader, table.schema(), table.name(), connections);
            String snapshot = exportSnapshot(leader);
            int readers = Math.min(connections, sqls.size());
            while (open.size() < readers) {
                Connection c = pg.connect();
                open.add(c);
                PostgresSnapshot.warmUpServerAllocator(c);
                execute(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                execute(c, "SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            }
            long t0 = System.nanoTime();
            Queue<String> queue = new ConcurrentLinkedQueue<>(sqls);
            List<Future<Long>> copies = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                Connection c = open.get(i);
                copies.add(pool.submit(() -> copyAll(c, queue)));
            }
            long rows = 0;
            for (Future<Long> f : copies) {
                rows += f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (rows != expectedRows) {
                throw new IllegalStateException("COPY returned " + rows + " rows of " + expectedRows);
            }
            return new Copies(readers, seconds);
        } finally {
            pool.shutdownNow();
            for (Connection c : open) {
                c.close();
            }
        }
    }

    /** The copies this connection takes from {@code queue}, one after another as Freshet's readers take them; their rows. */
    private static long copyAll(Connection c, Queue<String> queue) throws Exception {
        long rows = 0;
        String sql;
        while ((sql = queue.poll()) != null) {
            rows += c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, OutputStream.nullOutputStream());
        }
        return rows;
    }

    private static String exportSnapshot(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
