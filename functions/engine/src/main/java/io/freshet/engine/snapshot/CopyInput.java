package io.freshet.engine.snapshot;

import java.sql.SQLException;

import org.postgresql.copy.CopyOut;

/**
 * The bytes of a {@code COPY ... TO STDOUT}, message by message. PostgreSQL sends one CopyData
 * message per row, so the common case is zero-copy: the message array itself becomes the buffer;
 * only a value that spans messages is stitched together in a buffer of our own.
 */
final class CopyInput {

    private final CopyOut copy;
    private byte[] own = new byte[64 * 1024];
    byte[] buf = new byte[0];
    int pos;
    int lim;
    private long bytes;

    CopyInput(CopyOut copy) {
        this.copy = copy;
    }

    /** Makes {@code n} bytes available at {@link #pos}; false when the stream ended first. */
    boolean ensure(int n) throws SQLException {
        while (lim - pos < n) {
            byte[] message = copy.readFromCopy();
            if (message == null) {
                return false;
            }
            bytes += message.length;
            int remaining = lim - pos;
            if (remaining == 0) {
                buf = message;
                pos = 0;
                lim = message.length;
                continue;
            }
            int needed = remaining + message.length;
            byte[] target = own;
            if (target.length < needed) {
                target = new byte[Math.max(needed, own.length * 2)];
            }
            System.arraycopy(buf, pos, target, 0, remaining); // buf may be own: arraycopy handles the overlap
            System.arraycopy(message, 0, target, remaining, message.length);
            own = target;
            buf = target;
            pos = 0;
            lim = needed;
        }
        return true;
    }

    /** Reads what is left of the stream (nothing, after the trailer) so that the connection is usable again. */
    void drain() throws SQLException {
        byte[] message;
        while ((message = copy.readFromCopy()) != null) {
            bytes += message.length;
        }
        pos = lim;
    }

    long bytesRead() {
        return bytes;
    }
}
