package io.freshet.emit;

import io.freshet.core.error.InputRejectedException;

/**
 * An announcement that is refused as it is: nothing of it was recorded. {@code status} is the
 * HTTP status the entry point answers with; on the bus the reason goes to the dead-letter queue.
 */
public final class AnnouncementRejectedException extends InputRejectedException {

    /** The request is not an announcement (bad JSON, a missing field, a URI that is not s3://bucket/key). */
    public static final int MALFORMED = 400;
    /** The caller is not among the source's {@code allowed_producers}, or the source allows none. */
    public static final int NOT_ALLOWED = 403;
    /** No such asset in the project. */
    public static final int UNKNOWN_ASSET = 404;
    /** Well formed, but not acceptable: an object outside the location, absent, in another partition. */
    public static final int UNACCEPTABLE = 422;

    private final int status;

    public AnnouncementRejectedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
