package io.freshet.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

/**
 * Copies planned tables to Parquet with binary COPY, decoded by a {@link CopyStream} and written by
 * DuckDB in parts of about {@code partBytes}. A table split into ranges is read by every
 * connection at once, each taking the next range as it finishes one, into one stream; such tables
 * go one after another. Tables
 * read whole share the connections: one worker per connection takes the next table until all are
 * copied or one fails. When one fails, no table's Parquet files are left behind.
 */
final class TableCopier {

    private final long partBytes;
    /** Held while a file is announced: the listener is never called twice at once, whatever the tables and writers. */
    private final Object announcing = new Object();

    TableCopier(long partBytes) {
        this.partBytes = partBytes;
    }

    /**
     * @param ranges each plan's ranges, in the plans' order; a plan of more ranges than there are
     *               connections has its ranges shared out as the connections finish them
     */
    List<TableSnapshot> run(List<TablePlan> plans, List<List<TableRange>> ranges, List<Connection> pg, DuckDbParquet duck,
                            ParquetFileListener listener, Duration lockTimeout) throws SQLException {
        TableSnapshot[] results = new TableSnapshot[plans.size()];
        try {
            List<Integer> whole = new ArrayList<>();
            DuckDBConnection d = duck.connect();
            for (int i = 0; i < plans.size(); i++) {
                if (ranges.get(i).size() > 1) {
                    results[i] = copyTable(plans.get(i), ranges.get(i), pg, duck, d, listener, lockTimeout, duck.maxWriters());
                } else {
                    whole.add(i);
                }
            }
            if (pg.size() == 1 || whole.size() < 2) {
                for (int i : whole) {
                    results[i] = copyTable(plans.get(i), ranges.get(i), pg, duck, d, listener, lockTimeout, duck.maxWriters());
                }
            } else {
                copyShared(plans, whole, ranges, pg, duck, listener, lockTimeout, results);
            }
            return List.of(results);
        } catch (RuntimeException e) {
            for (TablePlan plan : plans) {
                try {
                    deleteParts(plan); // all or nothing: a failed snapshot leaves no table behind
                } catch (SnapshotException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    private void copyShared(List<TablePlan> plans, List<Integer> whole, List<List<TableRange>> ranges, List<Connection> pg,
                            DuckDbParquet duck, ParquetFileListener listener, Duration lockTimeout, TableSnapshot[] results) {
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
                    int n;
                    while (!failed.get() && (n = next.getAndIncrement()) < whole.size()) {
                        int i = whole.get(n);
                        try {
                            // one writer each: the tables beside it are the parallelism, and every writer holds a row group in memory
                            results[i] = copyTable(plans.get(i), ranges.get(i), List.of(c), duck, d, listener, lockTimeout, 1);
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
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Reads the table's {@code ranges} on every connection at once, each connection taking the next
     * range as it finishes one, into one stream, written
     * as Parquet files by as many writers as the rows' width needs ({@link ParquetParts#write}), at
     * most {@code maxWriters}.
     */
    private TableSnapshot copyTable(TablePlan plan, List<TableRange> ranges, List<Connection> pg, DuckDbParquet parquet, DuckDBConnection duck,
                                    ParquetFileListener listener, Duration lockTimeout, int maxWriters) {
        String output = plan.request().output();
        clearDirectory(plan);
        int readers = Math.min(pg.size(), ranges.size());
        Queue<String> copies = new ConcurrentLinkedQueue<>(ranges.stream().map(r -> TablePlanner.copySql(plan, r)).toList());
        try (CopyStream stream = new CopyStream(plan.columns(), plan.watermarkIndex(), partBytes, readers)) {
            for (int r = 0; r < readers; r++) {
                stream.start(pg.get(r).unwrap(PGConnection.class), copies, "freshet-copy " + output + (readers > 1 ? " #" + r : ""));
            }
            ParquetParts parts = new ParquetParts(plan, stream, parquet, listener, announcing);
            Throwable writeFailure = parts.write(stream.take(), duck, maxWriters);
            Throwable readerFailure = stream.await();
            if (writeFailure != null || readerFailure != null) {
                // A reader's failure comes first: DuckDB's own then is only its echo through the table function.
                throw failure(plan, readerFailure != null ? readerFailure : writeFailure, lockTimeout);
            }
            if (parts.rows() != stream.rows()) {
                throw new SnapshotException(plan.table(), "DuckDB wrote " + parts.rows() + " rows where PostgreSQL sent " + stream.rows());
            }
            Optional<String> watermark = Optional.empty();
            if (plan.watermarkIndex() >= 0) {
                watermark = stream.watermark().text().or(() -> plan.request().lastWatermark());
            }
            List<ColumnInfo> columns = plan.columns().stream().map(PgColumn::info).toList();
            return new TableSnapshot(output, parts.files(), parts.rows(), parts.bytes(), PostgresSnapshot.schemaHash(columns), watermark, columns);
        } catch (CopyStream.StreamFailedException e) {
            throw failure(plan, e, lockTimeout);
        } catch (SQLException e) {
            throw failure(plan, e, lockTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException(plan.table(), "interrupted", e);
        }
    }

    /** Creates the table's directory, removing the parts an earlier attempt left there. */
    private static void clearDirectory(TablePlan plan) {
        try {
            Files.createDirectories(plan.dir());
            deleteParts(plan);
        } catch (IOException e) {
            throw new SnapshotException(plan.table(), "cannot prepare " + plan.dir() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteParts(TablePlan plan) {
        if (!Files.isDirectory(plan.dir())) {
            return;
        }
        try (var old = Files.newDirectoryStream(plan.dir(), "part-*.parquet")) {
            for (Path f : old) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new SnapshotException(plan.table(), "cannot remove the Parquet files in " + plan.dir() + ": " + e.getMessage(), e);
        }
    }

    private static SnapshotException failure(TablePlan plan, Throwable cause, Duration lockTimeout) {
        Throwable c = cause;
        while (c instanceof CopyStream.StreamFailedException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof SnapshotException s) {
            return s;
        }
        if (c instanceof SQLException e && PgSession.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
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
        } else if (c instanceof IOException) {
            message = "I/O: " + c.getMessage();
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
}
