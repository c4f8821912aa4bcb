package io.freshet.core.cron;

import io.freshet.core.error.ConfigurationException;

/**
 * A cron expression that {@link AwsCron#parse} rejected. The message is meant to be shown to users
 * after a position, as in {@code file:line:col: invalid cron: <message>}, so it is one short clause
 * without a trailing period; {@link #offset()} says where in the parsed string the problem is.
 */
public final class CronSyntaxException extends ConfigurationException {

    private final int offset;

    public CronSyntaxException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** 0-based offset, into the string given to {@link AwsCron#parse}, of the field or token at fault. */
    public int offset() {
        return offset;
    }
}
