package io.freshet.engine.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.duckdb.DuckDBDriver;

/**
 * One run's DuckDB: inputs as views named after their assets over exactly the files of the
 * consumed events, SQL steps materialised as tables named after their outputs, written as zstd
 * Parquet. In memory, bounded by {@link DuckSettings#memoryLimit()}, spilling under the work dir.
 */
public final class DuckSession implements AutoCloseable {

    private final Connection db;
    private final Set<String> schemas = new HashSet<>();
    /** The statement running now, so that {@link #interrupt} can cancel it from another thread. */
    private volatile Statement running;
    private volatile String interruptedBecause;

    private DuckSession(Connection db) {
        this.db = db;
    }

    public static DuckSession open(DuckSettings settings) {
        try {
            Path dir = settings.workDir().toAbsolutePath();
            Files.createDirectories(dir.resolve("tmp"));
            Files.createDirectories(dir.resolve("home"));
            Files.createDirectories(dir.resolve("extensions"));
            // The driver directly, not through DriverManager: a shaded jar may lose its service file.
            Connection db = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
            try (Statement s = db.createStatement()) {
                s.execute("SET home_directory = " + Identifiers.literal(dir.resolve("home").toString()));
                s.execute("SET extension_directory = " + Identifiers.literal(dir.resolve("extensions").toString()));
                s.execute("SET temp_directory = " + Identifiers.literal(dir.resolve("tmp").toString()));
                s.execute("SET memory_limit = " + Identifiers.literal(settings.memoryLimit()));
                s.execute("SET threads = " + settings.threads());
                // Nothing may be fetched at run time: a locked-down Lambda has no route to extension repositories.
                s.execute("SET autoinstall_known_extensions = false");
                s.execute("SET autoload_known_extensions = true");
            }
            return new DuckSession(db);
        } catch (Exception e) {
            throw new EngineException("DuckDB did not start in " + settings.workDir() + ": " + e.getMessage(), e);
        }
    }

    /** A view named after {@code asset} over exactly {@code files}; an asset with no files is an empty view only when its columns are known, so that is an error. */
    public void createInputView(String asset, List<Path> files, InputFormat format) {
        createInputView(asset, files, format, Optional.empty());
    }

    /**
     * The same view, and with {@code objectColumn} (a name, and the object each file is, in the
     * files' order) a column of that name holding each row's object: the reader's {@code filename}
     * column (which fails, naming the column, when a file has one of that name already), its local
     * path replaced by the object's name through the reader's {@code file_index}.
     */
    public void createInputView(String asset, List<Path> files, InputFormat format, Optional<ObjectColumn> objectColumn) {
        if (files.isEmpty()) {
            throw new EngineException("input '" + asset + "' has no objects to read", null);
        }
        String list = files.stream().map(f -> Identifiers.literal(f.toAbsolutePath().toString())).collect(Collectors.joining(", ", "[", "]"));
        ensureSchema(asset);
        String options = switch (format) {
            case CSV -> ", header = true, union_by_name = true";
            case PARQUET -> ", union_by_name = true";
            default -> "";
        };
        String select = "*";
        if (objectColumn.isPresent()) {
            ObjectColumn c = objectColumn.get();
            if (c.objects().size() != files.size()) {
                throw new IllegalArgumentException(files.size() + " files but " + c.objects().size() + " object names");
            }
            String names = c.objects().stream().map(Identifiers::literal).collect(Collectors.joining(", ", "[", "]"));
            options += ", filename = " + Identifiers.literal(c.name());
            select = "* REPLACE (" + names + "[file_index::BIGINT + 1] AS " + Identifiers.quote(c.name()) + ")";
        }
        execute("CREATE OR REPLACE VIEW " + Identifiers.asset(asset) + " AS SELECT " + select + " FROM " + format.reader() + "(" + list + options + ")",
                "reading input '" + asset + "'");
    }

    /** A column naming each row's object: {@code objects.get(i)} for the rows of the view's i-th file. */
    public record ObjectColumn(String name, List<String> objects) {
    }

    /** Sets the session variable {@code name}, read in SQL as {@code getvariable('name')}, to a VARCHAR. */
    public void setVariable(String name, String text) {
        execute("SET VARIABLE " + Identifiers.quote(name) + " = " + Identifiers.literal(text), "setting the variable '" + name + "'");
    }

    /** Sets the session variable {@code name} to a TIMESTAMP (a wall time, no zone), or to a NULL TIMESTAMP when absent. */
    public void setVariable(String name, Optional<LocalDateTime> timestamp) {
        String value = timestamp.map(t -> "TIMESTAMP " + Identifiers.literal(t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))).orElse("NULL::TIMESTAMP");
        execute("SET VARIABLE " + Identifiers.quote(name) + " = " + value, "setting the variable '" + name + "'");
    }

    /** Runs a SQL step: its result becomes the table {@code output}, visible to later steps and checks. */
    public long runStep(String output, String sql) {
        ensureSchema(output);
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        execute("CREATE OR REPLACE TABLE " + Identifiers.asset(output) + " AS " + body, "computing '" + output + "'");
        return count(output);
    }

    /** Loads Parquet files as the table {@code output} (a snapshot's result, to be checked). */
    public long loadTable(String output, List<Path> parquet) {
        ensureSchema(output);
        String list = parquet.stream().map(f -> Identifiers.literal(f.toAbsolutePath().toString())).collect(Collectors.joining(", ", "[", "]"));
        execute("CREATE OR REPLACE TABLE " + Identifiers.asset(output) + " AS SELECT * FROM read_parquet(" + list + ")", "loading '" + output + "'");
        return count(output);
    }

    /** Writes the table {@code output} to one zstd Parquet file. */
    public Path writeParquet(String output, Path file) {
        execute("COPY " + Identifiers.asset(output) + " TO " + Identifiers.literal(file.toAbsolutePath().toString())
                + " (FORMAT parquet, COMPRESSION zstd)", "writing '" + output + "'");
        return file;
    }

    /**
     * Writes an output as one zstd Parquet file with its partition column: the output's own when it
     * has a column of that name (the table then checks that every row is of the partition), else
     * the partition's value added as the last column ({@code sqlValue} is a SQL literal).
     */
    public Path writeParquet(String output, Path file, String partitionColumn, String sqlValue) {
        boolean has = columns(output).stream().anyMatch(c -> c.equalsIgnoreCase(partitionColumn));
        if (has) {
            return writeParquet(output, file);
        }
        execute("COPY (SELECT *, " + sqlValue + " AS " + Identifiers.quote(partitionColumn) + " FROM " + Identifiers.asset(output) + ") TO "
                + Identifiers.literal(file.toAbsolutePath().toString()) + " (FORMAT parquet, COMPRESSION zstd)", "writing '" + output + "'");
        return file;
    }

    public long count(String table) {
        return queryLong("SELECT count(*) FROM " + Identifiers.asset(table), "counting '" + table + "'");
    }

    /** The table's columns, in order. */
    public List<String> columns(String table) {
        List<String> out = new ArrayList<>();
        int dot = table.indexOf('.');
        try (var ps = db.prepareStatement("SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table.substring(0, dot));
            ps.setString(2, table.substring(dot + 1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new EngineException("listing the columns of '" + table + "': " + e.getMessage(), e);
        }
    }

    public long queryLong(String sql, String what) {
        checkNotInterrupted(what);
        try (Statement s = db.createStatement()) {
            running = s;
            checkNotInterrupted(what); // an interrupt between the two lines above found no statement to cancel
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            running = null;
        }
    }

    /**
     * Stops the session from another thread (an attempt's deadline): the statement running now is
     * cancelled, and every later one fails at once, with {@code reason} in its message.
     */
    public void interrupt(String reason) {
        interruptedBecause = reason;
        Statement s = running;
        if (s != null) {
            try {
                s.cancel();
            } catch (SQLException ignored) {
                // it ended meanwhile
            }
        }
    }

    /** Whether {@link #interrupt} was called. */
    public boolean interrupted() {
        return interruptedBecause != null;
    }

    private void checkNotInterrupted(String what) {
        if (interruptedBecause != null) {
            throw new EngineException(what + ": interrupted (" + interruptedBecause + ")", null);
        }
    }

    private EngineException failure(String what, SQLException e) {
        String why = interruptedBecause != null ? "interrupted (" + interruptedBecause + "): " : "";
        return new EngineException(what + ": " + why + firstLine(e.getMessage()), e);
    }

    public Connection connection() {
        return db;
    }

    private void ensureSchema(String asset) {
        String schema = asset.substring(0, asset.indexOf('.'));
        if (schemas.add(schema)) {
            execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema), "creating schema '" + schema + "'");
        }
    }

    void execute(String sql, String what) {
        checkNotInterrupted(what);
        try (Statement s = db.createStatement()) {
            running = s;
            checkNotInterrupted(what); // an interrupt between the two lines above found no statement to cancel
            s.execute(sql);
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            running = null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new EngineException("closing DuckDB: " + e.getMessage(), e);
        }
    }
}
