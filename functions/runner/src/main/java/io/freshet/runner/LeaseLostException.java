package io.freshet.runner;

import io.freshet.core.error.TransientException;

/**
 * A fenced write found that this attempt no longer holds the run (its lease ran out, another
 * attempt or the sweep took it): {@code FailureKind.of} makes it
 * {@link FailureKind.LeaseLost}, and the attempt stops without writing anything more.
 */
final class LeaseLostException extends TransientException {

    LeaseLostException(String message) {
        super(message);
    }
}
