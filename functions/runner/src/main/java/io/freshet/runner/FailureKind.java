package io.freshet.runner;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.freshet.core.model.Retries;
import io.freshet.state.aws.AwsFailures;

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

        /** The same run id tries again after {@code delay}. */
        record Retry(Duration delay) implements Next {
        }

        /**
         * The attempt staged its outputs before it failed (announcing them, say): the run is the
         * publisher's now, and the sweep hands it over again if the announcement was lost.
         */
        record HandedOver() implements Next {
        }

        /** The run ends FAILED. */
        record Fail() implements Next {
        }
    }

    /**
     * What follows a failure of this kind in attempt number {@code attempt}. Once its outputs are
     * staged ({@code outputsStaged}, asked only when the attempt did not lose the run) the run is
     * handed over to the publisher, whatever failed after.
     */
    default Next next(int attempt, Retries retries, BooleanSupplier outputsStaged) {
        if (this instanceof LeaseLost) {
            return new Next.Stop();
        }
        if (outputsStaged.getAsBoolean()) {
            return new Next.HandedOver();
        }
        if (this instanceof Transient && attempt <= retries.attempts()) {
            return new Next.Retry(retries.delayBefore(attempt));
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
     * The kind of a failure, as the exception hierarchy decides it ({@link AwsFailures#kindOf}: a
     * FreshetException by its kind, AWS SDK, JDBC and I/O failures by their type, outermost decisive
     * first). Only a transient failure is retried: configuration errors, rejected input and
     * permanent failures end the run FAILED, and so does what nothing recognises (a bug does not go
     * away by running the same attempt again, and a retry would only hide it).
     */
    static FailureKind of(Throwable failure) {
        String reason = describe(failure);
        return AwsFailures.kindOf(failure).retryable() ? new Transient(reason) : new Permanent(reason);
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName().replace("Exception", "") + ": " + e.getMessage();
    }
}
