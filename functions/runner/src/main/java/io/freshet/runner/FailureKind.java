package io.freshet.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.freshet.aws.events.EventPublishException;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.aws.s3.ObjectStoreException;
import io.freshet.core.model.Retries;
import io.freshet.engine.snapshot.SnapshotException;
import io.freshet.engine.snapshot.TableLockedException;
import io.freshet.engine.sql.EngineException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Why an attempt stopped, which decides what happens to the run: a permanent failure ends it
 * FAILED at once (the same data and code would fail the same way), a transient one is retried
 * while the pipeline's {@code retries} allow, and an attempt that lost its lease stops without
 * writing anything more (another attempt, or the sweep, owns the run now).
 *
 * <p>An attempt's failure becomes a kind in one place, {@link #of(Throwable, Optional)}, and the
 * kind alone decides what follows ({@link #next}): nothing else in the runner chooses between a
 * retry and a failure.
 */
public sealed interface FailureKind {

    /** The reason, as the run's failure reason and log lines show it. */
    String reason();

    /** The kind's name in log lines. */
    default String label() {
        return switch (this) {
            case Permanent p -> "permanent";
            case Transient t -> "transient";
            case LeaseLost l -> "lease lost";
        };
    }

    /** What happens to the run after an attempt failed. */
    sealed interface Next {

        /** The attempt no longer holds the run: it stops, writes nothing, announces nothing. */
        record Stop() implements Next {
        }

        /**
         * The same run id tries again after {@code delay}; with {@code publicationOnly} the outputs
         * are recorded and the next attempt only finishes their publication.
         */
        record Retry(Duration delay, boolean publicationOnly) implements Next {
        }

        /** The run ends FAILED. */
        record Fail() implements Next {
        }
    }

    /**
     * What follows a failure of this kind in attempt number {@code attempt}. Past the commit point
     * ({@code outputsRecorded}, asked only when the attempt still holds the run) the next attempt
     * only finishes the publication: it comes at once and is not counted against the retries.
     */
    default Next next(int attempt, Retries retries, BooleanSupplier outputsRecorded) {
        if (this instanceof LeaseLost) {
            return new Next.Stop();
        }
        if (outputsRecorded.getAsBoolean()) {
            return new Next.Retry(Duration.ZERO, true);
        }
        if (this instanceof Transient && attempt <= retries.attempts()) {
            return new Next.Retry(retries.delayBefore(attempt), false);
        }
        return new Next.Fail();
    }

    /** A DuckDB SQL error, a failed blocking check, bad input or configuration: retrying cannot help. */
    record Permanent(String reason) implements FailureKind {
    }

    /** Network, throttling, a service's 5xx, the attempt's own timeout: another attempt may pass. */
    record Transient(String reason) implements FailureKind {
    }

    /** A fenced write found the run no longer held by this attempt: stop, write nothing, announce nothing. */
    record LeaseLost(String reason) implements FailureKind {
    }

    /**
     * The kind of an attempt's failure, the one place exceptions become kinds: a fenced write that
     * found the run taken is a lost lease; after the attempt's deadline passed, whatever the
     * interrupted work threw is a timeout (transient); anything else goes by its type ({@link #of(Throwable)}).
     *
     * @param deadlinePassed the deadline's reason when it passed before the failure was classified
     */
    static FailureKind of(Throwable failure, Optional<String> deadlinePassed) {
        if (failure instanceof LeaseLostException) {
            return new LeaseLost(failure.getMessage());
        }
        if (deadlinePassed.isPresent()) {
            return new Transient("Timeout: " + deadlinePassed.get() + " (" + failure.getMessage() + ")");
        }
        return of(failure);
    }

    /**
     * The kind of a failure, by the types in its cause chain (outermost decisive first). What
     * nothing here recognises is permanent: an unexpected error (a bug) does not go away by
     * running the same attempt again, and a retry would only hide it.
     */
    static FailureKind of(Throwable failure) {
        String reason = describe(failure);
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<Boolean> transientOrNot = isTransient(t);
            if (transientOrNot.isPresent()) {
                return transientOrNot.get() ? new Transient(reason) : new Permanent(reason);
            }
        }
        return new Permanent(reason);
    }

    /** Whether a throwable alone decides the kind: present when it does. */
    private static Optional<Boolean> isTransient(Throwable t) {
        return switch (t) {
            case ObjectStoreException s -> Optional.of(s.statusCode() == 0 || s.statusCode() == 429 || s.statusCode() >= 500);
            case EventPublishException e -> Optional.of(true); // EventBridge refused after its own retries: throttling, internal errors
            case SdkClientException e -> Optional.of(true); // no answer: connection refused or reset, timeouts
            case AwsServiceException e -> Optional.of(e.isThrottlingException() || e.statusCode() >= 500 || e.retryable());
            case SQLException e when e.getSQLState() != null && isTransientSqlState(e.getSQLState()) -> Optional.of(true);
            case SQLException e when e.getSQLState() != null -> Optional.of(false);
            case SocketException e -> Optional.of(true);
            case SocketTimeoutException e -> Optional.of(true);
            case UnknownHostException e -> Optional.of(true);
            case MalformedEventException e -> Optional.of(false);
            // DuckDB's own errors (a SQL error, a type mismatch, an unreadable input) have no SQL state: permanent.
            case EngineException e when e.getCause() == null || e.getCause() instanceof SQLException s && s.getSQLState() == null -> Optional.of(false);
            case TableLockedException e -> Optional.of(true); // a migration holds the table: it ends, a later attempt gets through
            case SnapshotException e when e.getCause() == null -> Optional.of(false);
            case UncheckedIOException e -> Optional.of(true);
            case IOException e -> Optional.of(true);
            default -> Optional.empty();
        };
    }

    /**
     * PostgreSQL's SQL states worth another attempt: connection exceptions (class 08),
     * serialization failures and deadlocks (40001, 40P01), insufficient resources (53), the
     * server shutting down or a cancelled statement (57P01-57P03, 57014), a lock not available
     * within {@code lock_timeout} (55P03).
     */
    private static boolean isTransientSqlState(String state) {
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("53")
                || state.startsWith("57P") || state.equals("57014") || state.equals("55P03");
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName().replace("Exception", "") + ": " + e.getMessage();
    }
}
