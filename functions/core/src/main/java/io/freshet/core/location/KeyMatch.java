package io.freshet.core.location;

import java.util.Objects;

/**
 * A source asset that an S3 key belongs to, and the partition the key is for: {@code 2026-05-26}
 * for a daily asset, {@code 2026-05-26T13} for an hourly one and {@code ""} for an unpartitioned one.
 */
public record KeyMatch(String asset, String partitionKey) {
    public KeyMatch {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(partitionKey, "partitionKey");
    }
}
