package io.freshet.engine.snapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The connections a snapshot reads on beside its leader, opened on threads of their own while the
 * leader locks and plans, so that a table read on several connections does not then wait for each
 * of them to connect (a TCP handshake, authentication, a new backend and the session settings:
 * 10-20 ms each on a local server, more across a network). How many is an estimate made before the
 * locks, from the pages the tables had when they were looked up ({@link RangePlanner#expectedConnections}):
 * none for a small table, so that a snapshot that will read on one connection costs the server no
 * other. Should the plan under the locks want more, {@link #take} opens the rest then; those it
 * wants fewer of are closed. None of them is in a transaction until the snapshot imports its
 * snapshot there, so one closed unused has read nothing.
 */
final class WorkerConnections implements AutoCloseable {

    private final PgConnectionInfo info;
    private final SnapshotSettings settings;
    private final List<FutureTask<Connection>> opening;
    /** How many of {@link #opening} belong to the caller now; {@link #close} closes the rest. */
    private int taken;

    private WorkerConnections(PgConnectionInfo info, SnapshotSettings settings, List<FutureTask<Connection>> opening) {
        this.info = info;
        this.settings = settings;
        this.opening = opening;
    }

    /** Starts opening {@code count} connections (none for 0 or less: {@link #take} then opens what is asked for). */
    static WorkerConnections begin(PgConnectionInfo info, SnapshotSettings settings, int count) {
        List<FutureTask<Connection>> opening = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FutureTask<Connection> open = new FutureTask<>(() -> PgSession.open(info, settings));
            opening.add(open);
            Thread.ofPlatform().daemon().name("freshet-pg-connect #" + (i + 1)).start(open);
        }
        return new WorkerConnections(info, settings, opening);
    }

    /**
     * {@code n} connections, for the caller to use and close: those begun first, then new ones
     * opened now. The ones begun and not wanted are closed now if open, else by {@link #close()},
     * which the snapshot calls before it returns (not on a thread left behind: a Lambda frozen after
     * its response would leave such a session open on the server). Throws what kept a wanted one
     * from opening.
     */
    List<Connection> take(int n) {
        List<Connection> out = new ArrayList<>();
        int begun = Math.min(n, opening.size());
        for (FutureTask<Connection> open : opening.subList(0, begun)) {
            out.add(opened(open)); // on a failure, close() closes these too
        }
        taken = begun;
        for (FutureTask<Connection> unused : opening.subList(begun, opening.size())) {
            if (unused.isDone()) {
                closeWhenOpen(unused);
            }
        }
        try {
            while (out.size() < n) {
                out.add(PgSession.open(info, settings));
            }
        } catch (RuntimeException e) {
            out.forEach(WorkerConnections::closeQuietly);
            throw e;
        }
        return out;
    }

    /** Closes every connection begun and not taken, waiting for those still opening; one that failed to open is of no interest here. */
    @Override
    public void close() {
        for (FutureTask<Connection> open : opening.subList(taken, opening.size())) {
            closeWhenOpen(open);
        }
        taken = opening.size();
    }

    private static Connection opened(FutureTask<Connection> open) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return open.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the connection is being opened: wait for it, so that it is closed by whoever fails
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new SnapshotException(null, "cannot connect: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the connection's opening and closes it (closing one already closed does nothing). */
    private static void closeWhenOpen(FutureTask<Connection> open) {
        try {
            closeQuietly(opened(open));
        } catch (RuntimeException e) {
            // it did not open: nothing to close
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // closing a session nobody used: nothing more to do with it
        }
    }
}
