package io.freshet.state;

/** A store operation failed for a reason other than losing a race it is built to lose. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
