package org.duckdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * A DuckDB table function whose chunks Freshet fills through DuckDB's C API vectors directly.
 *
 * <p>Why it lives in the driver's package: duckdb_jdbc 2.0.0.1 wraps every output chunk in a
 * {@link DuckDBDataChunkWriter} before calling a {@link DuckDBTableFunction}, and that writer
 * refuses LIST vectors (and zeroes every vector and its validity on each call). Array columns then
 * had to travel as JSON text that DuckDB parsed again, the largest cost of a wide snapshot. This
 * subclass of the driver's (package-private) wrapper receives the native callbacks itself (DuckDB
 * calls {@code executeBind}, {@code executeGlobalInit}, {@code executeLocalInit} and
 * {@code executeFunction} on it), declares result columns of any type the C API can build, and
 * exposes the few C API vector calls Freshet writes with. Everything here is the driver's own
 * bindings, called the way the driver calls them; a driver upgrade that changes them breaks the
 * build (not a run), and the engine's snapshot tests exercise every call.
 */
public final class FreshetTableFunction extends DuckDBTableFunctionWrapper {

    /**
     * What the table function does; its methods run on the threads that execute the query (with
     * DuckDB's {@code threads} above 1, also on DuckDB's own, which the driver attaches to the JVM
     * anew for every call).
     */
    public interface Source {

        /** Declares the result columns ({@link #addColumn}) for the call's VARCHAR argument; returns the bind data. */
        Object bind(ByteBuffer bindInfo, String argument) throws Exception;

        /** How many DuckDB threads may call {@link #fill} at once. */
        int maxThreads(Object bindData);

        /** Fills {@code chunk} (at most {@link #VECTOR_SIZE} rows); returns its rows, 0 at the end. */
        long fill(Object bindData, ByteBuffer chunk) throws Exception;
    }

    /** DuckDB's vector size: the most rows one chunk holds. */
    public static final int VECTOR_SIZE = (int) DuckDBBindings.duckdb_vector_size();

    private final Source source;

    private FreshetTableFunction(Source source) {
        super(null);
        this.source = source;
    }

    /** Registers {@code name(VARCHAR)} on {@code connection}. */
    public static void register(DuckDBConnection connection, String name, Source source) throws SQLException {
        ByteBuffer function = DuckDBBindings.duckdb_create_table_function();
        ByteBuffer varchar = DuckDBBindings.duckdb_create_logical_type(DuckDBBindings.CAPIType.DUCKDB_TYPE_VARCHAR.typeId);
        try {
            DuckDBBindings.duckdb_table_function_set_name(function, name.getBytes(StandardCharsets.UTF_8));
            DuckDBBindings.duckdb_table_function_add_parameter(function, varchar);
            DuckDBBindings.duckdb_table_function_set_extra_info(function, new FreshetTableFunction(source));
            DuckDBBindings.duckdb_table_function_set_bind(function);
            DuckDBBindings.duckdb_table_function_set_init(function);
            DuckDBBindings.duckdb_table_function_set_local_init(function);
            DuckDBBindings.duckdb_table_function_set_function(function);
            connection.connRefLock.lock();
            try {
                connection.checkOpen();
                if (DuckDBBindings.duckdb_register_table_function(connection.connRef, function) != 0) {
                    throw new SQLException("DuckDB refused to register the table function " + name);
                }
            } finally {
                connection.connRefLock.unlock();
            }
        } finally {
            DuckDBBindings.duckdb_destroy_logical_type(varchar);
            DuckDBBindings.duckdb_destroy_table_function(function);
        }
    }

    @Override
    public void executeBind(ByteBuffer bindInfo) {
        try {
            ByteBuffer value = DuckDBBindings.duckdb_bind_get_parameter(bindInfo, 0);
            String argument;
            try {
                argument = new String(DuckDBBindings.duckdb_get_varchar(value), StandardCharsets.UTF_8);
            } finally {
                DuckDBBindings.duckdb_destroy_value(value);
            }
            DuckDBBindings.duckdb_bind_set_bind_data(bindInfo, source.bind(bindInfo, argument));
        } catch (Throwable t) {
            DuckDBBindings.duckdb_bind_set_error(bindInfo, error(t));
        }
    }

    @Override
    public void executeGlobalInit(ByteBuffer initInfo) {
        try {
            DuckDBBindings.duckdb_init_set_max_threads(initInfo, source.maxThreads(DuckDBBindings.duckdb_init_get_bind_data(initInfo)));
        } catch (Throwable t) {
            DuckDBBindings.duckdb_init_set_error(initInfo, error(t));
        }
    }

    @Override
    public void executeLocalInit(ByteBuffer initInfo) {
        // no per-thread state: every thread takes whole batches from the bind data
    }

    @Override
    public void executeFunction(ByteBuffer functionInfo, ByteBuffer chunk) {
        try {
            long rows = source.fill(DuckDBBindings.duckdb_function_get_bind_data(functionInfo), chunk);
            DuckDBBindings.duckdb_data_chunk_set_size(chunk, rows);
        } catch (Throwable t) {
            DuckDBBindings.duckdb_function_set_error(functionInfo, error(t));
        }
    }

    private static byte[] error(Throwable t) {
        return JdbcUtils.collectStackTrace(t).getBytes(StandardCharsets.UTF_8);
    }

    // ---- result types ------------------------------------------------------------------------------

    /** A C API type by its {@code DUCKDB_TYPE_*} name without the prefix (VARCHAR, UHUGEINT, TIMESTAMP_TZ, ...); destroy it after use. */
    public static ByteBuffer type(String name) {
        return DuckDBBindings.duckdb_create_logical_type(DuckDBBindings.CAPIType.valueOf("DUCKDB_TYPE_" + name).typeId);
    }

    public static ByteBuffer decimalType(int precision, int scale) {
        return DuckDBBindings.duckdb_create_decimal_type(precision, scale);
    }

    /**
     * DuckDB's JSON type (VARCHAR with the alias JSON), read from the column {@code column} of the
     * table {@code schema.table} (which must be JSON): the C API builds no aliased types, but an
     * appender reports its table's column types whole. A result column of this type takes strings
     * as they are, where {@code CAST(varchar AS JSON)} would parse every document again.
     */
    public static ByteBuffer typeOfColumn(DuckDBConnection connection, String catalog, String schema, String table, int column)
            throws SQLException {
        ByteBuffer[] appender = new ByteBuffer[1];
        connection.connRefLock.lock();
        try {
            connection.checkOpen();
            if (DuckDBBindings.duckdb_appender_create_ext(connection.connRef, catalog.getBytes(StandardCharsets.UTF_8),
                    schema.getBytes(StandardCharsets.UTF_8), table.getBytes(StandardCharsets.UTF_8), appender) != 0) {
                byte[] message = appender[0] == null ? null : DuckDBBindings.duckdb_appender_error(appender[0]);
                throw new SQLException("no appender on " + schema + "." + table + (message == null ? "" : ": " + new String(message, StandardCharsets.UTF_8)));
            }
            return DuckDBBindings.duckdb_appender_column_type(appender[0], column);
        } finally {
            if (appender[0] != null) {
                DuckDBBindings.duckdb_appender_destroy(appender[0]);
            }
            connection.connRefLock.unlock();
        }
    }

    /** LIST of {@code child}; the child type may be destroyed afterwards. */
    public static ByteBuffer listType(ByteBuffer child) {
        return DuckDBBindings.duckdb_create_list_type(child);
    }

    public static void destroyType(ByteBuffer type) {
        DuckDBBindings.duckdb_destroy_logical_type(type);
    }

    /** Declares the next result column (the type is copied). */
    public static void addColumn(ByteBuffer bindInfo, String name, ByteBuffer type) {
        DuckDBBindings.duckdb_bind_add_result_column(bindInfo, name.getBytes(StandardCharsets.UTF_8), type);
    }

    // ---- vectors ----------------------------------------------------------------------------------

    public static ByteBuffer vector(ByteBuffer chunk, int column) {
        return DuckDBBindings.duckdb_data_chunk_get_vector(chunk, column);
    }

    /** The vector's values, {@code bytes} long, little-endian. */
    public static ByteBuffer data(ByteBuffer vector, long bytes) {
        return DuckDBBindings.duckdb_vector_get_data(vector, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The vector's validity mask for {@code rows} rows (a bit per row, set = not NULL), made writable. */
    public static ByteBuffer validity(ByteBuffer vector, long rows) {
        DuckDBBindings.duckdb_vector_ensure_validity_writable(vector);
        return DuckDBBindings.duckdb_vector_get_validity(vector, rows).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Strings {@code offset ..} from the concatenated {@code bytes} and one length per string. */
    public static void strings(ByteBuffer vector, long offset, byte[] bytes, long[] lengths, int byteCount) {
        DuckDBBindings.duckdb_vector_assign_string_elements(vector, offset, bytes, lengths, byteCount);
    }

    public static ByteBuffer listChild(ByteBuffer vector) {
        return DuckDBBindings.duckdb_list_vector_get_child(vector);
    }

    /** Makes room for {@code elements} child values and sets the child's size to that. */
    public static void listSize(ByteBuffer vector, long elements) {
        if (DuckDBBindings.duckdb_list_vector_reserve(vector, elements) != 0 || DuckDBBindings.duckdb_list_vector_set_size(vector, elements) != 0) {
            throw new IllegalStateException("DuckDB could not size a list vector to " + elements + " elements");
        }
    }
}
