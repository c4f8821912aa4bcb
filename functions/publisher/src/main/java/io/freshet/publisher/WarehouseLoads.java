package io.freshet.publisher;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
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
 * each loaded in its own transaction ({@link WarehouseLoader}), with the fault point
 * {@code after-load} right after each PostgreSQL commit. Connection names resolve to credentials as
 * the runner's snapshots do ({@link PgCredentials}).
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
            try (Connection c = open(load)) {
                loader.check(c, load);
            } catch (SQLException e) {
                throw connectionFailure(load, e);
            }
        }
    }

    /** Each load in its own transaction, once per run attempt; {@code after-load} follows each commit. */
    void load(List<WarehouseLoad> loads, Map<String, Object> ctx) {
        for (WarehouseLoad load : loads) {
            WarehouseLoader.Result result;
            try (Connection c = open(load)) {
                result = loader.load(c, load);
            } catch (SQLException e) {
                throw connectionFailure(load, e);
            }
            faults.reached("after-load");
            Map<String, Object> fields = new TreeMap<>(ctx);
            fields.putAll(Map.of("asset", load.asset(), "connection", load.target().connection(), "table", load.table(),
                    "mode", load.target().mode().yamlName(), "rows", result.rows(), "alreadyLoaded", result.alreadyLoaded()));
            log.info(result.alreadyLoaded() ? "warehouse table already loaded by this attempt" : "warehouse table loaded", fields);
        }
    }

    /** Connecting or closing failed: retried when PostgreSQL's state says so, else the run fails (a wrong password stays wrong). */
    private static RuntimeException connectionFailure(WarehouseLoad load, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
        return state.isEmpty() || Failures.isTransientSqlState(state) ? new WarehouseUnavailableException(load.table(), message, e)
                : new WarehouseLoadException(load.table(), message, e);
    }

    private Connection open(WarehouseLoad load) throws SQLException {
        PgCredentials.Connection c = credentials.resolve(load.target().connection());
        Properties p = new Properties();
        p.setProperty("user", c.user());
        p.setProperty("password", c.password());
        p.setProperty("ApplicationName", "freshet-publisher");
        // The driver itself, not DriverManager: a shaded package may keep another driver's service file only.
        Connection connection = new Driver().connect(c.jdbcUrl(), p);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not accept the URL of connection '" + load.target().connection() + "'");
        }
        return connection;
    }
}
