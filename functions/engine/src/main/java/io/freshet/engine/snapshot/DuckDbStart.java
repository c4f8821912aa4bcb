package io.freshet.engine.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A snapshot's DuckDB, started on a thread of its own as soon as the snapshot begins, so that its
 * start (a new in-memory database, its types and first connection: about 20 ms warm, and on a
 * process's first snapshot the native library's load, about 0.3 s) overlaps what the snapshot does
 * before it needs DuckDB: connecting to PostgreSQL, reading the catalog, locking and planning.
 * Started for nothing when PostgreSQL refuses first; {@link #close} then waits for it and closes it.
 */
final class DuckDbStart implements AutoCloseable {

    private final FutureTask<DuckDbParquet> start;
    private boolean taken;

    private DuckDbStart(FutureTask<DuckDbParquet> start) {
        this.start = start;
    }

    /** Starts a DuckDB for a snapshot writing under {@code workDir} (which must exist). */
    static DuckDbStart begin(Path workDir, SnapshotSettings settings) {
        FutureTask<DuckDbParquet> start = new FutureTask<>(() -> new DuckDbParquet(workDir, settings));
        Thread thread = new Thread(start, "freshet-duckdb-start");
        thread.setDaemon(true);
        thread.start();
        return new DuckDbStart(start);
    }

    /** The DuckDB, once started; the caller closes it. Its start's failure is thrown here, as the constructor threw it. */
    DuckDbParquet take() throws IOException {
        DuckDbParquet duck = started();
        taken = true;
        return duck;
    }

    private DuckDbParquet started() throws IOException {
        try {
            return start.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException(null, "interrupted while DuckDB started", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new SnapshotException(null, "DuckDB did not start: " + e.getCause(), e.getCause());
            }
        }
    }

    /**
     * Closes the DuckDB if nobody took it: waits for its start (through an interrupt, which is kept
     * for the caller: an interrupted snapshot must not leave a database behind) and closes what started.
     */
    @Override
    public void close() {
        if (taken) {
            return;
        }
        taken = true;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    start.get().close();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return; // it did not start: nothing to close, and the snapshot is failing for another reason
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
