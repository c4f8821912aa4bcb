package io.freshet.core.backfill;

import io.freshet.core.error.InputRejectedException;

/** A backfill that cannot be planned, with the reason in words for the command line. */
public final class BackfillException extends InputRejectedException {
    public BackfillException(String message) {
        super(message);
    }
}
