package io.freshet.engine.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.freshet.core.error.AdapterException;
import io.freshet.core.error.Failures;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * One table's rows on their way from PostgreSQL to DuckDB. One reader thread per range of the
 * table ({@link TableRange}) runs that range's COPY on a connection of its own and decodes rows
 * into {@link Batch}es; DuckDB's table function takes them ({@link #next()}) on its threads while
 * they encode earlier ones as Parquet. A few batches per reader circulate between them, so memory
 * stays bounded whatever the table's size, and the PostgreSQL backends, the decoders and DuckDB's
 * writers all run at once. The first reader to fail cancels the others; the stream then ends with
 * that failure.
 */
final class CopyStream implements AutoCloseable {

    /** Batches in circulation for one reader: enough to ride out scheduling hiccups, few enough to stay small. */
    static final int BATCHES = 6;
    /** Batches added per further reader: each keeps one it fills and one in flight. */
    static final int BATCHES_PER_EXTRA_READER = 2;

    /** Streams by id, for the table function's bind (DuckDB passes it the id as a parameter). */
    private static final ConcurrentHashMap<String, CopyStream> OPEN = new ConcurrentHashMap<>();

    private static final Batch END = new Batch(List.of());

    final String id = UUID.randomUUID().toString();
    final List<PgColumn> columns;
    private final int batches;
    private final BlockingQueue<Batch> free;
    private final BlockingQueue<Batch> filled;
    private final List<RowDecoder> decoders = new ArrayList<>();
    private final int watermarkIndex;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean cancelled;
    private final List<CopyOut> copies = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean ended;
    /** A batch taken by {@link #hasMore()} to look ahead, handed out first by {@link #next()}. */
    private final AtomicReference<Batch> lookahead = new AtomicReference<>();
    /** Bytes handed to DuckDB in the current part (file); a part ends once it reaches {@link #partLimit}. */
    private final AtomicLong partBytes = new AtomicLong();
    private final long partLimit;
    private final AtomicLong bytesRead = new AtomicLong();
    /** Bytes and rows handed to DuckDB so far, all parts: the rows' measured width ({@link #valueBytesPerRow}). */
    private final AtomicLong handedBytes = new AtomicLong();
    private final AtomicLong handedRows = new AtomicLong();

    /**
     * @param partLimit stream bytes (values as DuckDB holds them in memory) after which
     *                  {@link #next()} ends the current part, so the table is written as several
     *                  files; {@link Long#MAX_VALUE} for one file
     */
    CopyStream(List<PgColumn> columns, int watermarkIndex, long partLimit) {
        this(columns, watermarkIndex, partLimit, 1);
    }

    /** @param readers how many ranges will be read at once ({@link #start} is called that many times) */
    CopyStream(List<PgColumn> columns, int watermarkIndex, long partLimit, int readers) {
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1: " + readers);
        }
        this.columns = List.copyOf(columns);
        // Counted up front, not per start(): a range that ends before the next is started must not end the stream.
        this.running.set(readers);
        this.partLimit = partLimit;
        this.watermarkIndex = watermarkIndex;
        this.batches = BATCHES + BATCHES_PER_EXTRA_READER * (readers - 1);
        this.free = new ArrayBlockingQueue<>(batches);
        this.filled = new ArrayBlockingQueue<>(batches + 1);
        for (int i = 0; i < batches; i++) {
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

    /**
     * Starts a COPY (one range) on {@code connection} in a new thread; the connection is the
     * reader's until the stream ends. Call it for every range before the first {@link #next()}.
     */
    void start(PGConnection connection, String copySql, String threadName) {
        RowDecoder decoder = new RowDecoder(columns, watermarkIndex);
        decoders.add(decoder);
        Thread reader = new Thread(() -> read(connection, copySql, decoder), threadName);
        readers.add(reader);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(PGConnection connection, String copySql, RowDecoder decoder) {
        CopyInput in = null;
        CopyOut copy = null;
        try {
            copy = connection.getCopyAPI().copyOut(copySql);
            copies.add(copy);
            if (cancelled) {
                cancelCopy(copy);
                return;
            }
            // Decoded in the connection's own buffer when pgjdbc's internals allow (PgWire). Safe with
            // cancel() on another thread: CopyOut's cancelCopy only sends a cancel request on a
            // connection of its own and releases the copy, it never reads this connection.
            in = new CopyInput(copy, PgWire.input(connection));
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
            if (!cancelled && failure.compareAndSet(null, t)) {
                cancel(); // the other ranges' rows are of no use now
            }
            cancelCopy(copy);
        } finally {
            if (in != null) {
                bytesRead.addAndGet(in.bytesRead());
            }
            if (running.decrementAndGet() == 0) {
                filled.offer(END); // room for it is always left: batches + 1
            }
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
            handOut(b);
            return b;
        }
        if (ended) {
            return null;
        }
        b = filled.take();
        if (b == END) {
            ended = true;
            filled.offer(END); // for the other consumers, if DuckDB runs several
            if (failure.get() != null) {
                throw new StreamFailedException(failure.get());
            }
            return null;
        }
        handOut(b);
        return b;
    }

    private void handOut(Batch b) {
        long bytes = b.bytes();
        partBytes.addAndGet(bytes);
        handedBytes.addAndGet(bytes);
        handedRows.addAndGet(b.rows);
    }

    /**
     * Bytes of values per row in the batches handed to DuckDB so far and the one {@link #hasMore()}
     * looked ahead at (what the Parquet writer encodes per row); empty before the first batch. Call
     * it between parts, when no consumer is taking batches.
     */
    OptionalDouble valueBytesPerRow() {
        long bytes = handedBytes.get();
        long rows = handedRows.get();
        Batch ahead = lookahead.get();
        if (ahead != null) {
            bytes += ahead.bytes();
            rows += ahead.rows;
        }
        return rows == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) bytes / rows);
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
            if (failure.get() != null) {
                throw new StreamFailedException(failure.get());
            }
            return false;
        }
        lookahead.set(b);
        return true;
    }

    void release(Batch b) {
        free.offer(b);
    }

    /** Waits for the readers to finish; the first failure, if any. */
    Throwable await() throws InterruptedException {
        for (Thread reader : readers) {
            reader.join();
        }
        return failure.get();
    }

    /** Rows decoded by all readers. */
    long rows() {
        long n = 0;
        for (RowDecoder d : decoders) {
            n += d.rows();
        }
        return n;
    }

    long bytesRead() {
        return bytesRead.get();
    }

    /** The greatest watermark over all ranges (after {@link #await()}). */
    Watermark watermark() {
        Watermark max = decoders.get(0).watermark();
        for (int i = 1; i < decoders.size(); i++) {
            max = max.max(decoders.get(i).watermark());
        }
        return max;
    }

    /** Stops the readers (DuckDB or one range failed, or the snapshot is abandoned). */
    void cancel() {
        cancelled = true;
        for (CopyOut c : copies) {
            cancelCopy(c);
        }
    }

    private static void cancelCopy(CopyOut c) {
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
        if (readers.stream().anyMatch(Thread::isAlive)) {
            cancel();
            try {
                for (Thread reader : readers) {
                    reader.join(10_000);
                }
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
