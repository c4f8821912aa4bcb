package io.freshet.core.error;

/** One event, request, file or command is bad: reject it with the reason, never retry it as it is. */
public abstract non-sealed class InputRejectedException extends FreshetException {

    protected InputRejectedException(String message) {
        super(message, null);
    }

    protected InputRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.INPUT_REJECTED;
    }
}
