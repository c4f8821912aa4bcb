package io.freshet.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.freshet.core.error.FreshetException;
import io.freshet.core.model.Observation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists an observed S3 source's prefixes (ListObjectsV2, every page: 1,000 keys each). A listing
 * that fails is an {@link ObservationException}, reported as a failed PostgreSQL observation is:
 * denied, a missing bucket or a bad request are permanent; throttling, S3's own errors and the
 * network are transient. Nothing is recorded from a listing that did not finish.
 */
final class ObjectListing {

    /** One listed object: the ETag without its quotes, as S3 notifications spell it. */
    record Listed(String key, String etag, long size, Instant lastModified) {
    }

    private final Optional<S3Client> s3;

    ObjectListing(Optional<S3Client> s3) {
        this.s3 = s3;
    }

    List<Listed> list(Observation.Listing o, String bucket, List<String> prefixes) {
        S3Client client = s3.orElseThrow(() -> new ObservationException(o, "the scheduler has no S3 client to list s3://" + bucket
                + " with", FreshetException.Kind.PERMANENT, "", null));
        List<Listed> out = new ArrayList<>();
        try {
            for (String prefix : prefixes) {
                for (S3Object c : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                    out.add(new Listed(c.key(), c.eTag() == null ? "" : c.eTag().replace("\"", ""), c.size() == null ? 0 : c.size(),
                            c.lastModified()));
                }
            }
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
            boolean transientFailure = e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException();
            throw new ObservationException(o, "listing s3://" + bucket + "/ failed: " + (code.isEmpty() ? "" : code + ": ")
                    + e.getMessage(), transientFailure ? FreshetException.Kind.TRANSIENT : FreshetException.Kind.PERMANENT, code, e);
        } catch (SdkClientException e) {
            throw new ObservationException(o, "listing s3://" + bucket + "/ failed: " + e.getMessage(), FreshetException.Kind.TRANSIENT,
                    "", e);
        }
        return out;
    }
}
