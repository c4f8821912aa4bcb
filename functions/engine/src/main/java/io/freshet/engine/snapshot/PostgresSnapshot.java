package io.freshet.engine.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Snapshots PostgreSQL tables to zstd Parquet: every table of one call from one consistent
 * snapshot, types taken from the catalog, memory bounded, close to the speed at which PostgreSQL
 * can emit the rows.
 *
 * <h2>How</h2>
 * <ol>
 * <li>Before any transaction: each relation is looked up by its exact schema and name, the
 *     watermark column checked, and the last watermark validated by PostgreSQL as a value of the
 *     column's type (so a mistake is reported with the table's name, not as a syntax error).</li>
 * <li>{@code BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY}, then {@code LOCK TABLE ... IN ACCESS
 *     SHARE MODE} for all tables and views before the first query: no {@code ALTER TABLE} can change a
 *     definition between reading the catalog and reading the rows. The columns are then read from
 *     {@code pg_attribute}/{@code pg_type}/{@code format_type}; that first query fixes the snapshot.
 *     A plain table (or materialized view) of at least two runs of {@link RangePlanner#MIN_PAGES_PER_RANGE}
 *     pages is split into ctid page ranges (up to four per connection, which the connections share
 *     out as they finish them), a partitioned table into
 *     groups of its leaf partitions (a large leaf in runs of pages) ({@link RangePlanner});
 *     with more than one connection the snapshot is exported ({@code pg_export_snapshot()}) and the
 *     other connections import it ({@code SET TRANSACTION SNAPSHOT}) before anything is read: every
 *     range and every table of the call sees the same committed data. Those connections are opened
 *     while the leader locks and plans, as many as the catalog's statistics suggest the plan will
 *     want ({@link WorkerConnections}); a connection's settings, a table's column types and the
 *     server's version cost no round trip of their own (one for the settings, one for all the types,
 *     none for the version): a table read on one connection costs ten round trips, COPY and COMMIT
 *     included, where it cost twelve and one more per distinct column type.</li>
 * <li>Per range: {@code COPY (SELECT "a", "b", ... FROM "schema"."table" [WHERE "wm" > CAST('last'
 *     AS type) [AND "wm" <= CAST('upTo' AS type)]] [AND ctid >= '(p,0)'::tid AND ctid < '(q,0)'::tid])
 *     TO STDOUT (FORMAT binary)}, each connection taking the next range. A reader thread per connection decodes
 *     the binary rows into column batches laid out as DuckDB vectors, all into the table's one
 *     stream; a writer's {@code COPY (SELECT ...) TO 'part-00000.parquet' (FORMAT parquet,
 *     COMPRESSION zstd)} pulls them through a Java table function and writes them as they arrive,
 *     several writers at once for wide rows, each its own files ({@link ParquetParts}, {@link
 *     DuckDbParquet#writers}). PostgreSQL's backends, the decoders and DuckDB's Parquet writers run
 *     at once; six batches of 2,048 rows (two more per further range) circulate between them,
 *     DuckDB is bounded by {@code memory_limit} and spills under {@code temp_directory}. An
 *     incremental table's watermark is the greatest over its ranges.</li>
 * </ol>
 * Identifiers are always quoted ({@link Sql}); the only literal built from input, the last
 * watermark, is PostgreSQL's own canonical text of the validated value, quoted, and cast to the
 * column's type.
 *
 * <h2>Types</h2>
 * <table>
 * <caption>PostgreSQL -> DuckDB/Parquet</caption>
 * <tr><th>PostgreSQL</th><th>Parquet (DuckDB type)</th></tr>
 * <tr><td>smallint, integer, bigint</td><td>SMALLINT, INTEGER, BIGINT</td></tr>
 * <tr><td>numeric(p,s), 1 <= p <= 38, 0 <= s <= p</td><td>DECIMAL(p,s), exact</td></tr>
 * <tr><td>numeric (unconstrained), p > 38, negative scale or s > p</td><td>VARCHAR: PostgreSQL's
 *     exact text ({@code 1.50}, {@code NaN}, {@code Infinity}); DECIMAL cannot hold them without
 *     rounding</td></tr>
 * <tr><td>real, double precision</td><td>FLOAT, DOUBLE, bit for bit (NaN, ±Infinity, -0)</td></tr>
 * <tr><td>text, varchar(n), char(n), name, enums</td><td>VARCHAR (char(n) blank-padded as
 *     PostgreSQL returns it; enums as their labels)</td></tr>
 * <tr><td>boolean, date</td><td>BOOLEAN, DATE</td></tr>
 * <tr><td>timestamp</td><td>TIMESTAMP (microseconds)</td></tr>
 * <tr><td>timestamptz</td><td>TIMESTAMP WITH TIME ZONE: the UTC instant</td></tr>
 * <tr><td>time</td><td>TIME</td></tr>
 * <tr><td>uuid</td><td>UUID</td></tr>
 * <tr><td>json, jsonb</td><td>JSON (the text PostgreSQL returns: json verbatim, jsonb normalised)</td></tr>
 * <tr><td>bytea</td><td>BLOB</td></tr>
 * <tr><td>arrays of the above</td><td>LIST of the element's type, NULL elements kept, nested as deep as the
 *     column's declared dimensions</td></tr>
 * <tr><td>domains</td><td>as their base type</td></tr>
 * <tr><td>interval</td><td>VARCHAR: PostgreSQL's text with IntervalStyle=postgres, made from the binary form</td></tr>
 * <tr><td>oid, xid, cid, xid8; inet, cidr, macaddr, macaddr8, bit, varbit, timetz, tsvector; ranges
 *     and multiranges of int4, int8, numeric, date, timestamp, timestamptz</td><td>VARCHAR: the text
 *     {@code CAST(col AS text)} gives, made from the binary form (PgTypeText, PgRangeText)</td></tr>
 * <tr><td>anything else (money, xml, hstore, geometric types, tsquery, composites, ...)</td><td>VARCHAR:
 *     PostgreSQL's text output, with the session at {@code DateStyle=ISO, TimeZone=UTC,
 *     IntervalStyle=postgres, extra_float_digits=3, bytea_output=hex}; arrays of them LIST(VARCHAR)</td></tr>
 * </table>
 * Deliberate edges: {@code ±infinity} dates and timestamps become DuckDB's infinities (in Parquet
 * the extreme int32 day and int64 microsecond values); timestamps after 294247-01-10, which
 * PostgreSQL allows and 64-bit microseconds since 1970 cannot hold, fail the snapshot naming the
 * column, as do NaN in a {@code numeric(p,s)} column and an array whose dimensions are not its column's; array
 * lower bounds other than 1 are not kept. Rows with a NULL watermark are read by a full or first
 * incremental snapshot and never by later ones. A watermark that is not finite ({@code infinity},
 * {@code -infinity}, {@code NaN}) fails the snapshot: nothing is past it. Every session sets
 * {@code lock_timeout} ({@link SnapshotSettings#lockTimeout()}); a table held locked longer fails
 * the snapshot with {@link TableLockedException}. A view or an inheritance parent is read as
 * {@code SELECT} reads it (children included).
 *
 * <h2>Speed (2 cores, PostgreSQL 17 on the same machine, 8 columns: bigint, int, numeric(12,2),
 * text, boolean, date, timestamptz, uuid)</h2>
 * The limit is {@code COPY (FORMAT binary) TO STDOUT} into nowhere: about 1.9-2.2M rows/s here,
 * PostgreSQL's backend busy on one core (~0.5 us of CPU per row) and pgjdbc ~0.15 us per row on
 * the other. Measured while choosing this design (2M rows unless said):
 * <ul>
 * <li>{@code COPY (FORMAT csv)} into nowhere: 0.78M rows/s. PostgreSQL's text output (timestamptz
 *     and numeric formatting above all) costs twice its binary output, so any CSV route (a file or a
 *     named pipe into DuckDB's {@code read_csv}: 0.36-0.40M rows/s end to end) stays below half of
 *     the limit before DuckDB has parsed a byte. Binary it is.</li>
 * <li>Binary COPY decoded in Java into DuckDB's Appender, then {@code COPY table TO parquet}:
 *     0.3-0.5M rows/s; appending into a table costs more than the whole Parquet write.</li>
 * <li>Decoded into a Java table function that {@code COPY (SELECT ...) TO parquet} pulls from,
 *     written with the driver's per-value setters, on DuckDB's one pipeline thread: 0.75M rows/s,
 *     0.75 us of CPU per row on our side.</li>
 * <li>Decoding on a reader thread of its own, batches copied into the vectors in bulk
 *     ({@link DuckDbVectors}), zstd level 1: 1.0-1.5M rows/s. perf then showed 12% of all CPU in
 *     DuckDB's UUID parser: uuids now travel as 128-bit values (in DuckDB's UUID layout since; no cast).</li>
 * <li>Letting every DuckDB thread take batches (row groups written by whichever thread fills one)
 *     rather than one: 1.9M rows/s against 2.0M for the limit (0.92-0.95) on a quiet machine;
 *     under load from other processes 0.69-0.76 where one consumer thread gave 0.56-0.58. Our side
 *     costs 0.46-0.50 us of CPU per row in all (pgjdbc 0.15, decoding ~0.1, DuckDB ~0.25).</li>
 * <li>{@code local/freshet bench snapshot --rows 10000000}, heap 512 MB, files uploaded to S3
 *     (S3Proxy) as each is complete: 1.81M rows/s against a limit of 2.19M, ratio 0.82 (best of
 *     3 rounds; 0.85 until the last file is written); peak heap 152 MB, peak RSS 414 MB.</li>
 * </ul>
 * Not taken: DuckDB's postgres extension (downloaded at run time, unavailable offline and in a
 * locked-down Lambda); dictionary encoding off ({@code DICTIONARY_SIZE_LIMIT}: 16% faster Parquet
 * writes, but categorical columns would lose their dictionaries). Taken since: ctid ranges over
 * several connections, because the server sustains about twice one connection's rate with two
 * (docs/performance.md, "Parallel snapshots").
 *
 * <p>Row order within the files is not PostgreSQL's (several threads write row groups); a table
 * has no order. A table is split into files of about 128 MB of values ({@link #PART_BYTES}); each is
 * announced to the {@link ParquetFileListener} as soon as it is complete.
 */
public final class PostgresSnapshot {

    /** Test seams: moments at which a test may act on the database. */
    interface Hooks {
        /** The snapshot is fixed (and imported by every connection); no row has been read yet. */
        default void snapshotTaken() {
        }

        /** The ranges each table will be read in, before the connections are opened. */
        default void rangesPlanned(List<List<TableRange>> ranges) {
        }
    }

    private static final Hooks NO_HOOKS = new Hooks() {
    };

    /**
     * A table is written as several files of about this many bytes of values (as DuckDB holds them
     * in memory; zstd Parquet comes out at a third to a half of it), so that a file can be uploaded
     * while the next is written and no file grows without bound.
     */
    static final long PART_BYTES = 128L << 20;

    private final Hooks hooks;
    private final long partBytes;
    private final long minPagesPerRange;

    public PostgresSnapshot() {
        this(NO_HOOKS, PART_BYTES);
    }

    PostgresSnapshot(Hooks hooks) {
        this(hooks, PART_BYTES);
    }

    PostgresSnapshot(Hooks hooks, long partBytes) {
        this(hooks, partBytes, RangePlanner.MIN_PAGES_PER_RANGE);
    }

    /** @param minPagesPerRange the fewest heap pages worth a connection of their own (tests split small tables) */
    PostgresSnapshot(Hooks hooks, long partBytes, long minPagesPerRange) {
        this.hooks = hooks;
        this.partBytes = partBytes;
        this.minPagesPerRange = minPagesPerRange;
    }

    /**
     * What a snapshot does on each connection it opens so that wide rows do not cost the server a
     * heap shrunk and grown again per row (see {@code PgSession.ALLOCATOR_WARM_UP}); a COPY that is to
     * be compared with a snapshot's, as {@code bench snapshot}'s limit, runs it first too.
     */
    public static void warmUpServerAllocator(Connection c) throws SQLException {
        PgSession.execute(c, PgSession.ALLOCATOR_WARM_UP);
    }

    /**
     * The binary COPYs that a snapshot of {@code schema.table} on {@code connections} connections
     * splits the table into, which that many connections share out, each taking the next as it
     * finishes one (one for a small table, a view or a foreign table; runs of pages for a plain one;
     * its leaves' groups for a partitioned one), each selecting the columns as stored (those
     * PostgreSQL cannot send in binary, such as {@code aclitem}, cast to text): the rows Freshet
     * reads, in the same ranges, as PostgreSQL alone emits them. The limit that
     * {@code bench snapshot} measures Freshet against. Run it in the transaction whose snapshot the
     * copies will share: the pages are counted now.
     */
    public static List<String> limitCopies(Connection c, String schema, String table, int connections) throws SQLException {
        PgCatalog catalog = new PgCatalog(c);
        List<TablePlan> plans = TablePlanner.preflight(catalog, c, List.of(TableRequest.full(schema, table, "limit")), Path.of("limit"));
        List<TableRange> ranges = RangePlanner.of(c, connections, RangePlanner.MIN_PAGES_PER_RANGE).ranges(c, plans).get(0);
        Set<String> textOnly = catalog.columnsWithoutBinaryOutput(plans.get(0).relation());
        return ranges.stream().map(r -> TablePlanner.storedCopySql(plans.get(0), r, textOnly)).toList();
    }

    /**
     * Snapshots {@code tables}, all from one consistent snapshot, into Parquet files under
     * {@code workDir} ({@code workDir/<output>/part-00000.parquet}, {@code part-00001.parquet}, ...
     * for a large table; an empty table has one file with its schema and no rows).
     *
     * @throws SnapshotException naming the table when one table is the reason (missing table or
     *                           watermark column, a value with no Parquet form, a PostgreSQL error
     *                           while reading it), else for the snapshot as a whole
     */
    public SnapshotResult snapshot(PgConnectionInfo connection, List<TableRequest> tables, Path workDir, SnapshotSettings settings) {
        return snapshot(connection, tables, workDir, settings, ParquetFileListener.NONE);
    }

    /**
     * As {@link #snapshot(PgConnectionInfo, List, Path, SnapshotSettings)}, telling {@code listener}
     * of each Parquet file as soon as it is complete (to upload it while the next is written).
     */
    public SnapshotResult snapshot(PgConnectionInfo connection, List<TableRequest> tables, Path workDir, SnapshotSettings settings,
                                   ParquetFileListener listener) {
        checkOutputsUnique(tables);
        if (tables.isEmpty()) {
            return new SnapshotResult(List.of());
        }
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new SnapshotException(null, "cannot create the work directory " + workDir, e);
        }
        DuckDbStart duckStart = DuckDbStart.begin(workDir, settings);
        WorkerConnections others = WorkerConnections.begin(connection, settings, 0);
        List<Connection> pg = new ArrayList<>();
        try {
            Connection leader = PgSession.open(connection, settings);
            pg.add(leader);
            PgCatalog catalog = new PgCatalog(leader);
            List<TablePlan> plans = TablePlanner.preflight(catalog, leader, tables, workDir);
            RangePlanner planner = RangePlanner.of(leader, settings.parallelConnections(), minPagesPerRange);
            // After the leader: under a connection limit (the role's, the server's) the one connection
            // every snapshot needs must not lose its place to one it may not.
            others = WorkerConnections.begin(connection, settings, planner.expectedConnections(plans) - 1);

            PgSession.execute(leader, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            PgSession.lock(leader, plans, settings.lockTimeout());
            plans = TablePlanner.reread(catalog, plans); // the first query of the transaction: fixes the snapshot
            List<List<TableRange>> ranges = planner.ranges(leader, plans);
            hooks.rangesPlanned(ranges);
            int workers = planner.connections(plans.size(), ranges.stream().mapToInt(List::size).max().orElse(1));
            String id = workers > 1 ? PgSession.exportSnapshot(leader) : null;
            pg.addAll(others.take(workers - 1));
            for (Connection c : pg.subList(1, pg.size())) {
                PgSession.execute(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT " + Sql.quoteLiteral(id));
            }
            hooks.snapshotTaken();

            List<TableSnapshot> results;
            try (DuckDbParquet duck = duckStart.take()) {
                results = new TableCopier(partBytes).run(plans, ranges, pg, duck, listener, settings.lockTimeout());
            }
            for (Connection c : pg) {
                PgSession.execute(c, "COMMIT");
            }
            return new SnapshotResult(results);
        } catch (SQLException e) {
            if (PgSession.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new TableLockedException(null, settings.lockTimeout(), e);
            }
            throw new SnapshotException(null, "PostgreSQL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SnapshotException(null, "I/O: " + e.getMessage(), e);
        } finally {
            duckStart.close();
            others.close();
            for (Connection c : pg) {
                try {
                    c.close(); // an open transaction is rolled back by the server
                } catch (SQLException ignored) {
                    // nothing more to do with it
                }
            }
        }
    }

    private static void checkOutputsUnique(List<TableRequest> tables) {
        Set<String> outputs = new HashSet<>();
        for (TableRequest t : tables) {
            if (!outputs.add(t.output())) {
                throw new IllegalArgumentException("output " + t.output() + " is requested twice");
            }
        }
    }

    /** SHA-256 over the (name, PostgreSQL type) pairs in order, each length-prefixed so no two lists collide. */
    static String schemaHash(List<ColumnInfo> columns) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (ColumnInfo c : columns) {
                for (String part : new String[] {c.name(), c.postgresType()}) {
                    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                    sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                    sha.update((byte) ':');
                    sha.update(bytes);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
