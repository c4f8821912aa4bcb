package io.freshet.core.location;

import java.util.List;

import io.freshet.core.error.InputRejectedException;

/**
 * An S3 key matched an asset's pattern, but the text in a placeholder has the right shape and is
 * not a real date or hour ({@code date=2026-02-30}, {@code hour=24}). The event cannot be assigned
 * to a partition; the caller rejects it to the dead-letter queue with {@link #getMessage()}.
 *
 * <p>Other assets may have matched the same key without trouble; they are in {@link #validMatches()}
 * so the caller can decide to still deliver those.
 */
public final class InvalidPartitionException extends InputRejectedException {

    private final String asset;
    private final String bucket;
    private final String key;
    private final String reason;
    private final List<KeyMatch> validMatches;

    public InvalidPartitionException(String asset, String bucket, String key, String reason, List<KeyMatch> validMatches) {
        super("s3://" + bucket + "/" + key + " matches the location of asset " + asset + " but " + reason);
        this.asset = asset;
        this.bucket = bucket;
        this.key = key;
        this.reason = reason;
        this.validMatches = List.copyOf(validMatches);
    }

    public String asset() {
        return asset;
    }

    public String bucket() {
        return bucket;
    }

    public String key() {
        return key;
    }

    /** Why the placeholder text is not a partition, e.g. {@code 2026-02-30 is not a valid date}. */
    public String reason() {
        return reason;
    }

    /** The matches of other patterns for the same key that did yield a partition, sorted by asset. */
    public List<KeyMatch> validMatches() {
        return validMatches;
    }
}
