package io.freshet.aws.s3;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Files in and out of S3 over a plain {@link S3Client}: what the runner needs to move snapshots
 * and query results, with failures as {@link ObjectStoreException}s that name the operation, the
 * bucket and the key.
 *
 * <p>Uploads ({@link ObjectUploader}) stream from the file: one PutObject up to the multipart threshold, a multipart upload
 * above it, its parts sent one after another in order, each read from disk as it is sent (memory
 * stays at the SDK's buffers, whatever the size), each with a CRC32 that S3 checks, the whole
 * object then carrying S3's composite CRC32. A multipart upload that fails at any point is
 * aborted, so neither a partial object nor an upload (whose parts S3 would bill) remains.
 * Downloads stream into a temporary file beside the target, moved over it once complete.
 *
 * <p>Thread-safe when the client is (the SDK's are); holds no state of its own.
 */
public final class ObjectStore {

    public static final long DEFAULT_MULTIPART_THRESHOLD = 64L * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;
    /** S3's smallest part (all but the last). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's largest single PutObject. */
    static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    /** S3's most parts in one upload. */
    static final int MAX_PARTS = 10_000;
    /** S3's most keys in one DeleteObjects. */
    static final int DELETE_BATCH = 1_000;

    private final S3Client s3;
    private final ObjectUploader uploader;

    /** With the default threshold ({@value #DEFAULT_MULTIPART_THRESHOLD} bytes) and part size ({@value #DEFAULT_PART_SIZE}). */
    public ObjectStore(S3Client s3) {
        this(s3, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE);
    }

    /**
     * @param multipartThreshold files larger than this many bytes go up in parts (at most 5 GiB,
     *                           S3's largest PutObject)
     * @param partSize           bytes per part, at least {@value #MIN_PART_SIZE} (S3's minimum);
     *                           raised for a file that would otherwise need more than 10,000 parts
     */
    public ObjectStore(S3Client s3, long multipartThreshold, long partSize) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        if (multipartThreshold < 0 || multipartThreshold > MAX_SINGLE_PUT) {
            throw new IllegalArgumentException("the multipart threshold must be between 0 and 5 GiB, not " + multipartThreshold);
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_SINGLE_PUT) {
            throw new IllegalArgumentException("the part size must be between 5 MiB and 5 GiB (S3's limits), not " + partSize);
        }
        this.uploader = new ObjectUploader(s3, multipartThreshold, partSize);
    }

    /** Uploads {@code file} to {@code s3://bucket/key}, replacing any object there. */
    public PutResult put(String bucket, String key, Path file) {
        return uploader.upload(bucket, key, file, false).orElseThrow();
    }

    /**
     * Uploads {@code file} unless an object exists at the key ({@code If-None-Match: *}, decided
     * by S3 atomically: of concurrent callers exactly one gets true).
     *
     * @return true when this call created the object, false when one was there
     */
    public boolean putIfAbsent(String bucket, String key, Path file) {
        return uploader.upload(bucket, key, file, true).isPresent();
    }

    /**
     * Downloads {@code s3://bucket/key} to {@code target} (parent directories created), replacing
     * it. The bytes go to a temporary file in the target's directory first: a failed download
     * leaves the target as it was.
     */
    public void get(String bucket, String key, Path target) {
        get(bucket, key, Optional.empty(), target);
    }

    /**
     * As {@link #get(String, String, Path)}, of one version of the object when {@code versionId}
     * is present: what an asset event recorded, even after the key was overwritten or deleted
     * (the lake bucket is versioned; docs/pipelines.md, "What a partition of an S3 source holds").
     */
    public void get(String bucket, String key, Optional<String> versionId, Path target) {
        requireLocation(bucket, key);
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(target, "target");
        Path absolute = target.toAbsolutePath();
        Path temporary = null;
        try {
            Files.createDirectories(absolute.getParent());
            temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".download");
            long copied;
            Long expected;
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key).versionId(versionId.orElse(null)))) {
                copied = Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
                expected = in.response().contentLength();
            }
            if (expected != null && expected != copied) {
                throw new ObjectStoreException("GetObject", bucket, key,
                        "the response ended after " + copied + " of " + expected + " bytes", null);
            }
            move(temporary, absolute);
            temporary = null;
        } catch (IOException e) {
            throw new ObjectStoreException("GetObject", bucket, key, "writing " + absolute + ": " + e, e);
        } catch (ObjectStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ObjectStoreException.of("GetObject", bucket, key, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Every object whose key starts with {@code prefix} ("" or null: the whole bucket), in key order. */
    public List<S3ObjectSummary> list(String bucket, String prefix) {
        Objects.requireNonNull(bucket, "bucket");
        String p = prefix == null || prefix.isEmpty() ? null : prefix;
        try {
            List<S3ObjectSummary> out = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(p)).contents()
                    .forEach(o -> out.add(new S3ObjectSummary(o.key(), o.size() == null ? 0 : o.size(), unquote(o.eTag()))));
            return Collections.unmodifiableList(out);
        } catch (RuntimeException e) {
            throw ObjectStoreException.of("ListObjectsV2", bucket, p, e);
        }
    }

    /**
     * Deletes the objects at {@code keys}, in DeleteObjects batches of at most 1,000. Keys with no
     * object are not an error (S3 deletes are idempotent). Throws, naming the keys S3 refused, if
     * any deletion failed; the other batches are still attempted first.
     */
    public void deleteAll(String bucket, List<String> keys) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(keys, "keys");
        List<S3Error> refused = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(Objects.requireNonNull(k, "a key")).build())
                    .toList();
            try {
                DeleteObjectsResponse response = s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
                refused.addAll(response.errors());
            } catch (RuntimeException e) {
                throw ObjectStoreException.of("DeleteObjects", bucket, null, e);
            }
        }
        if (!refused.isEmpty()) {
            S3Error first = refused.get(0);
            throw new ObjectStoreException("DeleteObjects", bucket, null, refused.size() + " of " + keys.size()
                    + " keys were not deleted, the first '" + first.key() + "': " + first.code() + " " + first.message(), null);
        }
    }

    /** Whether an object is at the key (false too when the bucket does not exist: a HEAD cannot tell). */
    public boolean exists(String bucket, String key) {
        requireLocation(bucket, key);
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw ObjectStoreException.of("HeadObject", bucket, key, e);
        } catch (RuntimeException e) {
            throw ObjectStoreException.of("HeadObject", bucket, key, e);
        }
    }

    /** The part size, raised (to whole MiB) when the file would need more than 10,000 parts. */
    long effectivePartSize(long size) {
        return uploader.effectivePartSize(size);
    }

    static void requireLocation(String bucket, String key) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("an object key cannot be empty");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a stray temporary file is all that remains
        }
    }

    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
