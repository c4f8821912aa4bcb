package io.freshet.core.condition;

import io.freshet.core.error.ConfigurationException;

/** A condition that does not parse; {@link #offset()} is where in the text the problem is. */
public final class ConditionSyntaxException extends ConfigurationException {

    private final int offset;

    public ConditionSyntaxException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
