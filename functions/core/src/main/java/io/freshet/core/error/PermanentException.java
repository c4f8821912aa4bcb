package io.freshet.core.error;

/** The work fails for good: the same data and code would fail the same way. */
public abstract non-sealed class PermanentException extends FreshetException {

    protected PermanentException(String message) {
        super(message, null);
    }

    protected PermanentException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.PERMANENT;
    }
}
