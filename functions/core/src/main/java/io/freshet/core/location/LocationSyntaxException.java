package io.freshet.core.location;

import io.freshet.core.error.ConfigurationException;

/**
 * A location that does not follow the syntax of {@link LocationPattern}. The message is short,
 * has no trailing period and says what was expected; the pipeline loader prints it as
 * {@code file:line:col: invalid location: <message>}, with the column moved right by {@link #offset()}.
 */
public final class LocationSyntaxException extends ConfigurationException {

    private final int offset;

    public LocationSyntaxException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** 0-based offset into the location text of the character where the problem is. */
    public int offset() {
        return offset;
    }
}
