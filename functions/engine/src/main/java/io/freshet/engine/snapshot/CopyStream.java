package io.freshet.engine.snapshot;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.freshet.core.error.AdapterException;
import io.freshet.core.error.Failures;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * One table's rows on their way from PostgreSQL to DuckDB. A reader thread runs the COPY and
 * decodes rows into {@link Batch}es; DuckDB's table function takes them ({@link #next()}) on its
 * own thread while it encodes the previous ones as Parquet. A few batches circulate between the
 * two, so memory stays bounded whatever the table's size, and the PostgreSQL backend, the decoder
 * and DuckDB's writer all run at once.
 */
final class CopyStream implements AutoCloseable {

    /** Batches in circulation: enough to ride out scheduling hiccups, few enough to stay small. */
    static final int BATCHES = 6;

    /** Streams by id, for the table function's bind (DuckDB passes it the id as a parameter). */
    private static final ConcurrentHashMap<String, CopyStream> OPEN = new ConcurrentHashMap<>();

    private static final Batch END = new Batch(List.of());

    final String id = UUID.randomUUID().toString();
    final List<PgColumn> columns;
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> filled = new ArrayBlockingQueue<>(BATCHES + 1);
    private final RowDecoder decoder;
    private volatile Throwable failure;
    private volatile boolean cancelled;
    private volatile CopyOut copy;
    private Thread reader;
    private volatile boolean ended;
    /** A batch taken by {@link #hasMore()} to look ahead, handed out first by {@link #next()}. */
    private final AtomicReference<Batch> lookahead = new AtomicReference<>();
    /** Bytes handed to DuckDB in the current part (file); a part ends once it reaches {@link #partLimit}. */
    private final AtomicLong partBytes = new AtomicLong();
    private final long partLimit;
    private long bytesRead;

    /**
     * @param partLimit stream bytes (values as DuckDB holds them in memory) after which
     *                  {@link #next()} ends the current part, so the table is written as several
     *                  files; {@link Long#MAX_VALUE} for one file
     */
    CopyStream(List<PgColumn> columns, int watermarkIndex, long partLimit) {
        this.columns = List.copyOf(columns);
        this.partLimit = partLimit;
        this.decoder = new RowDecoder(columns, watermarkIndex);
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch(columns));
        }
        OPEN.put(id, this);
    }

    static CopyStream byId(String id) {
        CopyStream s = OPEN.get(id);
        if (s == null) {
            throw new IllegalStateException("no open COPY stream " + id);
        }
        return s;
    }

    /** Starts the COPY on {@code connection} in a new thread; the connection is the reader's until the stream ends. */
    void start(PGConnection connection, String copySql, String threadName) {
        reader = new Thread(() -> read(connection, copySql), threadName);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(PGConnection connection, String copySql) {
        CopyInput in = null;
        try {
            copy = connection.getCopyAPI().copyOut(copySql);
            in = new CopyInput(copy);
            decoder.readHeader(in);
            Batch batch = takeFree();
            while (batch != null) {
                if (!decoder.readRow(in, batch)) {
                    in.drain();
                    break;
                }
                if (batch.full()) {
                    filled.put(batch);
                    batch = takeFree();
                }
            }
            if (batch != null && batch.rows > 0) {
                filled.put(batch);
            }
        } catch (Throwable t) {
            if (!cancelled) {
                failure = t;
            }
            cancelCopy();
        } finally {
            if (in != null) {
                bytesRead = in.bytesRead();
            }
            filled.offer(END); // room for it is always left: BATCHES + 1
        }
    }

    private Batch takeFree() throws InterruptedException {
        while (!cancelled) {
            Batch b = free.poll(100, TimeUnit.MILLISECONDS);
            if (b != null) {
                b.reset();
                return b;
            }
        }
        return null;
    }

    /**
     * The next batch of rows, or null at the end of the current part (or of the data); throws what
     * the reader failed with. Safe for several consumers.
     */
    Batch next() throws InterruptedException {
        if (partBytes.get() >= partLimit) {
            return null;
        }
        Batch b = lookahead.getAndSet(null);
        if (b != null) {
            partBytes.addAndGet(b.bytes());
            return b;
        }
        if (ended) {
            return null;
        }
        b = filled.take();
        if (b == END) {
            ended = true;
            filled.offer(END); // for the other consumers, if DuckDB runs several
            if (failure != null) {
                throw new StreamFailedException(failure);
            }
            return null;
        }
        partBytes.addAndGet(b.bytes());
        return b;
    }

    /** Starts the next part (file). */
    void startPart() {
        partBytes.set(0);
    }

    /** Whether rows remain after the current part: waits for the next batch or the end. */
    boolean hasMore() throws InterruptedException {
        if (lookahead.get() != null) {
            return true;
        }
        if (ended) {
            return false;
        }
        Batch b = filled.take();
        if (b == END) {
            ended = true;
            filled.offer(END);
            if (failure != null) {
                throw new StreamFailedException(failure);
            }
            return false;
        }
        lookahead.set(b);
        return true;
    }

    void release(Batch b) {
        free.offer(b);
    }

    /** Waits for the reader to finish; the failure it ended with, if any. */
    Throwable await() throws InterruptedException {
        if (reader != null) {
            reader.join();
        }
        return failure;
    }

    long rows() {
        return decoder.rows();
    }

    long bytesRead() {
        return bytesRead;
    }

    Watermark watermark() {
        return decoder.watermark();
    }

    /** Stops the reader (DuckDB failed, or the snapshot is abandoned). */
    void cancel() {
        cancelled = true;
        cancelCopy();
    }

    private void cancelCopy() {
        CopyOut c = copy;
        if (c != null && c.isActive()) {
            try {
                c.cancelCopy();
            } catch (Exception ignored) {
                // the connection is abandoned with the failed snapshot anyway
            }
        }
    }

    @Override
    public void close() {
        OPEN.remove(id);
        if (reader != null && reader.isAlive()) {
            cancel();
            try {
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The reader's failure, surfacing through DuckDB's table function; its cause decides its kind. */
    static final class StreamFailedException extends AdapterException {
        StreamFailedException(Throwable cause) {
            super(Failures.kindOf(cause), "reading from PostgreSQL failed: " + cause.getMessage(), cause);
        }
    }
}
