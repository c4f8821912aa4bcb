package io.freshet.s3events;

import java.time.Instant;
import java.util.Optional;

/**
 * One S3 object deletion (a producer replacing its export, a lifecycle expiration).
 *
 * @param deleteMarker true when S3 created a delete marker (the key is hidden, its versions
 *                     stay); false when {@code versionId} (or, unversioned, the object) is gone for good
 */
public record ObjectDeleted(String bucket, String key, Optional<String> versionId, String sequencer, boolean deleteMarker,
                            Instant time) implements ObjectChange {
}
