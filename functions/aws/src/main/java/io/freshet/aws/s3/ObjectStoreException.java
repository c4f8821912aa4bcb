package io.freshet.aws.s3;

import java.util.Optional;

import io.freshet.core.error.AdapterException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * An S3 operation of {@link ObjectStore} failed. Names the operation (the S3 API's name:
 * {@code PutObject}, {@code CompleteMultipartUpload}, ...), the bucket and, when there is one,
 * the key; carries S3's HTTP status when S3 answered. Transient when S3 did not answer (or a local
 * file could not be read or written), throttled (429) or failed (5xx); permanent for any other
 * answer (404, 403, 412...).
 */
public final class ObjectStoreException extends AdapterException {

    private final String operation;
    private final String bucket;
    private final String key;
    private final int statusCode;

    ObjectStoreException(String operation, String bucket, String key, String reason, Throwable cause) {
        super(kindOf(statusOf(cause)), operation + " " + location(bucket, key) + " failed: " + reason, cause);
        this.operation = operation;
        this.bucket = bucket;
        this.key = key;
        this.statusCode = statusOf(cause);
        with("operation", operation).with("bucket", bucket).with("key", key).with("status", statusCode == 0 ? null : statusCode);
    }

    private static int statusOf(Throwable cause) {
        return cause instanceof AwsServiceException e ? e.statusCode() : 0;
    }

    /** No answer (0), throttling and 5xx may pass next time; S3's other answers will not. */
    private static Kind kindOf(int statusCode) {
        return statusCode == 0 || statusCode == 429 || statusCode >= 500 ? Kind.TRANSIENT : Kind.PERMANENT;
    }

    /** From a failed SDK call: the reason is S3's own message, or the client's. */
    static ObjectStoreException of(String operation, String bucket, String key, RuntimeException cause) {
        String reason;
        if (cause instanceof AwsServiceException e && e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
            reason = e.awsErrorDetails().errorCode() + " (" + e.statusCode() + "): " + e.awsErrorDetails().errorMessage();
        } else if (cause instanceof AwsServiceException e) {
            // S3 refused before the body went (Expect: 100-continue): a status, but no error document.
            reason = "HTTP " + e.statusCode() + (e.statusCode() == 404 ? " (no such bucket or key)" : "");
        } else {
            reason = String.valueOf(cause.getMessage());
        }
        return new ObjectStoreException(operation, bucket, key, reason, cause);
    }

    public String operation() {
        return operation;
    }

    public String bucket() {
        return bucket;
    }

    /** The object's key; empty for operations on several objects (listing, batched deletes). */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** S3's HTTP status, or 0 when S3 did not answer (network, local file, client-side failures). */
    public int statusCode() {
        return statusCode;
    }

    /** S3 answered 404: no such key (or, for a read, no such bucket). */
    public boolean notFound() {
        return statusCode == 404;
    }

    private static String location(String bucket, String key) {
        return "s3://" + bucket + "/" + (key == null ? "" : key);
    }
}
