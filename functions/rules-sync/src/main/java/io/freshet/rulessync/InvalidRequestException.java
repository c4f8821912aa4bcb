package io.freshet.rulessync;

import io.freshet.core.error.InputRejectedException;

/** A custom resource request CloudFormation sent that cannot be served: its type or a property is missing or wrong. */
public final class InvalidRequestException extends InputRejectedException {

    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
