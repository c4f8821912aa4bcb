package io.freshet.emit;

import java.util.Optional;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** HeadObject of the current version of an object: present, or empty when there is none (absent, or a delete marker). */
public final class ObjectHeads {

    private final S3Client s3;

    public ObjectHeads(S3Client s3) {
        this.s3 = s3;
    }

    public Optional<ObjectHead> head(String bucket, String key) {
        try {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(key));
            String etag = r.eTag() == null ? "" : r.eTag().replace("\"", "");
            Optional<String> version = Optional.ofNullable(r.versionId()).filter(v -> !v.isEmpty() && !v.equals("null"));
            return Optional.of(new ObjectHead(bucket, key, version, etag, r.contentLength(), r.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty(); // HEAD has no body: S3 answers a missing key, or a delete marker, with a bare 404
            }
            throw e; // denied, throttled, S3 unavailable: the invocation fails and is retried, nothing is recorded
        }
    }
}
