package io.freshet.bench;

import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.postgresql.PGConnection;


/**
 * What PostgreSQL itself can emit: {@code COPY (FORMAT binary) TO STDOUT} into a discarding stream,
 * on one connection, or on N connections at once, each one ctid page range of the table (the same
 * equal split Freshet makes), all in one exported snapshot as Freshet reads.
 */
final class SnapshotCopyBaseline {

    private SnapshotCopyBaseline() {
    }

    /** Seconds to COPY the whole table ({@code table}: a quoted identifier) on {@code connections} connections; checks the rows. */
    static double seconds(BenchDatabase pg, String table, int connections, long expectedRows) throws Exception {
        List<Connection> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            for (int i = 0; i < connections; i++) {
                open.add(pg.connect());
            }
            Connection leader = open.get(0);
            execute(leader, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            long pages = pages(leader, table);
            String snapshot = exportSnapshot(leader);
            for (Connection c : open.subList(1, open.size())) {
                execute(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                execute(c, "SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            }
            char kind = relkind(leader, table);
            List<String> sqls = switch (kind) {
                case 'p' -> leafCopies(leader, table, connections);
                case 'r', 'm' -> pageCopies(table, kind, pages, connections);
                // a view or a foreign table has no pages: Freshet reads it whole on one connection, and so does the limit
                default -> List.of("COPY (SELECT * FROM " + table + ") TO STDOUT (FORMAT binary)");
            };
            long t0 = System.nanoTime();
            List<Future<Long>> copies = new ArrayList<>();
            for (int i = 0; i < sqls.size(); i++) {
                String sql = sqls.get(i);
                Connection c = open.get(i);
                copies.add(pool.submit(() -> c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, OutputStream.nullOutputStream())));
            }
            long rows = 0;
            for (Future<Long> f : copies) {
                rows += f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (rows != expectedRows) {
                throw new IllegalStateException("COPY returned " + rows + " rows of " + expectedRows);
            }
            return seconds;
        } finally {
            pool.shutdownNow();
            for (Connection c : open) {
                c.close();
            }
        }
    }

    /** A table ('r') or materialized view ('m') in ranges of pages; COPY names only a table directly. */
    private static List<String> pageCopies(String table, char kind, long pages, int n) {
        List<String> sqls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sqls.add(n == 1 && kind == 'r' ? "COPY " + table + " TO STDOUT (FORMAT binary)"
                    : "COPY (SELECT * FROM " + table + (n == 1 ? "" : " WHERE " + range(pages, n, i)) + ") TO STDOUT (FORMAT binary)");
        }
        return sqls;
    }

    private static char relkind(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT relkind FROM pg_class WHERE oid = " + SnapshotBenchTable.literal(table) + "::regclass")) {
            rs.next();
            return rs.getString(1).charAt(0);
        }
    }

    /**
     * A partitioned table as Freshet shares it out (its RangePlanner): a leaf larger than a
     * connection's share of the pages split into runs of pages, then the parts, largest first, each
     * to the connection with the fewest pages so far, read under UNION ALL with the columns named
     * (a leaf may order its columns otherwise).
     */
    private static List<String> leafCopies(Connection c, String table, int n) throws Exception {
        String columns;
        List<String> leaves = new ArrayList<>();
        List<Long> pages = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
                    + "WHERE attrelid = " + SnapshotBenchTable.literal(table) + "::regclass AND attnum > 0 AND NOT attisdropped")) {
                rs.next();
                columns = rs.getString(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT relid::regclass::text, pg_relation_size(relid) / current_setting('block_size')::bigint "
                    + "FROM pg_partition_tree(" + SnapshotBenchTable.literal(table) + "::regclass) WHERE isleaf ORDER BY 2 DESC, 1")) {
                while (rs.next()) {
                    leaves.add(rs.getString(1));
                    pages.add(rs.getLong(2));
                }
            }
        }
        long share = Math.max(1, (pages.stream().mapToLong(Long::longValue).sum() + n - 1) / n);
        List<Map.Entry<String, Long>> parts = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            int runs = (int) Math.max(1, Math.min(n, (pages.get(i) + share - 1) / share));
            for (int r = 0; r < runs; r++) {
                String where = runs == 1 ? "" : " WHERE " + range(pages.get(i), runs, r);
                parts.add(Map.entry("SELECT " + columns + " FROM " + leaves.get(i) + where, pages.get(i) / runs));
            }
        }
        parts.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        List<List<String>> selects = new ArrayList<>();
        long[] load = new long[n];
        for (int g = 0; g < n; g++) {
            selects.add(new ArrayList<>());
        }
        for (Map.Entry<String, Long> part : parts) {
            int least = 0;
            for (int g = 1; g < n; g++) {
                least = load[g] < load[least] ? g : least;
            }
            selects.get(least).add(part.getKey());
            load[least] += part.getValue();
        }
        return selects.stream().filter(l -> !l.isEmpty()).map(l -> "COPY (" + String.join(" UNION ALL ", l) + ") TO STDOUT (FORMAT binary)").toList();
    }

    /** Range {@code i} of {@code n} equal runs of pages, the first open below and the last open above. */
    static String range(long pages, int n, int i) {
        List<String> where = new ArrayList<>();
        if (i > 0) {
            where.add("ctid >= '(" + pages * i / n + ",0)'::tid");
        }
        if (i < n - 1) {
            where.add("ctid < '(" + pages * (i + 1) / n + ",0)'::tid");
        }
        return String.join(" AND ", where);
    }

    private static long pages(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_relation_size(" + SnapshotBenchTable.literal(table) + ") / current_setting('block_size')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
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
