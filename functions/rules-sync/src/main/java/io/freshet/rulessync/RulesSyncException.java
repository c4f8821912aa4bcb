package io.freshet.rulessync;

/** An EventBridge call failed; the message says which rule and what for. */
public final class RulesSyncException extends RuntimeException {

    public RulesSyncException(String message) {
        super(message);
    }

    public RulesSyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
