package io.freshet.engine.snapshot;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.duckdb.DuckDBConnection;
import org.duckdb.FreshetTableFunction;

/**
 * The DuckDB types of stream columns that the driver's C API bindings cannot build: JSON (VARCHAR
 * with an alias) and the ENUM of each enum's labels. Each is read from a temporary table's column
 * ({@link FreshetTableFunction#typeOfColumn}) on the one connection this is given, once, and
 * shared by every writer until {@link #close}. ENUMs are made as tables' columns come
 * ({@link #prepare}), before a COPY binds the table function that declares them.
 */
final class DuckTypes implements AutoCloseable {

    private final DuckDBConnection connection;
    private final ByteBuffer json;
    private final Map<EnumLabels, ByteBuffer> enums = new ConcurrentHashMap<>();
    private int tables;

    DuckTypes(DuckDBConnection connection) throws SQLException {
        this.connection = connection;
        this.json = ofColumn("JSON");
    }

    /** Whether a column of this kind is declared with a shared type (not to be destroyed after use). */
    static boolean shared(Kind kind) {
        return kind == Kind.JSON || kind == Kind.JSONB || kind == Kind.ENUM;
    }

    ByteBuffer json() {
        return json;
    }

    /** The ENUM of these labels; {@link #prepare} made it. */
    ByteBuffer enumOf(EnumLabels labels) {
        ByteBuffer type = enums.get(labels);
        if (type == null) {
            throw new IllegalStateException("no DuckDB type was made for " + labels);
        }
        return type;
    }

    /** Makes the ENUM of every enum column (and array element) of {@code columns} not made yet. */
    synchronized void prepare(List<PgColumn> columns) throws SQLException {
        for (PgColumn c : columns) {
            PgColumn scalar = c.scalar();
            if (scalar.kind() == Kind.ENUM && !enums.containsKey(scalar.labels())) {
                String labels = scalar.labels().labels().stream().map(Sql::quoteLiteral).collect(Collectors.joining(", "));
                enums.put(scalar.labels(), ofColumn("ENUM(" + labels + ")"));
            }
        }
    }

    private ByteBuffer ofColumn(String type) throws SQLException {
        String table = "freshet_type_" + tables++;
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TEMP TABLE " + table + " (c " + type + ")");
            try {
                return FreshetTableFunction.typeOfColumn(connection, "temp", "main", table, 0);
            } finally {
                s.execute("DROP TABLE temp.main." + table);
            }
        }
    }

    @Override
    public synchronized void close() {
        FreshetTableFunction.destroyType(json);
        enums.values().forEach(FreshetTableFunction::destroyType);
        enums.clear();
    }
}
