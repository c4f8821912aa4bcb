package io.freshet.core.condition;

/** A condition that does not parse; {@link #offset()} is where in the text the problem is. */
public final class ConditionSyntaxException extends RuntimeException {

    private final int offset;

    public ConditionSyntaxException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
