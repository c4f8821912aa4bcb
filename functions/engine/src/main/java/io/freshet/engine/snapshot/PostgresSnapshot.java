package io.freshet.engine.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

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
 *     With {@code parallelConnections > 1} the snapshot is exported ({@code pg_export_snapshot()})
 *     and the other connections import it ({@code SET TRANSACTION SNAPSHOT}) before anything is
 *     read: every table of the call sees the same committed data.</li>
 * <li>Per table: {@code COPY (SELECT "a", "b", ... FROM "schema"."table" [WHERE "wm" > CAST('last'
 *     AS type) [AND "wm" <= CAST('upTo' AS type)]]) TO STDOUT (FORMAT binary)}. A reader thread decodes the binary rows into
 *     column batches laid out as DuckDB vectors; DuckDB pulls them through a Java table function
 *     and {@code COPY (SELECT ...) TO 'part-00000.parquet' (FORMAT parquet, COMPRESSION zstd)}
 *     writes them as they arrive. PostgreSQL's backend, the decoder and DuckDB's Parquet writer run
 *     at once; six batches of 2,048 rows circulate between them, DuckDB is bounded by
 *     {@code memory_limit} and spills under {@code temp_directory}.</li>
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
 * <tr><td>one-dimensional arrays of the above</td><td>LIST of the element's type, NULL elements kept</td></tr>
 * <tr><td>domains</td><td>as their base type</td></tr>
 * <tr><td>anything else (interval, timetz, inet, money, bit, xml, ranges, composites, ...)</td><td>VARCHAR:
 *     PostgreSQL's text output, with the session at {@code DateStyle=ISO, TimeZone=UTC,
 *     IntervalStyle=postgres, extra_float_digits=3, bytea_output=hex}; arrays of them LIST(VARCHAR)</td></tr>
 * </table>
 * Deliberate edges: {@code ±infinity} dates and timestamps become DuckDB's infinities (in Parquet
 * the extreme int32 day and int64 microsecond values); timestamps after 294247-01-10, which
 * PostgreSQL allows and 64-bit microseconds since 1970 cannot hold, fail the snapshot naming the
 * column, as do NaN in a {@code numeric(p,s)} column and arrays of two or more dimensions; array
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
 *     DuckDB's UUID parser: uuids now travel as UHUGEINT and are cast, a bit flip.</li>
 * <li>Letting every DuckDB thread take batches (row groups written by whichever thread fills one)
 *     rather than one: 1.9M rows/s against 2.0M for the limit (0.92-0.95) on a quiet machine;
 *     under load from other processes 0.69-0.76 where one consumer thread gave 0.56-0.58. Our side
 *     costs 0.46-0.50 us of CPU per row in all (pgjdbc 0.15, decoding ~0.1, DuckDB ~0.25).</li>
 * <li>{@code local/freshet bench snapshot --rows 10000000}, heap 512 MB, files uploaded to S3
 *     (S3Proxy) as each is complete: 1.81M rows/s against a limit of 2.19M, ratio 0.82 (best of
 *     3 rounds; 0.85 until the last file is written); peak heap 152 MB, peak RSS 414 MB.</li>
 * </ul>
 * Not taken: DuckDB's postgres extension (downloaded at run time, unavailable offline and in a
 * locked-down Lambda); splitting a table into ctid ranges read over several connections (with two
 * cores PostgreSQL and the writer already share them; several connections help only when there are
 * several tables and spare cores); dictionary encoding off ({@code DICTIONARY_SIZE_LIMIT}: 16%
 * faster Parquet writes, but categorical columns would lose their dictionaries).
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
    }

    private static final Hooks NO_HOOKS = new Hooks() {
    };

    private static final String SESSION_SETTINGS = "SET standard_conforming_strings = on; SET TimeZone = 'UTC'; "
            + "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; "
            + "SET bytea_output = 'hex'; SET idle_in_transaction_session_timeout = 0";

    /**
     * A table is written as several files of about this many bytes of values (as DuckDB holds them
     * in memory; zstd Parquet comes out at a third to a half of it), so that a file can be uploaded
     * while the next is written and no file grows without bound.
     */
    static final long PART_BYTES = 128L << 20;

    private final Hooks hooks;
    private final long partBytes;

    public PostgresSnapshot() {
        this(NO_HOOKS, PART_BYTES);
    }

    PostgresSnapshot(Hooks hooks) {
        this(hooks, PART_BYTES);
    }

    PostgresSnapshot(Hooks hooks, long partBytes) {
        this.hooks = hooks;
        this.partBytes = partBytes;
    }

    /** One table, resolved and planned. */
    private record Plan(TableRequest request, String table, PgCatalog.Relation relation, List<PgColumn> columns, int watermarkIndex,
                        Optional<String> watermarkLiteral, Optional<String> upToLiteral, Path dir) {
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
        List<Connection> pg = new ArrayList<>();
        try {
            Connection leader = open(connection, settings);
            pg.add(leader);
            PgCatalog catalog = new PgCatalog(leader);
            List<Plan> plans = preflight(catalog, leader, tables, workDir);

            execute(leader, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            lock(leader, plans, settings.lockTimeout());
            plans = reread(catalog, plans); // the first query of the transaction: fixes the snapshot
            int workers = Math.min(settings.parallelConnections(), plans.size());
            if (workers > 1) {
                String id = exportSnapshot(leader);
                for (int i = 1; i < workers; i++) {
                    Connection c = open(connection, settings);
                    pg.add(c);
                    execute(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                    execute(c, "SET TRANSACTION SNAPSHOT " + Sql.quoteLiteral(id));
                }
            }
            hooks.snapshotTaken();

            List<TableSnapshot> results;
            try (DuckDbParquet duck = new DuckDbParquet(workDir, settings)) {
                results = run(plans, pg, duck, listener, settings.lockTimeout());
            }
            for (Connection c : pg) {
                execute(c, "COMMIT");
            }
            return new SnapshotResult(results);
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new TableLockedException(null, settings.lockTimeout(), e);
            }
            throw new SnapshotException(null, "PostgreSQL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SnapshotException(null, "I/O: " + e.getMessage(), e);
        } finally {
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

    /** PostgreSQL's SQLSTATE when {@code lock_timeout} ran out ({@code lock_not_available}). */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private static Connection open(PgConnectionInfo info, SnapshotSettings settings) {
        Properties p = new Properties();
        p.setProperty("user", info.user());
        p.setProperty("password", info.password());
        p.setProperty("ApplicationName", "freshet-snapshot");
        p.setProperty("tcpKeepAlive", "true");
        try {
            // The driver itself, not DriverManager: a shaded jar may keep only one java.sql.Driver service file.
            Connection c = new org.postgresql.Driver().connect(info.jdbcUrl(), p);
            if (c == null) {
                throw new SQLException("pgjdbc does not accept the URL");
            }
            c.setAutoCommit(true);
            execute(c, SESSION_SETTINGS);
            // Without it a snapshot waits for ever behind a migration's exclusive lock (and every query queued behind it waits too).
            execute(c, "SET lock_timeout = " + settings.lockTimeout().toMillis());
            return c;
        } catch (SQLException e) {
            throw new SnapshotException(null, "cannot connect to " + info.jdbcUrl() + " as " + info.user() + ": " + e.getMessage(), e);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    // ---- planning -------------------------------------------------------------------------------

    private static List<Plan> preflight(PgCatalog catalog, Connection c, List<TableRequest> tables, Path workDir) throws SQLException {
        List<Plan> plans = new ArrayList<>();
        Map<String, Integer> dirs = new HashMap<>();
        for (TableRequest t : tables) {
            String name = t.displayName();
            PgCatalog.Relation relation = catalog.relation(t.schema(), t.table()).orElseThrow(() -> missing(catalog, t));
            if (!relation.readable()) {
                throw new SnapshotException(name, "is a " + relation.kindName() + ", not a table or view");
            }
            Plan plan = plan(t, relation, catalog.columns(relation), Optional.empty(), Optional.empty(), outputDir(workDir, t.output(), dirs));
            Optional<String> literal = Optional.empty();
            if (t.lastWatermark().isPresent()) {
                literal = Optional.of(canonicalWatermark(c, plan, "last watermark", t.lastWatermark().get()));
            }
            Optional<String> upTo = Optional.empty();
            if (t.upTo().isPresent()) {
                upTo = Optional.of(canonicalWatermark(c, plan, "upper watermark", t.upTo().get()));
            }
            plans.add(new Plan(t, name, relation, plan.columns(), plan.watermarkIndex(), literal, upTo, plan.dir()));
        }
        return plans;
    }

    private static SnapshotException missing(PgCatalog catalog, TableRequest t) {
        try {
            if (!catalog.schemaExists(t.schema())) {
                return new SnapshotException(t.displayName(), "schema " + Sql.quoteIdent(t.schema()) + " does not exist");
            }
        } catch (SQLException e) {
            return new SnapshotException(t.displayName(), "does not exist", e);
        }
        return new SnapshotException(t.displayName(), "table does not exist in schema " + Sql.quoteIdent(t.schema()));
    }

    private static Plan plan(TableRequest t, PgCatalog.Relation relation, List<PgColumn> columns, Optional<String> literal,
                             Optional<String> upTo, Path dir) {
        String name = t.displayName();
        if (columns.isEmpty()) {
            throw new SnapshotException(name, "has no columns; a Parquet file needs at least one");
        }
        Map<String, String> folded = new HashMap<>();
        for (PgColumn c : columns) {
            String other = folded.putIfAbsent(asciiLower(c.name()), c.name());
            if (other != null) {
                throw new SnapshotException(name, "columns " + Sql.quoteIdent(other) + " and " + Sql.quoteIdent(c.name())
                        + " differ only in case; DuckDB (and many Parquet readers) cannot tell them apart");
            }
        }
        int watermarkIndex = -1;
        if (t.watermarkColumn().isPresent()) {
            String wm = t.watermarkColumn().get();
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(wm)) {
                    watermarkIndex = i;
                }
            }
            if (watermarkIndex < 0) {
                throw new SnapshotException(name, "watermark column " + Sql.quoteIdent(wm) + " does not exist (columns: "
                        + columns.stream().map(c -> Sql.quoteIdent(c.name())).collect(Collectors.joining(", ")) + ")");
            }
            PgColumn c = columns.get(watermarkIndex);
            if (!c.kind().canBeWatermark()) {
                throw new SnapshotException(name, "watermark column " + Sql.quoteIdent(wm) + " is of type " + c.pgType()
                        + "; a watermark must be an integer, numeric, date, timestamp or timestamptz column");
            }
        }
        return new Plan(t, name, relation, columns, watermarkIndex, literal, upTo, dir);
    }

    private static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return b.toString();
    }

    /**
     * PostgreSQL's own text for a watermark bound as a value of the column's type; refuses what is
     * not one, and a non-finite value (recorded before such values were refused, or typed by hand):
     * nothing is past {@code infinity} or {@code NaN}, so a snapshot from there would read nothing.
     */
    private static String canonicalWatermark(Connection c, Plan plan, String what, String value) throws SQLException {
        PgColumn column = plan.columns().get(plan.watermarkIndex());
        String sql = "SELECT CAST(CAST(? AS text) AS " + column.pgType() + ")::text";
        String canonical;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                canonical = rs.getString(1);
            }
        } catch (PSQLException e) {
            throw new SnapshotException(plan.table(), what + " '" + value + "' is not a valid " + column.pgType()
                    + " for watermark column " + Sql.quoteIdent(column.name()) + ": " + e.getServerErrorMessage(), e);
        }
        if (NON_FINITE.contains(canonical)) {
            throw new SnapshotException(plan.table(), what + " '" + canonical + "' of watermark column " + Sql.quoteIdent(column.name())
                    + " is not a finite value: no row is past it, so an incremental snapshot from it would read nothing");
        }
        return canonical;
    }

    /** PostgreSQL's canonical text of the non-finite values of the watermark types (dates, timestamps, numeric). */
    private static final Set<String> NON_FINITE = Set.of("infinity", "-infinity", "Infinity", "-Infinity", "NaN");

    private static Path outputDir(Path workDir, String output, Map<String, Integer> dirs) {
        String dir = output.replaceAll("[^A-Za-z0-9._=-]", "_");
        if (dir.equals(".") || dir.equals("..")) {
            dir = "_" + dir;
        }
        int n = dirs.merge(dir, 1, Integer::sum);
        if (n > 1) {
            dir = dir + "-" + n;
        }
        return workDir.resolve(dir);
    }

    private static void lock(Connection c, List<Plan> plans, java.time.Duration lockTimeout) throws SQLException {
        // Tables, partitioned tables and views (which lock their base tables); LOCK refuses materialized
        // views and foreign tables, whose column types cannot be altered anyway. One statement per table,
        // so that a lock timeout names the table that is held.
        List<String> names = plans.stream().filter(p -> "rpv".indexOf(p.relation().kind()) >= 0).map(Plan::table).distinct().toList();
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

    /** The columns again, now under the locks, so they are the definitions the COPY will read. */
    private static List<Plan> reread(PgCatalog catalog, List<Plan> plans) throws SQLException {
        List<Plan> out = new ArrayList<>();
        for (Plan p : plans) {
            Plan fresh = plan(p.request(), p.relation(), catalog.columns(p.relation()), p.watermarkLiteral(), p.upToLiteral(), p.dir());
            out.add(fresh);
        }
        return out;
    }

    private static String exportSnapshot(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String copySql(Plan plan) {
        StringBuilder sql = new StringBuilder("COPY (SELECT ");
        List<PgColumn> columns = plan.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sql.append(", ");
            }
            sql.append(columns.get(i).selectExpression());
        }
        sql.append(" FROM ").append(plan.table());
        if (plan.watermarkIndex() >= 0) {
            PgColumn wm = columns.get(plan.watermarkIndex());
            String column = Sql.quoteIdent(wm.name());
            List<String> where = new ArrayList<>();
            plan.watermarkLiteral().ifPresent(after -> where.add(column + " > " + typed(after, wm)));
            plan.upToLiteral().ifPresent(upTo -> where.add(plan.watermarkLiteral().isPresent()
                    ? column + " <= " + typed(upTo, wm)
                    : "(" + column + " IS NULL OR " + column + " <= " + typed(upTo, wm) + ")")); // from the start: NULLs as a first run read them
            if (!where.isEmpty()) {
                sql.append(" WHERE ").append(String.join(" AND ", where));
            }
        }
        return sql.append(") TO STDOUT (FORMAT binary)").toString();
    }

    private static String typed(String literal, PgColumn column) {
        return "CAST(" + Sql.quoteLiteral(literal) + " AS " + column.pgType() + ")";
    }

    // ---- copying ----------------------------------------------------------------------------------

    private List<TableSnapshot> run(List<Plan> plans, List<Connection> pg, DuckDbParquet duck, ParquetFileListener listener,
                                    java.time.Duration lockTimeout) throws SQLException {
        TableSnapshot[] results = new TableSnapshot[plans.size()];
        if (pg.size() == 1) {
            DuckDBConnection d = duck.connect();
            for (int i = 0; i < plans.size(); i++) {
                results[i] = copyTable(plans.get(i), pg.get(0), duck, d, listener, lockTimeout);
            }
            return List.of(results);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(pg.size(), r -> {
            Thread t = new Thread(r, "freshet-snapshot-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Connection c : pg) {
                DuckDBConnection d = duck.connect();
                futures.add(pool.submit(() -> {
                    int i;
                    while (!failed.get() && (i = next.getAndIncrement()) < plans.size()) {
                        try {
                            results[i] = copyTable(plans.get(i), c, duck, d, listener, lockTimeout);
                        } catch (RuntimeException e) {
                            failed.set(true);
                            throw e;
                        }
                    }
                    return null;
                }));
            }
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException r ? r : new SnapshotException(null, e.getCause().toString(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SnapshotException(null, "interrupted", e);
                }
            }
            if (first != null) {
                throw first;
            }
            return List.of(results);
        } finally {
            pool.shutdownNow();
        }
    }

    private TableSnapshot copyTable(Plan plan, Connection pg, DuckDbParquet parquet, DuckDBConnection duck, ParquetFileListener listener,
                                    java.time.Duration lockTimeout) {
        String output = plan.request().output();
        try {
            Files.createDirectories(plan.dir());
            try (var old = Files.newDirectoryStream(plan.dir(), "part-*.parquet")) {
                for (Path f : old) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new SnapshotException(plan.table(), "cannot prepare " + plan.dir() + ": " + e.getMessage(), e);
        }
        String copySql = copySql(plan);
        List<Path> files = new ArrayList<>();
        long written = 0;
        long bytes = 0;
        try (CopyStream stream = new CopyStream(plan.columns(), plan.watermarkIndex(), partBytes)) {
            stream.start(pg.unwrap(PGConnection.class), copySql, "freshet-copy " + output);
            do {
                Path file = plan.dir().resolve(String.format("part-%05d.parquet", files.size()));
                stream.startPart();
                long rows;
                try {
                    rows = parquet.copyToParquet(duck, stream, file);
                } catch (SQLException e) {
                    stream.cancel();
                    Throwable readerFailure = stream.await();
                    throw failure(plan, readerFailure != null ? readerFailure : e, lockTimeout);
                }
                if (files.isEmpty()) {
                    List<String> names = DuckDbParquet.columnNames(duck, file);
                    List<String> expected = plan.columns().stream().map(PgColumn::name).toList();
                    if (!names.equals(expected)) {
                        throw new SnapshotException(plan.table(), "the Parquet file's columns " + names + " are not the table's " + expected);
                    }
                }
                files.add(file);
                written += rows;
                bytes += Files.size(file);
                try {
                    listener.fileWritten(output, file, rows);
                } catch (Exception e) {
                    stream.cancel();
                    throw new SnapshotException(plan.table(), "the file listener failed on " + file.getFileName() + ": " + e, e);
                }
            } while (stream.hasMore());
            Throwable readerFailure = stream.await();
            if (readerFailure != null) {
                throw failure(plan, readerFailure, lockTimeout);
            }
            if (written != stream.rows()) {
                throw new SnapshotException(plan.table(), "DuckDB wrote " + written + " rows where PostgreSQL sent " + stream.rows());
            }
            Optional<String> watermark = Optional.empty();
            if (plan.watermarkIndex() >= 0) {
                watermark = stream.watermark().text().or(() -> plan.request().lastWatermark());
            }
            List<ColumnInfo> columns = plan.columns().stream().map(PgColumn::info).toList();
            return new TableSnapshot(output, files, written, bytes, schemaHash(columns), watermark, columns);
        } catch (CopyStream.StreamFailedException e) {
            throw failure(plan, e, lockTimeout);
        } catch (SQLException e) {
            throw failure(plan, e, lockTimeout);
        } catch (IOException e) {
            throw new SnapshotException(plan.table(), "I/O: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException(plan.table(), "interrupted", e);
        }
    }

    private static SnapshotException failure(Plan plan, Throwable cause, java.time.Duration lockTimeout) {
        Throwable c = cause;
        while (c instanceof CopyStream.StreamFailedException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof SnapshotException s) {
            return s;
        }
        if (c instanceof SQLException e && LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
            // A relation LOCK TABLE cannot take beforehand (a materialized view being refreshed): its COPY waited for it.
            return new TableLockedException(plan.table(), lockTimeout, c);
        }
        String message;
        if (c instanceof RowDecoder.ColumnValueException v) {
            message = v.getMessage();
        } else if (c instanceof PSQLException p) {
            message = "PostgreSQL: " + (p.getServerErrorMessage() != null ? p.getServerErrorMessage().toString() : p.getMessage());
        } else if (c instanceof SQLException) {
            message = "DuckDB: " + firstLine(c.getMessage());
        } else {
            message = c.toString();
        }
        return new SnapshotException(plan.table(), message, c);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
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
