package io.freshet.aws.events;

import io.freshet.core.error.PermanentException;

/**
 * An event larger than EventBridge accepts (256 KB, counted as AWS counts entry sizes). Raised
 * before anything is sent: the detail must shrink, e.g. by naming objects by prefix.
 */
public final class EventTooLargeException extends PermanentException {

    private final String detailType;
    private final long sizeBytes;
    private final long limitBytes;

    public EventTooLargeException(String detailType, long sizeBytes, long limitBytes) {
        super("event '" + detailType + "' is " + sizeBytes + " bytes, over EventBridge's limit of " + limitBytes
                + " bytes (Source + DetailType + Detail + Resources, UTF-8); nothing was published");
        this.detailType = detailType;
        this.sizeBytes = sizeBytes;
        this.limitBytes = limitBytes;
    }

    public String detailType() {
        return detailType;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
