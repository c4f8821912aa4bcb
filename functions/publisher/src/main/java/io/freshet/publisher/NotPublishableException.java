package io.freshet.publisher;

import io.freshet.core.error.InputRejectedException;

/**
 * A {@code Run Outputs Staged} event this deployment cannot act on: no such run, or it staged an
 * output its pipeline (as deployed now) does not declare. Rejected to the dead-letter queue with
 * the reason, never retried.
 */
public final class NotPublishableException extends InputRejectedException {

    NotPublishableException(String message) {
        super(message);
    }
}
