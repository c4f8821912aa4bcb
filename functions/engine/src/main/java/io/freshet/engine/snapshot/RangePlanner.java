package io.freshet.engine.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table into the ctid page ranges that several connections read at once (as DuckDB's
 * postgres scanner does): equal runs of pages, never fewer than {@code minPagesPerRange} each, at
 * most {@code degree}. Only plain tables and materialized views have heap pages to split; a view,
 * a partitioned or a foreign table is read whole, and so is every table on a PostgreSQL before 14
 * (no TID range scan: each range would read the whole table).
 *
 * <p>The page count is {@code pg_relation_size} at planning time, under the snapshot's lock. A
 * page appended later holds only rows the snapshot cannot see, and the last range is open above
 * anyway, so the ranges never miss a row and never read one twice (a tuple has one ctid).
 */
final class RangePlanner {

    /** 8 MB of 8 kB pages: below this a second connection costs more than it saves. */
    static final long MIN_PAGES_PER_RANGE = 1024;

    private final int degree;
    private final long minPagesPerRange;
    private final boolean tidRangeScan;

    private RangePlanner(int degree, long minPagesPerRange, boolean tidRangeScan) {
        this.degree = degree;
        this.minPagesPerRange = minPagesPerRange;
        this.tidRangeScan = tidRangeScan;
    }

    static RangePlanner of(Connection c, int degree, long minPagesPerRange) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT current_setting('server_version_num')::int >= 140000");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return new RangePlanner(degree, minPagesPerRange, rs.getBoolean(1));
        }
    }

    /** The ranges of each plan, in the plans' order. */
    List<List<TableRange>> ranges(Connection c, List<TablePlan> plans) throws SQLException {
        List<List<TableRange>> out = new ArrayList<>();
        for (TablePlan plan : plans) {
            char kind = plan.relation().kind();
            if (degree < 2 || !tidRangeScan || (kind != 'r' && kind != 'm')) {
                out.add(List.of(TableRange.WHOLE));
            } else {
                out.add(split(pages(c, plan.relation().oid()), degree, minPagesPerRange));
            }
        }
        return out;
    }

    private static long pages(Connection c, long oid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_relation_size(?::oid) / current_setting('block_size')::bigint")) {
            s.setLong(1, oid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** {@code pages} in at most {@code degree} equal runs of at least {@code minPages}; the first open below, the last above. */
    static List<TableRange> split(long pages, int degree, long minPages) {
        int n = (int) Math.max(1, Math.min(degree, pages / Math.max(1, minPages)));
        if (n == 1) {
            return List.of(TableRange.WHOLE);
        }
        List<TableRange> ranges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long from = i == 0 ? -1 : pages * i / n;
            long to = i == n - 1 ? -1 : pages * (i + 1) / n;
            ranges.add(new TableRange(from, to));
        }
        return ranges;
    }
}
