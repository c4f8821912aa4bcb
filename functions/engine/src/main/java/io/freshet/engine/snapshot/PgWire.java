package io.freshet.engine.snapshot;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutor;
import org.postgresql.core.QueryExecutorBase;
import org.postgresql.core.VisibleBufferedInputStream;

/**
 * A pgjdbc connection's protocol input, so that {@link CopyInput} can decode COPY data where it
 * lands instead of through {@code CopyOut.readFromCopy()}, which allocates an array per CopyData
 * message (one per row: the wide benchmark table's 1M rows are 1M arrays of about 300 bytes, each
 * copied out of the stream's buffer), takes the connection's lock and walks its message switch for
 * every row, and reads the socket through a fixed 8 KB buffer (a read system call, and the TCP
 * window updates it triggers, every twenty-odd wide rows).
 *
 * <p>pgjdbc offers no public way to this stream: it is reached by reflection on the 42.7 driver's
 * private fields ({@code QueryExecutorBase.pgStream}, {@code PGStream.pgInput}), and its buffer
 * grown by the stream's own {@code doubleBuffer()}, which keeps unread bytes. A driver whose
 * internals differ yields null here and the snapshot reads through {@code CopyOut} as before, so
 * an upgrade can cost speed, never correctness; {@code CopyInputTest} asserts that this driver's
 * input is reached, and that what is read through it is byte for byte what {@code CopyOut} gives.
 */
final class PgWire {

    /** Bytes the stream's buffer is grown to: one read system call then takes up to about a thousand wide rows. */
    static final int BUFFER = 256 * 1024;

    private static final Field PG_STREAM;
    private static final Field PG_INPUT;
    private static final Method DOUBLE_BUFFER;

    static {
        Field stream = null;
        Field input = null;
        Method grow = null;
        try {
            stream = QueryExecutorBase.class.getDeclaredField("pgStream");
            stream.setAccessible(true);
            input = PGStream.class.getDeclaredField("pgInput");
            input.setAccessible(true);
            grow = VisibleBufferedInputStream.class.getDeclaredMethod("doubleBuffer");
            grow.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            stream = null; // another driver version: CopyOut it is
        }
        PG_STREAM = stream;
        PG_INPUT = input;
        DOUBLE_BUFFER = grow;
    }

    private PgWire() {
    }

    /**
     * The connection's protocol input with its buffer grown to {@link #BUFFER}, or null when it
     * cannot be reached. Only the thread that owns the connection may read it, and only while a
     * COPY it started is in progress.
     */
    static VisibleBufferedInputStream input(PGConnection connection) {
        if (PG_STREAM == null || !(connection instanceof BaseConnection base)) {
            return null;
        }
        try {
            QueryExecutor executor = base.getQueryExecutor();
            if (!(executor instanceof QueryExecutorBase)) {
                return null;
            }
            Object stream = PG_STREAM.get(executor);
            if (!(stream instanceof PGStream)) {
                return null;
            }
            VisibleBufferedInputStream in = (VisibleBufferedInputStream) PG_INPUT.get(stream);
            if (in == null) {
                return null;
            }
            for (int size = in.getBuffer().length; size < BUFFER; size *= 2) {
                DOUBLE_BUFFER.invoke(in);
            }
            return in;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
