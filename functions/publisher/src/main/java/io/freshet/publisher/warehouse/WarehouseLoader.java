package io.freshet.publisher.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.apache.iceberg.io.FileIO;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.freshet.core.error.Failures;
import io.freshet.core.model.PostgresOutput;

/**
 * Loads a run's staged partition into its PostgreSQL table: the Parquet is read here (no DuckDB,
 * no Hadoop) and streamed with {@code COPY ... FROM STDIN (FORMAT binary)} into a temporary staging
 * table; then, in the same single transaction, the partition's rows are replaced (deleted by the
 * partition column, inserted from staging) or merged ({@code INSERT ... ON CONFLICT (key) DO UPDATE}),
 * and a marker row {@code freshet.loads(asset, partition, run_id, attempt)} is inserted. Several
 * outputs into one database are one transaction ({@link #loadAll}): all loaded, or none. A reader
 * sees the old partition or the new one, never half; a retry of the same run attempt finds its
 * markers and writes nothing again. Loads of one table are serialised by a transaction-scoped
 * advisory lock, taken for all tables of the transaction first, in the order of their names.
 */
public final class WarehouseLoader {

    /** The schema of the marker table, in the target database. */
    public static final String MARKER_SCHEMA = "freshet";
    /** The marker table: one row per loaded run attempt and partition. */
    public static final String MARKERS = MARKER_SCHEMA + ".loads";

    private static final String MARKER_DDL = """
            CREATE TABLE IF NOT EXISTS freshet.loads (
              asset text NOT NULL, partition text NOT NULL, run_id text NOT NULL, attempt integer NOT NULL,
              target text NOT NULL, mode text NOT NULL, rows bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (asset, partition, run_id, attempt))""";
    private static final String STAGE = "freshet_stage";
    private static final String SCHEMA_EXISTS = "SELECT to_regnamespace(?) IS NOT NULL";
    private static final String TABLE_EXISTS = "SELECT to_regclass(?) IS NOT NULL";
    /** What a {@code CREATE ... IF NOT EXISTS} reports when another transaction created the same name at the same moment ({@link #createOrFind}). */
    private static final Set<String> CONCURRENT_CREATION = Set.of("23505", "42P07", "42P06", "42710");
    private static final String LOCK_PREFIX = "freshet-load ";

    private final FileIO io;

    public WarehouseLoader(FileIO io) {
        this.io = io;
    }

    /** What a load did: the rows it wrote, or found written by an earlier try of the same attempt. */
    public record Result(WarehouseLoad load, long rows, boolean alreadyLoaded) {
    }

    /**
     * Checks, without writing, that the load can be done: the files are readable Parquet of one
     * schema with PostgreSQL types, hold the partition column (replace_partition) and the key
     * (merge), and an existing table accepts them ({@link PgTable#requireAccepts}).
     *
     * @throws IncompatibleTableException naming the table and the column at fault
     */
    public void check(Connection c, WarehouseLoad load) {
        Optional<List<LoadColumn>> columns = columns(load);
        try {
            Optional<PgTable> table = PgTable.find(c, load.target().schema(), load.target().table());
            if (columns.isPresent() && table.isPresent()) {
                table.get().requireAccepts(columns.get(), mergeKey(load.target()));
            }
        } catch (SQLException e) {
            throw failure(load, e);
        }
    }

    /** One load alone in its transaction: {@link #loadAll} of one. */
    public Result load(Connection c, WarehouseLoad load) {
        return loadAll(c, List.of(load)).get(0);
    }

    /**
     * Loads every one of {@code loads}, all into the database {@code c} is connected to, in ONE
     * transaction, once per run attempt: every table's advisory lock taken first, in the order of
     * the tables' names (two publications locking overlapping tables wait for each other, never
     * deadlock); then, table by table in that order, the marker looked for (found: nothing written
     * for that output), the table created or checked, the output staged, swapped in and its marker
     * inserted; one commit. PostgreSQL refusing any load rolls back all of them.
     *
     * @return what each load did, in the order of the tables' names
     */
    public List<Result> loadAll(Connection c, List<WarehouseLoad> loads) {
        List<WarehouseLoad> ordered = loads.stream().sorted(Comparator.comparing(WarehouseLoad::table)
                .thenComparing(WarehouseLoad::asset)).toList();
        // Footers read before the transaction: its locks are held only while PostgreSQL works.
        List<Optional<List<LoadColumn>>> columns = ordered.stream().map(this::columns).toList();
        int at = 0;
        try {
            ensureMarkers(c);
            c.setAutoCommit(false);
            try {
                lockAll(c, ordered);
                List<Result> results = new ArrayList<>();
                for (; at < ordered.size(); at++) {
                    results.add(loadInTransaction(c, ordered.get(at), columns.get(at)));
                }
                if (results.stream().allMatch(Result::alreadyLoaded)) {
                    c.rollback();
                } else {
                    c.commit();
                }
                return results;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(ordered, Math.min(at, ordered.size() - 1), e);
        }
    }

    /** Each table's transaction-scoped advisory lock, in the order of the tables' names: the same order in every publication. */
    private static void lockAll(Connection c, List<WarehouseLoad> ordered) throws SQLException {
        Set<String> tables = new TreeSet<>();
        ordered.forEach(load -> tables.add(load.table()));
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            for (String table : tables) {
                lock.setString(1, LOCK_PREFIX + table);
                lock.execute();
            }
        }
    }

    private Result loadInTransaction(Connection c, WarehouseLoad load, Optional<List<LoadColumn>> columns) throws SQLException {
        PostgresOutput target = load.target();
        String table = Sql.ident(target.schema()) + "." + Sql.ident(target.table());
        Optional<Long> marked = marker(c, load);
        if (marked.isPresent()) {
            return new Result(load, marked.get(), true);
        }
        Optional<PgTable> existing = PgTable.find(c, target.schema(), target.table());
        if (existing.isPresent() && columns.isPresent()) {
            existing.get().requireAccepts(columns.get(), mergeKey(target));
        } else if (existing.isEmpty() && columns.isPresent()) {
            create(c, target, columns.get());
        }
        long rows = 0;
        if (columns.isPresent()) {
            rows = stage(c, load, columns.get());
        }
        if (existing.isPresent() || columns.isPresent()) {
            swap(c, load, table, columns.map(cols -> cols.stream().map(LoadColumn::name).toList()).orElse(List.of()));
        }
        if (columns.isPresent()) {
            // The next output of the transaction stages under the same name; its rows need not wait for the commit.
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + STAGE);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MARKERS
                + " (asset, partition, run_id, attempt, target, mode, rows) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, load.asset());
            ps.setString(2, load.partition());
            ps.setString(3, load.runId());
            ps.setInt(4, load.attempt());
            ps.setString(5, target.connection() + "/" + target.qualifiedName());
            ps.setString(6, target.mode().yamlName());
            ps.setLong(7, rows);
            ps.executeUpdate();
        }
        return new Result(load, rows, false);
    }

    /** Replace: the partition's rows (all rows, unpartitioned) deleted, staging inserted; merge: staging upserted by key. */
    private static void swap(Connection c, WarehouseLoad load, String table, List<String> names) throws SQLException {
        PostgresOutput target = load.target();
        if (target.mode() == PostgresOutput.Mode.REPLACE_PARTITION) {
            if (load.partitionColumn().isPresent()) {
                WarehouseLoad.PartitionValue p = load.partitionColumn().get();
                // The partition's text cast to the column's own type (date, timestamp): an index on it serves.
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + Sql.ident(p.column())
                        + " = CAST(? AS " + columnType(c, target, p.column()) + ")")) {
                    ps.setString(1, p.value());
                    ps.executeUpdate();
                }
            } else {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM " + table);
                }
            }
        }
        if (names.isEmpty()) {
            return;
        }
        String cols = Sql.idents(names);
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + STAGE);
        if (target.mode() == PostgresOutput.Mode.MERGE) {
            List<String> updated = names.stream().filter(n -> !target.key().contains(n)).toList();
            sql.append(" ON CONFLICT (").append(Sql.idents(target.key())).append(") DO ");
            sql.append(updated.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ",
                    updated.stream().map(n -> Sql.ident(n) + " = EXCLUDED." + Sql.ident(n)).toList()));
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql.toString());
        }
    }

    private static String columnType(Connection c, PostgresOutput target, String column) throws SQLException {
        return PgTable.find(c, target.schema(), target.table()).map(t -> t.columns().get(column)).map(PgTable.Column::type)
                .orElseThrow(() -> new IncompatibleTableException(target.qualifiedName(), column,
                        "replace_partition deletes by the partition column, and the table does not have it"));
    }

    /** The staged files streamed into a temporary table of the output's own types; the rows the server counted. */
    private long stage(Connection c, WarehouseLoad load, List<LoadColumn> columns) throws SQLException {
        List<String> defs = new ArrayList<>();
        columns.forEach(col -> defs.add(Sql.ident(col.name()) + " " + col.ddl()));
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE " + STAGE + " (" + String.join(", ", defs) + ") ON COMMIT DROP");
        }
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + STAGE + " ("
                + Sql.idents(columns.stream().map(LoadColumn::name).toList()) + ") FROM STDIN (FORMAT binary)");
        try {
            CopyBuffer out = new CopyBuffer(copy);
            for (String file : load.files()) {
                try (StagedParquet parquet = StagedParquet.open(io, file)) {
                    ParquetRows.write(parquet, columns, out);
                }
            }
            return out.finish();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void create(Connection c, PostgresOutput target, List<LoadColumn> columns) throws SQLException {
        List<String> defs = new ArrayList<>();
        columns.forEach(col -> defs.add(Sql.ident(col.name()) + " " + col.ddl()
                + (target.key().contains(col.name()) ? " NOT NULL" : "")));
        if (!target.key().isEmpty()) {
            defs.add("PRIMARY KEY (" + Sql.idents(target.key()) + ")");
        }
        if (!exists(c, SCHEMA_EXISTS, Sql.ident(target.schema()))) {
            // In the load's transaction: a publication of another table of the same new schema (no
            // advisory lock in common) may create it at the same moment.
            createOrFind(c, "CREATE SCHEMA IF NOT EXISTS " + Sql.ident(target.schema()), SCHEMA_EXISTS, Sql.ident(target.schema()));
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + Sql.ident(target.schema()) + "." + Sql.ident(target.table()) + " (" + String.join(", ", defs) + ")");
        }
    }

    private static Optional<Long> marker(Connection c, WarehouseLoad load) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rows FROM " + MARKERS
                + " WHERE asset = ? AND partition = ? AND run_id = ? AND attempt = ?")) {
            ps.setString(1, load.asset());
            ps.setString(2, load.partition());
            ps.setString(3, load.runId());
            ps.setInt(4, load.attempt());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * The marker table, created once per database; a concurrent creator's duplicate is no failure.
     * Looked for first: {@code CREATE SCHEMA IF NOT EXISTS} needs {@code CREATE} on the database
     * even when the schema exists, and the connection's user may lack it once the table is there.
     */
    static void ensureMarkers(Connection c) throws SQLException {
        if (exists(c, TABLE_EXISTS, MARKERS)) {
            return;
        }
        if (!exists(c, SCHEMA_EXISTS, MARKER_SCHEMA)) {
            createOrFind(c, "CREATE SCHEMA IF NOT EXISTS " + MARKER_SCHEMA, SCHEMA_EXISTS, MARKER_SCHEMA);
        }
        // Apart from the schema's: a schema another publication created at the same moment
        // still needs its table, which that publication may not have created yet.
        createOrFind(c, MARKER_DDL, TABLE_EXISTS, MARKERS);
    }

    /**
     * Runs {@code ddl}, a {@code CREATE ... IF NOT EXISTS} of {@code name}, which PostgreSQL does
     * not make safe against a concurrent creation of the same name. Depending on the moment the
     * other transaction commits, the statement fails with a unique violation on a catalog (23505),
     * the relation or schema existing (42P07, 42P06), or, for a table, its row type existing
     * (42710: the other committed between this statement's look for the relation and its look for
     * the type). Any of them is no failure when {@code name} exists afterwards ({@code exists},
     * a fresh look); a type of that name that is no table, say, still fails. Inside a transaction
     * the statement runs under a savepoint, so that its failure leaves the transaction usable.
     */
    private static void createOrFind(Connection c, String ddl, String exists, String name) throws SQLException {
        Savepoint before = c.getAutoCommit() ? null : c.setSavepoint();
        try (Statement s = c.createStatement()) {
            s.execute(ddl);
            if (before != null) {
                c.releaseSavepoint(before);
            }
        } catch (SQLException e) {
            if (before != null) {
                c.rollback(before);
            }
            if (!CONCURRENT_CREATION.contains(String.valueOf(e.getSQLState())) || !exists(c, exists, name)) {
                throw e;
            }
        }
    }

    private static boolean exists(Connection c, String query, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The output's columns (from its first file; every file must agree), or empty when the partition has no file. */
    private Optional<List<LoadColumn>> columns(WarehouseLoad load) {
        List<LoadColumn> first = null;
        for (String file : load.files()) {
            try (StagedParquet parquet = StagedParquet.open(io, file)) {
                List<LoadColumn> columns = LoadColumn.of(load.table(), parquet.schema());
                if (first != null && !ddls(first).equals(ddls(columns))) {
                    throw new IncompatibleTableException(load.table(), "", "the staged files disagree on their columns: "
                            + ddls(first) + " and " + ddls(columns) + " (" + file + ")");
                }
                first = columns;
            }
        }
        if (first != null) {
            requireLoadable(load, first);
        }
        return Optional.ofNullable(first);
    }

    private static void requireLoadable(WarehouseLoad load, List<LoadColumn> columns) {
        List<String> names = columns.stream().map(LoadColumn::name).toList();
        load.partitionColumn().filter(p -> load.target().mode() == PostgresOutput.Mode.REPLACE_PARTITION)
                .filter(p -> !names.contains(p.column())).ifPresent(p -> {
                    throw new IncompatibleTableException(load.table(), p.column(), "replace_partition deletes by the partition column, "
                            + "and the output does not have it");
                });
        for (String key : load.target().key()) {
            if (!names.contains(key)) {
                throw new IncompatibleTableException(load.table(), key, "the merge key column is not a column of the output (it has "
                        + String.join(", ", names) + ")");
            }
        }
    }

    private static List<String> ddls(List<LoadColumn> columns) {
        return columns.stream().map(col -> col.name() + " " + col.ddl()).toList();
    }

    private static List<String> mergeKey(PostgresOutput target) {
        return target.mode() == PostgresOutput.Mode.MERGE ? target.key() : List.of();
    }

    private static RuntimeException failure(WarehouseLoad load, SQLException e) {
        return failure(List.of(load), 0, e);
    }

    /** The load at fault named; the others of its transaction said rolled back with it. */
    private static RuntimeException failure(List<WarehouseLoad> transaction, int at, SQLException e) {
        WarehouseLoad load = transaction.get(at);
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        List<String> others = IntStream.range(0, transaction.size()).filter(i -> i != at).mapToObj(i -> transaction.get(i).table()).toList();
        String message = e.getMessage() + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")")
                + (others.isEmpty() ? "" : "; rolled back with it, in the same transaction: " + String.join(", ", others));
        return Failures.isTransientSqlState(state) ? new WarehouseUnavailableException(load.table(), message, e)
                : new WarehouseLoadException(load.table(), message, e);
    }
}
