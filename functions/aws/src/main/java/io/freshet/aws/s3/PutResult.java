package io.freshet.aws.s3;

import java.util.Objects;
import java.util.Optional;

/**
 * A stored object: its ETag without quotes (the MD5 of a single PUT's bytes, or {@code <md5>-<parts>}
 * after a multipart upload), its version when the bucket is versioned, and its size in bytes.
 */
public record PutResult(String etag, Optional<String> versionId, long size) {

    public PutResult {
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(versionId, "versionId");
    }
}
