package io.freshet.engine.snapshot;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
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
 * One table's rows on their way from PostgreSQL to DuckDB. One reader thread per connection runs
 * the COPYs of the table's ranges ({@link TableRange}) it takes, one after another, and decodes rows
 * into {@link Batch}es; writers take them ({@link #take()}), each in the {@link Part} (file) that
 * its DuckDB {@code COPY} reads through the table function, while they encode earlier ones as
 * Parquet. A few batches per reader circulate between them, so memory
 * stays bounded whatever the table's size, and the PostgreSQL backends, the decoders and DuckDB's
 * writers all run at once. The first reader to fail cancels the others; the stream then ends with
 * that failure.
 */
final class CopyStream implements AutoCloseable {

    /** Batches in circulation for one reader: enough to ride out scheduling hiccups, few enough to stay small. */
    static final int BATCHES = 6;
    /** Batches added per further reader: each keeps one it fills and one in flight. */
    static final int BATCHES_PER_EXTRA_READER = 2;

    /** Parts by id, for the table function's bind (DuckDB passes it the id as a parameter). */
    private static final ConcurrentHashMap<String, Part> OPEN = new ConcurrentHashMap<>();

    private static final Batch END = new Batch(List.of());

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
    private final long partLimit;
    private final AtomicLong bytesRead = new AtomicLong();

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
        int capacity = Batch.capacity(columns, batches);
        for (int i = 0; i < batches; i++) {
            free.add(new Batch(columns, capacity));
        }
    }

    /**
     * Starts a reader on {@code connection} in a new thread: it runs the COPYs it takes from
     * {@code copies} (ranges of the table, shared with the stream's other readers) one after
     * another until none is left, so a reader whose ranges hold fewer rows takes more of them. The
     * connection is the reader's until the stream ends. Call it for every reader before the first
     * {@link #take()}.
     */
    void start(PGConnection connection, Queue<String> copies, String threadName) {
        RowDecoder decoder = new RowDecoder(columns, watermarkIndex);
        decoders.add(decoder);
        Thread reader = new Thread(() -> read(connection, copies, decoder), threadName);
        readers.add(reader);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(PGConnection connection, Queue<String> copySqls, RowDecoder decoder) {
        CopyOut copy = null;
        try {
            Batch batch = takeFree();
            String copySql;
            while (batch != null && (copySql = copySqls.poll()) != null) {
                copy = connection.getCopyAPI().copyOut(copySql);
                copies.add(copy);
                if (cancelled) {
                    cancelCopy(copy);
                    return;
                }
                batch = readCopy(connection, copy, decoder, batch);
            }
            if (batch != null && batch.rows > 0) {
                filled.put(batch);
            } else if (batch != null) {
                free.offer(batch); // for the readers still reading
            }
        } catch (Throwable t) {
            if (!cancelled && failure.compareAndSet(null, t)) {
                cancel(); // the other ranges' rows are of no use now
            }
            cancelCopy(copy);
        } finally {
            if (running.decrementAndGet() == 0) {
                filled.offer(END); // room for it is always left: batches + 1
            }
        }
    }

    /** Decodes one COPY's rows into batches, from {@code batch} on; returns the batch being filled (null once cancelled). */
    private Batch readCopy(PGConnection connection, CopyOut copy, RowDecoder decoder, Batch batch) throws SQLException, InterruptedException {
        // Decoded in the connection's own buffer when pgjdbc's internals allow (PgWire). Safe with
        // cancel() on another thread: CopyOut's cancelCopy only sends a cancel request on a
        // connection of its own and releases the copy, it never reads this connection.
        CopyInput in = new CopyInput(copy, PgWire.input(connection));
        try {
            decoder.readHeader(in);
            Batch b = batch;
            while (b != null) {
                if (!decoder.readRow(in, b)) {
                    in.drain();
                    break;
                }
                if (b.full()) {
                    filled.put(b);
                    b = takeFree();
                }
            }
            return b;
        } finally {
            bytesRead.addAndGet(in.bytesRead());
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
     * The next decoded batch, or null once every reader has ended; throws what a reader failed
     * with. Safe for several writers at once.
     */
    Batch take() throws InterruptedException {
        if (ended) {
            return null;
        }
        Batch b = filled.take();
        if (b == END) {
            ended = true;
            filled.offer(END); // for the other writers
            if (failure.get() != null) {
                throw new StreamFailedException(failure.get());
            }
            return null;
        }
        return b;
    }

    /**
     * A new part (one Parquet file) that starts with {@code first} (null: the stream had ended)
     * and takes further batches until about {@code partLimit} bytes; the table function finds it
     * by its id. {@code whenFull} runs once, as soon as the part takes no more batches (or at its
     * close, if that comes first), while DuckDB may still be finishing its file. Close it when its
     * file is written.
     */
    Part part(Batch first, Runnable whenFull) {
        return new Part(first, whenFull);
    }

    static Part partById(String id) {
        Part p = OPEN.get(id);
        if (p == null) {
            throw new IllegalStateException("no open COPY part " + id);
        }
        return p;
    }

    /**
     * One file's share of the stream, read by one DuckDB {@code COPY} on one thread (the writer's):
     * its batches, then null once it holds about {@code partLimit} bytes (as DuckDB holds them in
     * memory) or the stream has ended.
     */
    final class Part implements AutoCloseable {

        final String id = UUID.randomUUID().toString();
        private Batch first;
        private long bytes;
        private Runnable whenFull;

        private Part(Batch first, Runnable whenFull) {
            this.first = first;
            this.whenFull = whenFull;
            OPEN.put(id, this);
        }

        List<PgColumn> columns() {
            return columns;
        }

        Batch next() throws InterruptedException {
            Batch b = first;
            if (b != null) {
                first = null;
            } else if (bytes >= partLimit) {
                full();
                return null;
            } else {
                b = take();
                if (b == null) {
                    full();
                    return null;
                }
            }
            bytes += b.bytes();
            return b;
        }

        void release(Batch b) {
            CopyStream.this.release(b);
        }

        private void full() {
            Runnable r = whenFull;
            whenFull = null;
            if (r != null) {
                r.run();
            }
        }

        @Override
        public void close() {
            OPEN.remove(id);
            if (first != null) { // never handed to DuckDB (its COPY failed first)
                release(first);
                first = null;
            }
            full();
        }
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
