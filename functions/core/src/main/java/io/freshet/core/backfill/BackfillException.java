package io.freshet.core.backfill;

/** A backfill that cannot be planned, with the reason in words for the command line. */
public final class BackfillException extends RuntimeException {
    public BackfillException(String message) {
        super(message);
    }
}
