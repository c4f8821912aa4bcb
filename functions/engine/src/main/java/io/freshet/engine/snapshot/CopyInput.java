package io.freshet.engine.snapshot;

import java.io.IOException;
import java.sql.SQLException;

import org.postgresql.copy.CopyOut;
import org.postgresql.core.VisibleBufferedInputStream;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The bytes of a {@code COPY ... TO STDOUT}, message by message. PostgreSQL sends one CopyData
 * message per row, so the common case is zero-copy: the decoder reads the message where it is;
 * only a value that spans messages is stitched together in a buffer of our own.
 *
 * <p>With the connection's protocol input ({@link PgWire}) a CopyData message is decoded in the
 * stream's own buffer, which one read system call fills with many rows; any other message
 * (CopyDone, a notice, an error) is left to pgjdbc's {@code CopyOut}, which handles it as always
 * and keeps the connection's state. Without it, each message is the array {@code CopyOut} returns.
 */
final class CopyInput {

    private static final byte COPY_DATA = 'd';

    private final CopyOut copy;
    /** The connection's protocol input, or null to read through {@link #copy} alone. */
    private final VisibleBufferedInputStream wire;
    private byte[] own = new byte[64 * 1024];
    byte[] buf = new byte[0];
    int pos;
    int lim;
    private long bytes;
    // The message nextMessage() found: valid until the next call.
    private byte[] message;
    private int messageStart;
    private int messageLength;

    CopyInput(CopyOut copy) {
        this(copy, null);
    }

    CopyInput(CopyOut copy, VisibleBufferedInputStream wire) {
        this.copy = copy;
        this.wire = wire;
    }

    /** All of a COPY's bytes, already at hand ({@link DecoderProbe}): no stream behind them, so they end where the array does. */
    static CopyInput held(byte[] bytes) {
        CopyInput in = new CopyInput(null);
        in.buf = bytes;
        in.lim = bytes.length;
        return in;
    }

    /** Whether CopyData is read from the connection's input directly (else through {@code CopyOut}). */
    boolean direct() {
        return wire != null;
    }

    /** Makes {@code n} bytes available at {@link #pos}; false when the stream ended first. */
    boolean ensure(int n) throws SQLException {
        while (lim - pos < n) {
            int remaining = lim - pos;
            if (remaining > 0 && buf != own) {
                // kept before the next message is read: reading may move the stream's buffer
                if (own.length < remaining) {
                    own = new byte[Math.max(remaining, own.length * 2)];
                }
                System.arraycopy(buf, pos, own, 0, remaining);
                buf = own;
                pos = 0;
                lim = remaining;
            }
            if (!nextMessage()) {
                return false;
            }
            if (remaining == 0) {
                buf = message;
                pos = messageStart;
                lim = messageStart + messageLength;
                continue;
            }
            int needed = remaining + messageLength;
            byte[] target = own;
            if (target.length < needed) {
                target = new byte[Math.max(needed, own.length * 2)];
            }
            System.arraycopy(own, pos, target, 0, remaining); // from own to own: arraycopy handles the overlap
            System.arraycopy(message, messageStart, target, remaining, messageLength);
            own = target;
            buf = target;
            pos = 0;
            lim = needed;
        }
        return true;
    }

    /** The next CopyData message into {@link #message}; false at the end of the COPY. */
    private boolean nextMessage() throws SQLException {
        if (wire != null && nextOnWire()) {
            return true;
        }
        byte[] m = copy == null ? null : copy.readFromCopy();
        if (m == null) {
            return false;
        }
        bytes += m.length;
        message = m;
        messageStart = 0;
        messageLength = m.length;
        return true;
    }

    /** A CopyData message straight from the connection's buffer; false for any other (left unread). */
    private boolean nextOnWire() throws SQLException {
        try {
            if (!wire.ensureBytes(5)) {
                return false; // the connection ended: CopyOut reports it
            }
            byte[] b = wire.getBuffer();
            int i = wire.getIndex();
            if (b[i] != COPY_DATA) {
                return false;
            }
            int length = PgValues.i32(b, i + 1) - 4;
            if (length < 0 || !wire.ensureBytes(5 + length)) {
                throw new PSQLException("the COPY stream ended inside a CopyData message", PSQLState.CONNECTION_FAILURE);
            }
            message = wire.getBuffer(); // may have grown to hold the message
            messageStart = wire.getIndex() + 5;
            messageLength = length;
            wire.skip(5L + length); // moves the index only: the bytes stay until the next read
            bytes += length;
            return true;
        } catch (IOException e) {
            throw new PSQLException("reading the COPY stream failed: " + e.getMessage(), PSQLState.CONNECTION_FAILURE, e);
        }
    }

    /** Reads what is left of the stream (nothing, after the trailer) so that the connection is usable again. */
    void drain() throws SQLException {
        byte[] m;
        while ((m = copy.readFromCopy()) != null) {
            bytes += m.length;
        }
        pos = lim;
    }

    long bytesRead() {
        return bytes;
    }
}
