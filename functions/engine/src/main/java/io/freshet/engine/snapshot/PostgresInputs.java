package io.freshet.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the PostgreSQL inputs of a run (sources naming a table or a query) to zstd Parquet, over
 * the snapshot's binary COPY path ({@link TableCopier}), every input of one connection in ONE
 * {@code REPEATABLE READ READ ONLY} transaction on one connection: all of them see the same
 * committed data, as the tables of a snapshot do (one connection needs no exported snapshot).
 *
 * <p>Tables are planned, locked ({@code ACCESS SHARE}) and re-read under the locks exactly as a
 * snapshot's are. A query is read as {@code COPY (SELECT "a", ... FROM (<query>) AS freshet_query)
 * TO STDOUT (FORMAT binary)}; its columns' types come from PostgreSQL's description of the query
 * (type oid and modifier of each result column, resolved as a table's columns are), so the types
 * map exactly as a snapshot maps them. COPY takes no bind parameters, so each placeholder is bound
 * as a parameter of {@code set_config('freshet.<name>', ?, true)} (transaction-local) and the
 * query reads it back as {@code CAST(current_setting('freshet.<name>') AS <type>)}: no value is
 * ever spliced into the SQL text. The transaction's {@code TimeZone} is the pipeline's partition
 * zone, so a {@code timestamptz} column compared with the wall-time bounds compares at the right
 * instant. Memory is bounded as a snapshot's is: rows stream from the COPY into DuckDB's writer.
 */
public final class PostgresInputs {

    /** One input: what is read and the asset (output directory) it becomes. */
    public sealed interface Request permits Table, Query {
        String output();
    }

    /** A table or view by its exact catalog names. */
    public record Table(String schema, String table, String output) implements Request {
    }

    /**
     * A query with {@code {name}} placeholders ({@link io.freshet.core.model.PgQueryText}).
     *
     * @param parameters each placeholder's value and PostgreSQL type; an empty value is NULL
     */
    public record Query(String sql, Map<String, Parameter> parameters, String output) implements Request {
        public Query {
            parameters = Map.copyOf(parameters);
        }
    }

    /** A placeholder's value and the PostgreSQL type it is read as ({@code text}, {@code timestamp}). */
    public record Parameter(Optional<String> value, String pgType) {
        public Parameter {
            Objects.requireNonNull(value, "value");
            if (!TYPE.matcher(pgType).matches()) {
                throw new IllegalArgumentException("not a plain type name: " + pgType);
            }
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z ]{0,40}");

    private final long partBytes;

    public PostgresInputs() {
        this(PostgresSnapshot.PART_BYTES);
    }

    PostgresInputs(long partBytes) {
        this.partBytes = partBytes;
    }

    /**
     * Reads {@code inputs} in one transaction into {@code workDir/<output>/part-*.parquet}, telling
     * {@code listener} of each file as it is complete.
     *
     * @param timeZone the IANA zone the transaction's {@code TimeZone} is set to
     * @throws SnapshotException naming the table or query when one is the reason
     */
    public SnapshotResult read(PgConnectionInfo connection, List<Request> inputs, String timeZone, Path workDir, SnapshotSettings settings,
                               ParquetFileListener listener) {
        if (inputs.isEmpty()) {
            return new SnapshotResult(List.of());
        }
        Map<String, Parameter> bound = parameters(inputs);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new SnapshotException(null, "cannot create the work directory " + workDir, e);
        }
        try (DuckDbStart duckStart = DuckDbStart.begin(workDir, settings); Connection pg = PgSession.open(connection, settings)) {
            PgCatalog catalog = new PgCatalog(pg, "UTC".equals(timeZone)); // the transaction reads in the pipeline's zone
            List<TableRequest> tableRequests = inputs.stream().filter(Table.class::isInstance).map(Table.class::cast)
                    .map(t -> TableRequest.full(t.schema(), t.table(), t.output())).toList();
            List<TablePlan> tables = TablePlanner.preflight(catalog, pg, tableRequests, workDir);
            PgSession.execute(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            PgSession.lock(pg, tables, settings.lockTimeout());
            bind(pg, timeZone, bound); // the first query of the transaction: fixes the snapshot, after the locks
            tables = TablePlanner.reread(catalog, tables);
            List<TablePlan> plans = new ArrayList<>();
            int t = 0;
            for (Request r : inputs) {
                plans.add(r instanceof Query q ? QueryPlans.plan(catalog, pg, q, workDir) : tables.get(t++));
            }
            List<TableSnapshot> results;
            try (DuckDbParquet duck = duckStart.take()) {
                // One connection, each input read whole: a query has no pages to split, and inputs are small next to snapshots.
                List<List<TableRange>> whole = plans.stream().map(p -> List.of(TableRange.WHOLE)).toList();
                results = new TableCopier(partBytes).run(plans, whole, List.of(pg), duck, listener, settings.lockTimeout());
            }
            PgSession.execute(pg, "COMMIT");
            return new SnapshotResult(results);
        } catch (SQLException e) {
            if (PgSession.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw new TableLockedException(null, settings.lockTimeout(), e);
            }
            throw new SnapshotException(null, "PostgreSQL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SnapshotException(null, "I/O: " + e.getMessage(), e);
        }
    }

    /** Every query's parameters, one value per name (they come from one run). */
    private static Map<String, Parameter> parameters(List<Request> inputs) {
        Map<String, Parameter> all = new LinkedHashMap<>();
        for (Request r : inputs) {
            if (r instanceof Query q) {
                q.parameters().forEach((name, p) -> {
                    if (!NAME.matcher(name).matches()) {
                        throw new IllegalArgumentException("not a placeholder name: " + name);
                    }
                    Parameter first = all.putIfAbsent(name, p);
                    if (first != null && !first.equals(p)) {
                        throw new IllegalArgumentException("placeholder " + name + " is bound to two values in one read");
                    }
                });
            }
        }
        return all;
    }

    /** The transaction's zone and each placeholder's value, as bind parameters of {@code set_config}. */
    private static void bind(Connection pg, String timeZone, Map<String, Parameter> parameters) throws SQLException {
        try (PreparedStatement ps = pg.prepareStatement("SELECT pg_catalog.set_config(?, ?, true)")) {
            ps.setString(1, "TimeZone");
            ps.setString(2, timeZone);
            ps.executeQuery().close();
            for (Map.Entry<String, Parameter> p : parameters.entrySet()) {
                ps.setString(1, QueryPlans.setting(p.getKey()));
                ps.setString(2, p.getValue().value().orElse(""));
                ps.executeQuery().close();
            }
        }
    }
}
