package io.freshet.core.error;

/** The world was not ready (throttling, a 5xx, a dropped connection, a held lock, a timeout): another attempt may pass. */
public abstract non-sealed class TransientException extends FreshetException {

    protected TransientException(String message) {
        super(message, null);
    }

    protected TransientException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.TRANSIENT;
    }
}
