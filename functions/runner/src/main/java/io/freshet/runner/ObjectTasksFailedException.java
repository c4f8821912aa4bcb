package io.freshet.runner;

import java.util.List;
import java.util.stream.Collectors;

import io.freshet.core.error.FreshetException;
import io.freshet.core.error.PermanentException;
import io.freshet.core.error.TransientException;
import io.freshet.state.aws.AwsFailures;

/**
 * Objects of a {@code for_each} step failed: the message lists every failed object with its
 * reason, as the run's failure reason, the log and {@code freshet runs}/{@code why} show it.
 * Permanent unless every object failed for a reason another attempt may not meet again (S3
 * throttled, a connection dropped): then the run is retried, and the retry reuses what succeeded.
 */
final class ObjectTasksFailedException extends PermanentException {

    /** Objects listed in the message; the log has a line for each of the others. */
    static final int LISTED = 100;
    private static final int REASON_CHARS = 300;

    private ObjectTasksFailedException(String message) {
        super(message);
    }

    /** The same failure when each object's failure may pass on a retry. */
    static final class ObjectTasksFailedTransientlyException extends TransientException {
        private ObjectTasksFailedTransientlyException(String message) {
            super(message);
        }
    }

    static FreshetException of(String input, int objects, List<ObjectTask.Outcome.Failed> failed) {
        String listed = failed.stream().limit(LISTED).map(f -> f.object().uri() + ": " + describe(f.failure())).collect(Collectors.joining("; "));
        String more = failed.size() > LISTED ? "; and " + (failed.size() - LISTED) + " more (see the log's 'object failed' lines)" : "";
        String message = "for_each over " + input + ": " + failed.size() + " of " + objects + " objects failed: " + listed + more;
        boolean retryable = failed.stream().allMatch(f -> AwsFailures.kindOf(f.failure()).retryable());
        FreshetException e = retryable ? new ObjectTasksFailedTransientlyException(message) : new ObjectTasksFailedException(message);
        return e.with("input", input).with("failed", failed.size());
    }

    /** One object's reason: its failure's first line, shortened. */
    static String describe(Throwable failure) {
        String m = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        return line.length() > REASON_CHARS ? line.substring(0, REASON_CHARS) + "…" : line;
    }
}
