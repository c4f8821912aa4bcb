package io.freshet.aws.s3;

import java.util.Objects;

/** One object of a listing: its key, size in bytes and ETag (without quotes). */
public record S3ObjectSummary(String key, long size, String etag) {

    public S3ObjectSummary {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
    }
}
