package io.freshet.core.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The root of every exception Freshet throws on purpose. Each says, by its kind, what the one who
 * meets it should do:
 *
 * <ul>
 *   <li>{@link ConfigurationException}: the project (pipelines, parameters) or the deployment (an
 *       environment variable, a secret) is wrong: fix it and deploy again; retrying cannot help.</li>
 *   <li>{@link InputRejectedException}: one event, request, file or command is bad: reject it with
 *       the reason (a dead-letter queue keeps it), never retry it as it is.</li>
 *   <li>{@link TransientException}: the world was not ready (throttling, a 5xx, a dropped
 *       connection, a lock held, a timeout): another attempt may pass.</li>
 *   <li>{@link PermanentException}: this run fails for good with the same data and code (a SQL error,
 *       a failed blocking check, a value that cannot be represented).</li>
 *   <li>{@link AdapterException}: a failure of an outside service or library (S3, DynamoDB,
 *       EventBridge, PostgreSQL, DuckDB), translated where it enters Freshet; the translation decides,
 *       from the service's answer, whether it is transient or permanent.</li>
 * </ul>
 *
 * <p>Programming errors are not in this hierarchy: a broken invariant, an impossible state or a
 * method called against its contract stays an {@link IllegalArgumentException},
 * {@link IllegalStateException} or {@link NullPointerException}. Those are bugs; whoever classifies
 * failures (the runner's retries) treats them as permanent.
 *
 * <p>Each exception carries its context ({@link #context()}: the asset, bucket, key, variable, run...)
 * beside the message, which stays the sentence an operator reads.
 */
public abstract sealed class FreshetException extends RuntimeException
        permits ConfigurationException, InputRejectedException, TransientException, PermanentException, AdapterException {

    /** What to do about a failure. */
    public enum Kind {
        /** Fix the project or the deployment, then deploy again. */
        CONFIGURATION,
        /** Reject this input with the reason; never retry it as it is. */
        INPUT_REJECTED,
        /** Retry: another attempt may pass. */
        TRANSIENT,
        /** Fail for good: the same data and code would fail the same way. */
        PERMANENT;

        /** Whether another attempt at the same work may succeed. */
        public boolean retryable() {
            return this == TRANSIENT;
        }
    }

    private final Map<String, String> context = new LinkedHashMap<>();

    FreshetException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The kind, fixed by the class, or for an {@link AdapterException} decided where it was translated. */
    public abstract Kind kind();

    /** What the failure concerns, by name (e.g. {@code bucket}, {@code key}, {@code variable}), in the order added. */
    public Map<String, String> context() {
        return Collections.unmodifiableMap(context);
    }

    /** Adds one item of context; a null value is left out. */
    public FreshetException with(String name, Object value) {
        if (value != null) {
            context.put(Objects.requireNonNull(name), String.valueOf(value));
        }
        return this;
    }
}
