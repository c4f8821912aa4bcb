package io.freshet.engine.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table into the ctid page ranges that several connections read at once (as DuckDB's
 * postgres scanner does): as many runs of pages as the table warrants at {@code minPagesPerRange}
 * each, at most {@link #RUNS_PER_CONNECTION} per connection ({@code degree}), shrinking towards the
 * table's end so that the connections finish close together ({@link #split}; the last runs may then
 * hold fewer pages than that, each a COPY of its own). The connections take the next
 * run as each finishes one, so a run that holds fewer live rows than its pages suggest (rows deleted
 * by a retention job, an update-heavy region) leaves no connection idle while another reads the
 * rest. Only plain tables and materialized views have heap pages to split, and
 * only on PostgreSQL 14 or later (before, no TID range scan: each range would read the whole
 * table). A partitioned table is shared out by its leaf partitions instead ({@link #leafRanges}),
 * on the same versions.
 * A view or a foreign table is read whole.
 *
 * <p>The page count is {@code pg_relation_size} at planning time, under the snapshot's lock. A
 * page appended later holds only rows the snapshot cannot see, and the last range is open above
 * anyway, so the ranges never miss a row and never read one twice (a tuple has one ctid).
 *
 * <p>How many runs a table is worth counts its TOAST table's pages too: values over about 2 kB
 * (documents, long text, large arrays) live there, and a row's heap tuple holds only a pointer to
 * them, so a table of 500 MB of documents may have 6 MB of heap. The backend that reads a range
 * fetches and sends its rows' TOASTed values, which is then most of the work. The runs still
 * divide the heap's pages (a range is a ctid range), never into runs of less than a page.
 */
final class RangePlanner {

    /** 8 MB of 8 kB pages: below this a second connection costs more than it saves. */
    static final long MIN_PAGES_PER_RANGE = 1024;
    /**
     * Runs of a plain table's pages per connection: enough that the connections finish within a
     * run of each other, few enough that the COPY each run starts (a round trip, a plan) stays
     * under 1% of a large table's read.
     */
    static final int RUNS_PER_CONNECTION = 4;

    /** The pages of a relation's own heap and of its TOAST table (0 without one), on the same query. */
    private static final String PAGES = "pg_relation_size(c.oid) / current_setting('block_size')::bigint, "
            + "COALESCE(pg_relation_size(NULLIF(c.reltoastrelid, 0::oid)) / current_setting('block_size')::bigint, 0)";

    private final int degree;
    private final long minPagesPerRange;
    private final boolean tidRangeScan;

    private RangePlanner(int degree, long minPagesPerRange, boolean tidRangeScan) {
        this.degree = degree;
        this.minPagesPerRange = minPagesPerRange;
        this.tidRangeScan = tidRangeScan;
    }

    static RangePlanner of(Connection c, int degree, long minPagesPerRange) throws SQLException {
        // The server's version as it announced it when the connection started (pgjdbc keeps it): no round trip.
        return new RangePlanner(degree, minPagesPerRange, c.getMetaData().getDatabaseMajorVersion() >= 14);
    }

    /** How a relation is shared out among the connections. */
    private enum Sharing {
        /** Read in one COPY: one connection, a view, a foreign table, or a server without TID range scans. */
        WHOLE,
        /** In runs of its heap's pages: a plain table or a materialized view. */
        PAGES,
        /** By its leaf partitions: a partitioned table. */
        LEAVES,
        /**
         * By the tables of its inheritance tree, each read {@code ONLY}: a plain table with
         * inheritance children (partitioning by inheritance, as before PostgreSQL 10), whose own
         * heap is often empty.
         */
        INHERITANCE
    }

    private Sharing sharing(PgCatalog.Relation relation) {
        if (degree < 2 || !tidRangeScan) {
            return Sharing.WHOLE;
        }
        return switch (relation.kind()) {
            case 'p' -> Sharing.LEAVES;
            case 'r' -> relation.inherited() ? Sharing.INHERITANCE : Sharing.PAGES;
            case 'm' -> Sharing.PAGES;
            default -> Sharing.WHOLE;
        };
    }

    /**
     * The connections worth reading {@code tables} tables on when the most ranges of one of them is
     * {@code mostRanges}: one per range of the most split table or one per table, at most {@code degree}.
     */
    int connections(int tables, int mostRanges) {
        return Math.min(degree, Math.max(tables, mostRanges));
    }

    /**
     * The connections {@link #ranges} will likely want for {@code plans} ({@link #connections}),
     * from the pages the catalog's statistics gave their relations when they were looked up, before
     * the snapshot's locks ({@link PgCatalog.Relation}). A partitioned table counts as many as its
     * leaves could need, {@code degree}: its pages are its leaves'. The snapshot opens that many
     * while it locks and plans ({@link WorkerConnections}).
     */
    int expectedConnections(List<TablePlan> plans) {
        int most = 1;
        for (TablePlan plan : plans) {
            PgCatalog.Relation r = plan.relation();
            int n = switch (sharing(r)) {
                case WHOLE -> 1;
                case PAGES -> split(r.heapPages(), r.toastPages(), degree, minPagesPerRange).size();
                case LEAVES, INHERITANCE -> degree;
            };
            most = Math.max(most, n);
        }
        return connections(plans.size(), most);
    }

    /** The ranges of each plan, in the plans' order. */
    List<List<TableRange>> ranges(Connection c, List<TablePlan> plans) throws SQLException {
        List<List<TableRange>> out = new ArrayList<>();
        for (TablePlan plan : plans) {
            switch (sharing(plan.relation())) {
                case WHOLE -> out.add(List.of(TableRange.WHOLE));
                case LEAVES -> out.add(leafRanges(c, plan.relation().oid()));
                case INHERITANCE -> out.add(inheritanceRanges(c, plan.relation().oid()));
                case PAGES -> {
                    Pages pages = pages(c, plan.relation().oid());
                    out.add(split(pages.heap(), pages.toast(), degree, minPagesPerRange));
                }
            }
        }
        return out;
    }

    /** A relation's pages: its heap's and its TOAST table's. */
    private record Pages(long heap, long toast) {
    }

    private static Pages pages(Connection c, long oid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + PAGES + " FROM pg_class c WHERE c.oid = ?::oid")) {
            s.setLong(1, oid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Pages(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /**
     * A partitioned table's leaf partitions (at any depth) shared out among up to {@code degree}
     * connections ({@link #shareOut}); the whole table in one read where reading its leaves could
     * differ from reading it: a leaf that is not a plain table (a foreign one), row-level security
     * on the table or a leaf (policies of the table apply through it, a leaf's when it is read
     * directly), or a leaf the user may not read (the table's grant covers its partitions only
     * through it).
     */
    private List<TableRange> leafRanges(Connection c, long oid) throws SQLException {
        String sql = "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind = 'r' AND NOT c.relrowsecurity "
                + "AND has_table_privilege(c.oid, 'SELECT'), " + PAGES + " "
                + "FROM pg_partition_tree(?::oid) t JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE t.isleaf OR (t.relid = ?::oid AND c.relrowsecurity) ORDER BY 3 DESC, 1";
        return partsOf(c, sql, oid, 2);
    }

    /**
     * A plain table's inheritance tree, the table itself and its descendants at any depth, each read
     * {@code ONLY} (its own rows, not its children's), shared out as a partitioned table's leaves
     * are. Read whole on the same conditions: a member that is not a plain table, row-level
     * security on any member (the parent's policies apply to the children's rows read through it,
     * a child's only when it is read directly), a member the user may not read (the parent's grant
     * covers the children's rows only through it); and in a database with TimescaleDB, whose
     * hypertables keep their chunks as inheritance children but a compressed chunk's rows in
     * another table, outside the tree, which only a read through the hypertable decompresses.
     */
    private List<TableRange> inheritanceRanges(Connection c, long oid) throws SQLException {
        String sql = "WITH RECURSIVE tree(relid) AS (SELECT ?::oid UNION SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.relid) "
                + "SELECT 'ONLY ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind = 'r' AND NOT c.relrowsecurity "
                + "AND has_table_privilege(c.oid, 'SELECT') AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'), " + PAGES + " "
                + "FROM tree t JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY 3 DESC, 1";
        return partsOf(c, sql, oid, 1);
    }

    /**
     * The parts {@code sql} lists (name, whether it may be read on its own, its heap's and TOAST
     * table's pages), shared out; whole if one may not. {@code oid} fills its {@code parameters}.
     */
    private List<TableRange> partsOf(Connection c, String sql, long oid, int parameters) throws SQLException {
        List<String> names = new ArrayList<>();
        List<Long> pages = new ArrayList<>();
        List<Long> toastPages = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int p = 1; p <= parameters; p++) {
                s.setLong(p, oid);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(2)) {
                        return List.of(TableRange.WHOLE);
                    }
                    names.add(rs.getString(1));
                    pages.add(rs.getLong(3));
                    toastPages.add(rs.getLong(4));
                }
            }
        }
        return shareOut(names, pages, toastPages, degree, minPagesPerRange);
    }

    /** A leaf's part and its pages (heap and TOAST), for sharing out. */
    private record Unit(TableRange.LeafPart part, long pages) {
    }

    /**
     * Leaves with their pages in up to {@code degree} groups of about equal pages, as many as the
     * pages warrant at {@code minPages} each: a leaf larger than a group's share is first split
     * into equal runs of pages, then the parts go, the largest first, each to the
     * group with the fewest pages so far. A partitioned table whose data is mostly one leaf is
     * thereby read in parallel too. A leaf's pages are its heap's and its TOAST table's
     * ({@code toastPages}), as for a table ({@link #split(long, long, int, long)}).
     */
    static List<TableRange> shareOut(List<String> leaves, List<Long> pages, List<Long> toastPages, int degree, long minPages) {
        long total = 0;
        for (int i = 0; i < leaves.size(); i++) {
            total += pages.get(i) + toastPages.get(i);
        }
        int n = (int) Math.max(1, Math.min(degree, total / Math.max(1, minPages)));
        if (n == 1) {
            return List.of(TableRange.WHOLE);
        }
        long share = (total + n - 1) / n;
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            long leafPages = pages.get(i) + toastPages.get(i);
            List<TableRange> runs = equalSplit(pages.get(i), toastPages.get(i), (int) Math.min(n, (leafPages + share - 1) / share), minPages);
            for (TableRange run : runs) {
                units.add(new Unit(new TableRange.LeafPart(leaves.get(i), run), leafPages / runs.size()));
            }
        }
        units.sort((a, b) -> Long.compare(b.pages(), a.pages()));
        List<List<TableRange.LeafPart>> groups = new ArrayList<>();
        long[] load = new long[n];
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        for (Unit unit : units) {
            int least = 0;
            for (int g = 1; g < n; g++) {
                if (load[g] < load[least]) {
                    least = g;
                }
            }
            groups.get(least).add(unit.part());
            load[least] += unit.pages();
        }
        return groups.stream().filter(g -> !g.isEmpty()).map(TableRange::ofLeaves).toList();
    }

    /**
     * A heap of {@code pages} whose TOAST table has {@code toastPages}, read on {@code connections},
     * in at most {@link #RUNS_PER_CONNECTION} runs of the heap's pages per connection, as many as
     * the pages of both warrant at {@code minPages} each and never more than the heap's pages; the
     * first open below, the last above. One run per connection at most: equal runs. More: runs that
     * shrink (the i-th of n holds n - i shares of the pages), so that the last ones, which a
     * connection reads alone when the others have finished, are short: of eight runs the last holds
     * 1/36 of the table, where eight equal runs would leave a connection alone with 1/8 of it.
     */
    static List<TableRange> split(long pages, long toastPages, int connections, long minPages) {
        int n = runs(pages, toastPages, (long) connections * RUNS_PER_CONNECTION, minPages);
        return ranges(bounds(pages, n, n > connections));
    }

    /** At most {@code most} equal runs of a heap's pages, as {@link #split} counts them: a leaf's part of a partitioned table. */
    static List<TableRange> equalSplit(long pages, long toastPages, int most, long minPages) {
        return ranges(bounds(pages, runs(pages, toastPages, most, minPages), false));
    }

    /** How many runs: at most {@code most}, none of fewer than {@code minPages} (heap and TOAST) or of less than a heap page. */
    private static int runs(long pages, long toastPages, long most, long minPages) {
        return (int) Math.max(1, Math.min(Math.min(most, pages), (pages + toastPages) / Math.max(1, minPages)));
    }

    /** Runs between {@code bounds}, the first open below and the last above; one bound-less run is the whole table. */
    private static List<TableRange> ranges(long[] bounds) {
        if (bounds.length == 0) {
            return List.of(TableRange.WHOLE);
        }
        List<TableRange> ranges = new ArrayList<>();
        for (int i = 0; i <= bounds.length; i++) {
            ranges.add(new TableRange(i == 0 ? -1 : bounds[i - 1], i == bounds.length ? -1 : bounds[i]));
        }
        return ranges;
    }

    /**
     * The n - 1 pages where n runs of {@code pages} meet: equal runs, or {@code shrinking} ones, run
     * i (from 0) holding n - i of n(n+1)/2 shares. Every run keeps at least a page, which rounding
     * alone would not give shrinking runs of a heap of few pages (equal ones have it already).
     */
    private static long[] bounds(long pages, int n, boolean shrinking) {
        long total = shrinking ? (long) n * (n + 1) / 2 : n;
        long[] bounds = new long[n - 1];
        long shares = 0;
        long previous = 0;
        for (int i = 1; i < n; i++) {
            shares += shrinking ? n - i + 1 : 1;
            long bound = Math.min(Math.max(pages * shares / total, previous + 1), pages - (n - i));
            bounds[i - 1] = bound;
            previous = bound;
        }
        return bounds;
    }
}
