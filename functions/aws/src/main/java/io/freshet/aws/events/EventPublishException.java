package io.freshet.aws.events;

import java.util.List;
import java.util.stream.Collectors;

import io.freshet.core.error.TransientException;

/**
 * Some events could not be published: each failed entry with EventBridge's ErrorCode and
 * ErrorMessage (after the retries, for retryable codes). {@code notAttempted} counts the events
 * after the failed batch, which were not sent at all. Everything else was published.
 */
public final class EventPublishException extends TransientException {

    /** One entry EventBridge refused, with its last answer. */
    public record FailedEntry(String detailType, String errorCode, String errorMessage) {
        @Override
        public String toString() {
            return detailType + ": " + errorCode + " (" + errorMessage + ")";
        }
    }

    private final List<FailedEntry> failures;
    private final int attempts;
    private final int notAttempted;

    public EventPublishException(String bus, List<FailedEntry> failures, int attempts, int notAttempted) {
        super(failures.size() + " event(s) not published on bus " + bus + " after " + attempts + " attempt(s)"
                + (notAttempted > 0 ? ", " + notAttempted + " more not attempted" : "") + ": "
                + failures.stream().map(FailedEntry::toString).collect(Collectors.joining("; ")));
        this.failures = List.copyOf(failures);
        this.attempts = attempts;
        this.notAttempted = notAttempted;
    }

    public List<FailedEntry> failures() {
        return failures;
    }

    public int attempts() {
        return attempts;
    }

    public int notAttempted() {
        return notAttempted;
    }
}
