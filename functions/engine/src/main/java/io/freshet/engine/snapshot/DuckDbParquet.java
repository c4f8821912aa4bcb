package io.freshet.engine.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.duckdb.FreshetTableFunction;

/**
 * An in-memory DuckDB that turns {@link CopyStream}s into zstd Parquet: a Java table function
 * ({@code freshet_pg_copy(id)}) yields the batches of one {@link CopyStream.Part} and {@code COPY
 * (SELECT ...) TO 'file' (FORMAT parquet)} writes them as they come, so no table is ever
 * materialised. DuckDB runs with one thread, so that a COPY runs wholly on the Java thread that
 * executes it: the table function is then called on a thread the JVM knows. On one of DuckDB's own
 * threads the driver attaches the thread to the JVM for every call and detaches it after, a new
 * {@code java.lang.Thread} each time; measured, a snapshot of three integers spent twice the CPU
 * per row (0.29-0.36 µs against 0.13-0.15) whenever DuckDB ran its one task there. Writing in
 * parallel is therefore several COPYs at once, each on a writer thread of the snapshot's and a
 * connection of its own, each writing its own files ({@link #writers}). Bounded by
 * {@code memory_limit}; DuckDB spills under {@code temp_directory}; its home and extension
 * directories are under the work directory, never {@code $HOME}; extensions are never installed or
 * loaded automatically (json and parquet are built in).
 */
final class DuckDbParquet implements AutoCloseable {

    static final String FUNCTION = "freshet_pg_copy";
    /**
     * zstd level 1: the same 8-column, 2M-row table took 0.46 s at level 1 against 0.61 s at the
     * default (3) on one thread, for a file 10% larger. The writer's CPU competes with PostgreSQL's
     * for the same cores, so speed wins.
     */
    static final int ZSTD_LEVEL = 1;
    /**
     * The most distinct values a column chunk (a row group's column) is dictionary-encoded with;
     * past it the column is written plain and zstd-compressed. DuckDB's own limit is about ten times
     * that (a column of 5,000 distinct values in a row group of 122,880 rows keeps its dictionary),
     * and it finds a column past its limit only after hashing that many of its values, in every
     * row group: keys, amounts, instants and names pay for a dictionary they never get. On shared
     * cores the writers' CPU is the server's loss: the 22-column table of `bench snapshot`, 1M rows,
     * two pairs of runs, client CPU 2.78 -> 2.40 us a row (mean of the rounds), Freshet / DuckDB's
     * scanner 1.04 -> 1.13, files the same size (76.0-76.7 bytes a row; docs/performance.md).
     * Columns of codes, states, cities and flags keep their dictionaries.
     */
    static final int DICTIONARY_LIMIT = 1024;
    /**
     * The most rows in a row group: a quarter of DuckDB's default (122,880). A row group is written
     * when it is full, on the writer's thread, in one go (statistics, dictionaries, encoding, zstd),
     * and while it is, the readers fill every free batch and wait, and PostgreSQL's backends wait on
     * them: on cores the database shares, the cores idle. A quarter as many rows is a quarter as
     * long a wait, and the narrow table's row group (about 2 MB as DuckDB holds it) stays in a core's
     * L2 cache (4 MB here) while it is encoded. Measured with `bench snapshot`, 10M rows of the
     * 8-column table: 1.77-1.93M rows/s against 1.60-1.84M, cores idle 4-7% against 7-13%; a table of
     * four ints, two texts and two timestamps (6M rows): 1.31-1.41M against 1.11-1.20M; the 22-column
     * one +2-3%. Files are 6-11% smaller, as more columns stay within {@link #DICTIONARY_LIMIT} in a
     * row group. 61,440 rows measured no better than 122,880. Readers get row groups of 1-10 MB, and
     * finer min/max statistics to skip them by (docs/performance.md, "Row groups of 30,720 rows").
     */
    static final int ROW_GROUP_ROWS = 30_720;
    /**
     * The least memory ({@code memory_limit}) a writer is given: its row group (a share of a quarter
     * of the limit), the Parquet writer's pages, and the strings of the chunk at hand (up to
     * {@link Batch#PAYLOAD_LIMIT}), which DuckDB allocates inside the table function's call, where
     * its out-of-memory error cannot become a Java exception and aborts the process. Under a limit
     * too small for every thread, fewer writers: then DuckDB runs out of memory in its own code
     * first, which fails the snapshot cleanly.
     */
    static final long WRITER_MEMORY = 64L << 20;
    /** A row without strings whose {@link #rowBytes} is at most this is narrow. */
    static final int NARROW_ROW_BYTES = 192;
    private static final int PER_VALUE_BYTES = 8;

    private final DuckDBConnection root;
    private final long rowGroupBytes;
    private final int maxWriters;
    private final List<DuckDBConnection> connections = new ArrayList<>();
    /** The JSON and ENUM types of stream columns (destroyed on close). */
    private final DuckTypes types;

    DuckDbParquet(Path workDir, SnapshotSettings settings) throws IOException {
        DuckDbVectors.check();
        Path home = workDir.resolve(".duckdb");
        Files.createDirectories(home.resolve("extensions"));
        Files.createDirectories(settings.tempDir());
        Properties p = properties(home, settings.tempDir());
        p.setProperty("memory_limit", settings.memoryLimit());
        this.maxWriters = (int) Math.max(1, Math.min(settings.threads(), bytes(settings.memoryLimit()) / WRITER_MEMORY));
        this.rowGroupBytes = rowGroupBytes(settings);
        try {
            // The driver itself, not DriverManager: a shaded jar may keep only one java.sql.Driver service file.
            this.root = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", p);
            this.types = types(root);
        } catch (SQLException e) {
            throw new SnapshotException(null, "DuckDB did not start: " + e.getMessage(), e);
        }
    }

    private static DuckTypes types(DuckDBConnection duck) throws SQLException {
        try {
            return new DuckTypes(duck);
        } catch (SQLException e) {
            duck.close();
            throw e;
        }
    }

    /**
     * A writer's DuckDB, but for its memory limit ({@link WriterProbe} starts the same): one
     * thread, synchronous writes, its files under {@code home} and {@code tempDir}, nothing
     * installed or loaded from outside.
     */
    static Properties properties(Path home, Path tempDir) {
        Properties p = new Properties();
        p.setProperty("threads", "1"); // see the class comment: parallel writers are parallel COPYs
        p.setProperty("temp_directory", tempDir.toAbsolutePath().toString());
        p.setProperty("home_directory", home.toAbsolutePath().toString());
        p.setProperty("extension_directory", home.resolve("extensions").toAbsolutePath().toString());
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        // DuckDB 2.0's asynchronous file writer deadlocks when a COPY fails with writes in flight
        // (AsyncWriteQueue::AbortWrites waits for a task blocked on the queue's own mutex): a failed
        // snapshot would hang instead of failing. Synchronous writes fail cleanly.
        p.setProperty("async_threads", "0");
        p.setProperty("preserve_insertion_order", "false"); // else ROW_GROUP_SIZE_BYTES is ignored
        return p;
    }

    /** Each writer fills its own row group: together they may take a quarter of the memory limit. */
    static long rowGroupBytes(SnapshotSettings settings) {
        return Math.max(1L << 20, Math.min(128L << 20, bytes(settings.memoryLimit()) / 4 / settings.threads()));
    }

    /** The options of every {@code COPY ... TO} a snapshot writes a file with ({@link WriterProbe} times the same). */
    static String parquetOptions(long rowGroupBytes) {
        return "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL " + ZSTD_LEVEL + ", ROW_GROUP_SIZE " + ROW_GROUP_ROWS
                + ", ROW_GROUP_SIZE_BYTES " + rowGroupBytes + ", DICTIONARY_SIZE_LIMIT " + DICTIONARY_LIMIT + ")";
    }

    /** The most writers one table gets: the settings' threads, fewer under a small memory limit ({@link #WRITER_MEMORY}). */
    int maxWriters() {
        return maxWriters;
    }

    /** A connection of its own for one worker, with the table function registered. */
    synchronized DuckDBConnection connect() {
        try {
            DuckDBConnection c = root.duplicate();
            connections.add(c);
            try (Statement s = c.createStatement()) {
                s.execute("SET TimeZone = 'UTC'"); // no conversion should ever depend on the host's zone
            }
            FreshetTableFunction.register(c, FUNCTION, new PartFunction(types));
            return c;
        } catch (SQLException e) {
            throw new SnapshotException(null, "DuckDB: " + e.getMessage(), e);
        }
    }

    /** Closes a connection {@link #connect} made, once its writer is done with it. */
    synchronized void disconnect(DuckDBConnection c) {
        if (connections.remove(c)) {
            try {
                c.close();
            } catch (SQLException e) {
                throw new SnapshotException(null, "DuckDB: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Writes the part to {@code file} as zstd Parquet, returning the rows DuckDB wrote. Columns
     * keep their PostgreSQL names; the stream's own columns are {@code c0, c1, ...}, so names that
     * DuckDB would consider equal ({@code Name} and {@code name}) never meet in its binder.
     */
    long copyToParquet(Connection duck, CopyStream.Part part, Path file) throws SQLException {
        StringBuilder select = new StringBuilder();
        List<PgColumn> columns = part.columns();
        types.prepare(columns);
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                select.append(", ");
            }
            PgColumn c = columns.get(i);
            select.append(c.duckdbExpression(Sql.quoteIdent("c" + i))).append(" AS ").append(Sql.quoteIdent(c.name()));
        }
        String sql = "COPY (SELECT " + select + " FROM " + FUNCTION + "(" + Sql.quoteLiteral(part.id) + ")) TO "
                + Sql.quoteLiteral(file.toAbsolutePath().toString()) + " " + parquetOptions(rowGroupBytes);
        try (Statement s = duck.createStatement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    return rs.next() ? rs.getLong(1) : -1;
                }
            }
            return s.getUpdateCount();
        }
    }

    /**
     * How many COPYs write a table at once, each on a thread and a DuckDB connection of its own:
     * one for a narrow row without strings (fixed-width values and lists of them, {@code rowBytes}
     * at most {@link #NARROW_ROW_BYTES}: {@link #rowBytes}), which one writer keeps up with (about
     * 6M rows/s of three integers here) and which a second only slows with its hand-offs and the
     * CPU it takes from the readers (and, on a shared machine, from the database's backends); every
     * one of {@code threads} otherwise, so that the Parquet writer's CPU (encoding, statistics,
     * zstd) spreads over the cores instead of queueing behind one thread. A string column makes
     * any row wide: the writer spends four to five times as much on a short string as on an 8-byte
     * value (the dictionary's hash and lookup, the statistics' comparisons, the copy into the row
     * group), and how long a table's strings are cannot be told from its first batch (numbers
     * written as text grow with the rows). On every row of strings measured, from one text column
     * to six, two writers did as well as one or up to 25% better (docs/performance.md, "One writer
     * for narrow rows" and "A string column makes a row wide").
     */
    static int writers(int rowBytes, int stringColumns, int threads) {
        return rowBytes <= NARROW_ROW_BYTES && stringColumns == 0 ? 1 : threads;
    }

    /**
     * What a row without strings costs the Parquet writer, in bytes: its values as DuckDB
     * holds them ({@code valueBytesPerRow}, measured on the first batch) and {@value #PER_VALUE_BYTES}
     * per column for what the writer does per value whatever its width (validity, statistics, the
     * dictionary's lookup).
     */
    static int rowBytes(double valueBytesPerRow, int columns) {
        return (int) Math.min(Integer.MAX_VALUE / 2, Math.round(valueBytesPerRow)) + PER_VALUE_BYTES * columns;
    }

    /** {@code 256MB}, {@code 1.5GiB} -> bytes (KB = 1000, KiB = 1024, as DuckDB reads them). */
    static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]+)").matcher(size.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + size);
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        double factor = switch (unit) {
            case "B" -> 1;
            case "KB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            case "TB" -> 1e12;
            case "KIB" -> 1024.0;
            case "MIB" -> 1024.0 * 1024;
            case "GIB" -> 1024.0 * 1024 * 1024;
            case "TIB" -> 1024.0 * 1024 * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown unit in " + size);
        };
        return (long) (n * factor);
    }

    /** The top-level column names of a Parquet file, in order. */
    static List<String> columnNames(Connection duck, Path file) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + Sql.quoteLiteral(file.toAbsolutePath().toString()) + ")")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Override
    public synchronized void close() {
        SQLException first = null;
        for (DuckDBConnection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        types.close();
        try {
            root.close();
        } catch (SQLException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw new SnapshotException(null, "DuckDB did not close cleanly: " + first.getMessage(), first);
        }
    }

    /** {@code freshet_pg_copy(id)}: the batches of the open {@link CopyStream.Part} with that id, one chunk each. */
    private static final class PartFunction implements FreshetTableFunction.Source {

        private final DuckTypes types;

        PartFunction(DuckTypes types) {
            this.types = types;
        }

        @Override
        public Object bind(ByteBuffer bindInfo, String id) {
            CopyStream.Part part = CopyStream.partById(id);
            DuckDbVectors.declare(bindInfo, part.columns(), types);
            return new Bound(part, ChunkStrings.forPart());
        }

        @Override
        public int maxThreads(Object part) {
            return 1; // a part is one writer's; DuckDB has one thread anyway
        }

        @Override
        public long fill(Object bindData, ByteBuffer chunk) throws InterruptedException {
            Bound bound = (Bound) bindData;
            Batch batch = bound.part.next();
            if (batch == null) {
                bound.strings.close(); // the last chunk is written: DuckDB asks for no more
                return 0;
            }
            try {
                DuckDbVectors.write(chunk, batch, bound.strings);
                return batch.rows;
            } finally {
                bound.part.release(batch);
            }
        }
    }

    /** A bound call's part and the memory its chunks' long strings are copied into. */
    private record Bound(CopyStream.Part part, ChunkStrings strings) {
    }
}
