package io.freshet.publisher;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.iceberg.io.FileIO;
import org.postgresql.Driver;

import io.freshet.aws.JsonLog;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.location.StackParameters;
import io.freshet.core.error.Failures;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.model.Output;
import io.freshet.core.model.PgServerTimeouts;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.TableLayout;
import io.freshet.publisher.warehouse.WarehouseLoad;
import io.freshet.publisher.warehouse.WarehouseLoadException;
import io.freshet.publisher.warehouse.WarehouseLoader;
import io.freshet.publisher.warehouse.WarehouseUnavailableException;
import io.freshet.state.protocol.FaultPoints;

/**
 * The publisher's side of outputs loaded into PostgreSQL ({@code postgres:} on an output): which
 * staged outputs are loaded where, every load checked before anything of the run is written, then
 * the loads into one database in one transaction ({@link WarehouseLoader#loadAll}), with the fault
 * point {@code after-load} right after each database's commit. Connection names resolve to
 * credentials as the runner's snapshots do ({@link PgCredentials}).
 */
final class WarehouseLoads {

    private final WarehouseLoader loader;
    private final PgCredentials credentials;
    private final FaultPoints faults;
    private final JsonLog log;

    WarehouseLoads(FileIO io, PgCredentials credentials, FaultPoints faults, JsonLog log) {
        this.loader = new WarehouseLoader(io);
        this.credentials = credentials;
        this.faults = faults;
        this.log = log;
    }

    /** The staged outputs that are also loaded into PostgreSQL, in the order staged. */
    static List<WarehouseLoad> of(Pipeline pipeline, List<AssetEvent> staged, String runId, int attempt, StackParameters stack) {
        List<WarehouseLoad> loads = new ArrayList<>();
        for (AssetEvent e : staged) {
            Optional<Output> out = pipeline.output(e.asset()).filter(o -> o.postgres().isPresent());
            out.ifPresent(o -> {
                TableLayout layout = TableLayout.of(o, stack);
                Optional<WarehouseLoad.PartitionValue> partition = layout.partitionColumn()
                        .map(c -> new WarehouseLoad.PartitionValue(c.name(), c.value(e.partition()).replace('T', ' ')));
                loads.add(new WarehouseLoad(e.asset(), e.partition(), partition, e.objects(), runId, attempt, o.postgres().get()));
            });
        }
        return loads;
    }

    /** Every load checked against its table, nothing written: a run that cannot load all fails before its first write. */
    void check(List<WarehouseLoad> loads) {
        for (WarehouseLoad load : loads) {
            try (Connection c = open(credentials.resolve(load.target().connection()), load)) {
                loader.check(c, load);
            } catch (SQLException e) {
                throw connectionFailure(load, e);
            }
        }
    }

    /**
     * The loads into one database (the same resolved credentials: URL, user, password) in one
     * transaction, all or none; the databases one after the other, in the order of their first
     * connection name (a database committed stays committed when a later one refuses: no
     * two-phase commit); {@code after-load} follows each database's commit. Once per run attempt.
     */
    void load(List<WarehouseLoad> loads, Map<String, Object> ctx) {
        for (Database db : databases(loads)) {
            WarehouseLoad first = db.loads().get(0);
            List<WarehouseLoader.Result> results;
            try (Connection c = open(db.credentials(), first)) {
                results = loader.loadAll(c, db.loads());
            } catch (SQLException e) {
                throw connectionFailure(first, e);
            }
            faults.reached("after-load");
            for (WarehouseLoader.Result result : results) {
                WarehouseLoad load = result.load();
                Map<String, Object> fields = new TreeMap<>(ctx);
                fields.putAll(Map.of("asset", load.asset(), "connection", load.target().connection(), "table", load.table(),
                        "mode", load.target().mode().yamlName(), "rows", result.rows(), "alreadyLoaded", result.alreadyLoaded(),
                        "transactionTables", results.size()));
                log.info(result.alreadyLoaded() ? "warehouse table already loaded by this attempt" : "warehouse table loaded", fields);
            }
        }
    }

    /** The loads into one database: one transaction. */
    private record Database(PgCredentials.Connection credentials, List<WarehouseLoad> loads) {
    }

    /** The loads grouped by the database their connection resolves to, in the order of connection, then table names. */
    private List<Database> databases(List<WarehouseLoad> loads) {
        Map<PgCredentials.Connection, List<WarehouseLoad>> grouped = new LinkedHashMap<>();
        loads.stream().sorted(Comparator.comparing((WarehouseLoad l) -> l.target().connection()).thenComparing(WarehouseLoad::table))
                .forEach(l -> grouped.computeIfAbsent(credentials.resolve(l.target().connection()), k -> new ArrayList<>()).add(l));
        return grouped.entrySet().stream().map(e -> new Database(e.getKey(), e.getValue())).toList();
    }

    /** Connecting or closing failed: retried when PostgreSQL's state says so, else the run fails (a wrong password stays wrong). */
    private static RuntimeException connectionFailure(WarehouseLoad load, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
        return state.isEmpty() || Failures.isTransientSqlState(state) ? new WarehouseUnavailableException(load.table(), message, e)
                : new WarehouseLoadException(load.table(), message, e);
    }

    private static Connection open(PgCredentials.Connection c, WarehouseLoad load) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", c.user());
        p.setProperty("password", c.password());
        p.setProperty("ApplicationName", "freshet-publisher");
        // The driver itself, not DriverManager: a shaded package may keep another driver's service file only.
        Connection connection = new Driver().connect(c.jdbcUrl(), p);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL of connection '" + load.target().connection() + "'");
        }
        try (Statement s = connection.createStatement()) {
            s.execute(PgServerTimeouts.SESSION_START); // a role's statement_timeout would cancel a large load part way; a frozen publisher must not hold its locks for hours
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
