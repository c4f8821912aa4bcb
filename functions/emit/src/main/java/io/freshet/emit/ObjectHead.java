package io.freshet.emit;

import java.time.Instant;
import java.util.Optional;

/**
 * What S3's HeadObject says of an announced object: the same facts a notification of its write
 * carries (the ETag without its quotes, as notifications spell it).
 */
public record ObjectHead(String bucket, String key, Optional<String> versionId, String etag, long size, Instant lastModified) {

    /** What identifies the write's data, as for a notification: the version id on a versioned bucket, else the ETag. */
    public String dataVersion() {
        return versionId.orElse(etag);
    }

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
