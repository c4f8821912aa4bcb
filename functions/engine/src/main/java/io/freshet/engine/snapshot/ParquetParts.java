package io.freshet.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.duckdb.DuckDBConnection;

/**
 * Writes one table's {@link CopyStream} as Parquet files ({@code part-00000.parquet}, ...) of
 * about the stream's part size, with one writer or several at once: each writer runs DuckDB
 * {@code COPY}s on a thread and a DuckDB connection of its own, one part after another, taking
 * batches from the same stream, so that the Parquet writer's CPU spreads over the cores (see
 * {@link DuckDbParquet}); one thread more than the writers begins a part whenever another is full,
 * while that one's file is still being finished ({@link #write}). Each file is announced to the
 * listener as soon as it is complete, one announcement at a time. The first failure (DuckDB's, a
 * reader's, the listener's) cancels the stream, which ends every other writer's part.
 */
final class ParquetParts {

    private final TablePlan plan;
    private final CopyStream stream;
    private final DuckDbParquet parquet;
    private final ParquetFileListener listener;
    /** Held while the listener runs: it is never called twice at once, whatever the writers. */
    private final Object announcing;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Path> files = new ArrayList<>();
    private long rows;
    private long bytes;

    ParquetParts(TablePlan plan, CopyStream stream, DuckDbParquet parquet, ParquetFileListener listener, Object announcing) {
        this.plan = plan;
        this.stream = stream;
        this.parquet = parquet;
        this.listener = listener;
        this.announcing = announcing;
    }

    /**
     * Writes the whole stream, the first writer on this thread with {@code duck}, starting with
     * {@code first} (already taken from the stream; null when the stream was empty, which still
     * makes one file, with the columns and no rows). As many writers as {@code first}'s rows need
     * (their width and their strings: {@link DuckDbParquet#writers}), at most {@code maxWriters}, fill parts at once;
     * one thread more takes the next part whenever a writer's part is full, so that the stream
     * never waits on a file being finished. Returns the first failure, or null.
     */
    Throwable write(Batch first, DuckDBConnection duck, int maxWriters) throws InterruptedException {
        int writers = first == null ? 1
                : DuckDbParquet.writers(DuckDbParquet.rowBytes((double) first.bytes() / first.rows, plan.columns().size()), first.stringColumns(), maxWriters);
        // Finishing a file is its last row group, the footer and the close, and the close alone can
        // block for tens of milliseconds: DuckDB truncates the file it creates, and ext4 then writes
        // the whole file back when it is closed (auto_da_alloc). A writer holds a permit only while
        // its part takes batches, so the spare thread fills the next part meanwhile.
        Semaphore filling = new Semaphore(writers);
        filling.acquire(); // this thread's, for first
        List<DuckDBConnection> connections = new ArrayList<>();
        for (int k = 1; k < writers; k++) {
            connections.add(parquet.connect()); // all before any writer starts: a failure here leaves nothing running
        }
        List<Thread> others = new ArrayList<>();
        for (int k = 1; k <= writers; k++) {
            // the spare (null) connects when it first has a part: a table of one part never opens it
            DuckDBConnection own = k < writers ? connections.get(k - 1) : null;
            others.add(Thread.ofPlatform().daemon().name("freshet-parquet " + plan.request().output() + " #" + k)
                    .start(() -> writeParts(null, own, filling, false)));
        }
        writeParts(first, duck, filling, true);
        try {
            for (Thread t : others) {
                t.join();
            }
        } catch (InterruptedException e) {
            stream.cancel();
            throw e;
        }
        connections.forEach(parquet::disconnect); // their writers are done: a snapshot of many tables keeps no idle connections
        return failure.get();
    }

    /** The files written, in name order. */
    synchronized List<Path> files() {
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(Path::toString));
        return sorted;
    }

    /** Rows DuckDB wrote, all files. */
    synchronized long rows() {
        return rows;
    }

    synchronized long bytes() {
        return bytes;
    }

    /**
     * One writer: parts one after another while the stream has batches, each begun under a permit
     * of {@code filling} that its part gives back once full; the first writer makes at least one
     * and starts with its permit taken. With no connection ({@code duck} null: the spare), it makes
     * its own when it first has a part, and closes it when done.
     */
    private void writeParts(Batch first, DuckDBConnection duck, Semaphore filling, boolean atLeastOne) {
        boolean permit = atLeastOne;
        DuckDBConnection own = null;
        try {
            boolean mustWrite = atLeastOne;
            Batch b = first;
            while (failure.get() == null) {
                if (!permit) {
                    filling.acquire();
                    permit = true;
                    b = stream.take();
                }
                if (b != null && failure.get() != null) {
                    stream.release(b); // taken after another writer failed
                    break;
                }
                if (b == null && !mustWrite) {
                    break;
                }
                mustWrite = false;
                if (duck == null) {
                    duck = own = connect(b);
                }
                int index = nextIndex.getAndIncrement();
                Path file = plan.dir().resolve(String.format("part-%05d.parquet", index));
                long fileRows;
                try (CopyStream.Part part = stream.part(b, filling::release)) {
                    permit = false; // the part gives it back
                    fileRows = parquet.copyToParquet(duck, part, file);
                }
                if (index == 0) {
                    checkColumns(duck, file);
                }
                announce(file, fileRows);
            }
        } catch (Throwable t) {
            if (failure.compareAndSet(null, t)) {
                stream.cancel(); // the other writers' parts end with the stream
            }
        } finally {
            if (permit) {
                filling.release(); // for the writers still waiting: they find the stream ended or failed
            }
            if (own != null) {
                try {
                    parquet.disconnect(own);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        }
    }

    /** A connection for the spare writer, which holds {@code taken} (given back if DuckDB fails). */
    private DuckDBConnection connect(Batch taken) {
        try {
            return parquet.connect();
        } catch (RuntimeException e) {
            stream.release(taken);
            throw e;
        }
    }

    /** The first file's columns must be the table's (DuckDB names them from the SELECT). */
    private void checkColumns(DuckDBConnection duck, Path file) throws SQLException {
        List<String> names = DuckDbParquet.columnNames(duck, file);
        List<String> expected = plan.columns().stream().map(PgColumn::name).toList();
        if (!names.equals(expected)) {
            throw new SnapshotException(plan.table(), "the Parquet file's columns " + names + " are not the table's " + expected);
        }
    }

    private void announce(Path file, long fileRows) throws IOException {
        long size = Files.size(file);
        synchronized (this) {
            files.add(file);
            rows += fileRows;
            bytes += size;
        }
        synchronized (announcing) {
            try {
                listener.fileWritten(plan.request().output(), file, fileRows);
            } catch (Exception e) {
                throw new SnapshotException(plan.table(), "the file listener failed on " + file.getFileName() + ": " + e, e);
            }
        }
    }
}
