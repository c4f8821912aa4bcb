package io.freshet.engine.snapshot;

import java.time.Duration;

/**
 * A table stayed locked by another session (a migration's {@code ALTER TABLE}, a {@code VACUUM
 * FULL}, a {@code LOCK TABLE}) for longer than the snapshot's {@code lock_timeout}. The snapshot
 * gives up rather than wait without limit; nothing was read. Transient: the same snapshot is
 * expected to succeed once the other session is done, so a caller may retry it.
 */
public final class TableLockedException extends SnapshotException {

    private final Duration lockTimeout;

    TableLockedException(String table, Duration lockTimeout, Throwable cause) {
        super(Kind.TRANSIENT, table, (table == null ? "a table " : "") + "is locked by another session (a migration?) and was not released within lock_timeout "
                + describe(lockTimeout) + "; the snapshot gave up without reading anything and can be retried", cause);
        this.lockTimeout = lockTimeout;
        with("lockTimeout", describe(lockTimeout));
    }

    public Duration lockTimeout() {
        return lockTimeout;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
