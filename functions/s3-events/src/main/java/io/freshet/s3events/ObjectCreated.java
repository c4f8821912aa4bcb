package io.freshet.s3events;

import java.time.Instant;
import java.util.Optional;

/** One S3 object creation, with the key already URL-decoded. */
public record ObjectCreated(String bucket, String key, Optional<String> versionId, String etag, long size,
                            String sequencer, Instant time) implements ObjectChange {

    /** What identifies this write's data: the version id on a versioned bucket, else the ETag. */
    public String dataVersion() {
        return versionId.orElse(etag);
    }
}
