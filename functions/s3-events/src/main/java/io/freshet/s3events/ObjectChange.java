package io.freshet.s3events;

import java.time.Instant;
import java.util.Optional;

/** One change of an S3 object that a notification reports, with the key already URL-decoded. */
public sealed interface ObjectChange permits ObjectCreated, ObjectDeleted {

    String bucket();

    String key();

    /** The version written or removed; empty on an unversioned bucket. */
    Optional<String> versionId();

    /** S3's sequencer: orders the changes of one key. */
    String sequencer();

    Instant time();

    default String uri() {
        return "s3://" + bucket() + "/" + key();
    }
}
