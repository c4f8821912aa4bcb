package io.freshet.aws.json;

import io.freshet.core.error.InputRejectedException;

/**
 * An incoming event that cannot be processed as it is: the handler fails with this reason, so
 * Lambda retries and then sends the event to the function's dead-letter queue with it.
 */
public final class MalformedEventException extends InputRejectedException {

    public MalformedEventException(String reason) {
        super(reason);
    }
}
