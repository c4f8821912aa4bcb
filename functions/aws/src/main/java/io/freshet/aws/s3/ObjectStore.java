package io.freshet.aws.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Files in and out of S3 over a plain {@link S3Client}: what the runner needs to move snapshots
 * and query results, with failures as {@link ObjectStoreException}s that name the operation, the
 * bucket and the key.
 *
 * <p>Uploads stream from the file: one PutObject up to the multipart threshold, a multipart upload
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
    /** Tries of a conditional PutObject that S3 answers 409 (a concurrent conditional write in flight). */
    private static final int CONFLICT_ATTEMPTS = 3;

    private final S3Client s3;
    private final long multipartThreshold;
    private final long partSize;

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
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
    }

    /** Uploads {@code file} to {@code s3://bucket/key}, replacing any object there. */
    public PutResult put(String bucket, String key, Path file) {
        return upload(bucket, key, file, false).orElseThrow();
    }

    /**
     * Uploads {@code file} unless an object exists at the key ({@code If-None-Match: *}, decided
     * by S3 atomically: of concurrent callers exactly one gets true).
     *
     * @return true when this call created the object, false when one was there
     */
    public boolean putIfAbsent(String bucket, String key, Path file) {
        return upload(bucket, key, file, true).isPresent();
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

    /** Empty only when {@code ifAbsent} and the key was taken. */
    private Optional<PutResult> upload(String bucket, String key, Path file, boolean ifAbsent) {
        requireLocation(bucket, key);
        Objects.requireNonNull(file, "file");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ObjectStoreException("PutObject", bucket, key, "reading " + file + ": " + e, e);
        }
        return size > multipartThreshold
                ? multipart(bucket, key, file, size, ifAbsent)
                : single(bucket, key, file, size, ifAbsent);
    }

    private Optional<PutResult> single(String bucket, String key, Path file, long size, boolean ifAbsent) {
        for (int attempt = 1; ; attempt++) {
            try {
                PutObjectResponse r = s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size)
                        .ifNoneMatch(ifAbsent ? "*" : null), RequestBody.fromFile(file));
                return Optional.of(new PutResult(unquote(r.eTag()), Optional.ofNullable(r.versionId()), size));
            } catch (S3Exception e) {
                if (ifAbsent && e.statusCode() == 412) {
                    return Optional.empty();
                }
                if (ifAbsent && e.statusCode() == 409 && attempt < CONFLICT_ATTEMPTS) {
                    continue; // S3: a conditional write raced another in flight; try again
                }
                throw ObjectStoreException.of("PutObject", bucket, key, e);
            } catch (UncheckedIOException e) {
                throw new ObjectStoreException("PutObject", bucket, key, "reading " + file + ": " + e.getCause(), e);
            } catch (RuntimeException e) {
                throw ObjectStoreException.of("PutObject", bucket, key, e);
            }
        }
    }

    private Optional<PutResult> multipart(String bucket, String key, Path file, long size, boolean ifAbsent) {
        long part = effectivePartSize(size);
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        } catch (RuntimeException e) {
            throw ObjectStoreException.of("CreateMultipartUpload", bucket, key, e);
        }
        boolean finished = false;
        String operation = "UploadPart";
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += part, number++) {
                long length = Math.min(part, size - offset);
                int n = number;
                try (FileSlice slice = new FileSlice(file, offset, length)) {
                    UploadPartResponse r = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n)
                            .contentLength(length).checksumAlgorithm(ChecksumAlgorithm.CRC32),
                            RequestBody.fromContentProvider(slice, length, "application/octet-stream"));
                    parts.add(CompletedPart.builder().partNumber(n).eTag(r.eTag()).checksumCRC32(r.checksumCRC32()).build());
                }
            }
            operation = "CompleteMultipartUpload";
            CompleteMultipartUploadResponse done;
            try {
                done = s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .ifNoneMatch(ifAbsent ? "*" : null).multipartUpload(m -> m.parts(parts)));
            } catch (S3Exception e) {
                if (ifAbsent && e.statusCode() == 412) {
                    return Optional.empty(); // the upload is aborted below
                }
                throw e;
            }
            finished = true;
            return Optional.of(new PutResult(unquote(done.eTag()), Optional.ofNullable(done.versionId()), size));
        } catch (RuntimeException e) {
            ObjectStoreException failure = e instanceof UncheckedIOException io
                    ? new ObjectStoreException(operation, bucket, key, "reading " + file + ": " + io.getCause(), e)
                    : ObjectStoreException.of(operation, bucket, key, e);
            abort(bucket, key, uploadId).ifPresent(failure::addSuppressed);
            finished = true;
            throw failure;
        } finally {
            if (!finished) {
                abort(bucket, key, uploadId); // a declined putIfAbsent, or an Error on its way up
            }
        }
    }

    /** The part size, raised (to whole MiB) when the file would need more than 10,000 parts. */
    long effectivePartSize(long size) {
        long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
        if (needed <= partSize) {
            return partSize;
        }
        long mib = 1024L * 1024;
        return (needed + mib - 1) / mib * mib;
    }

    /**
     * Aborts an upload whose object will not be made. A failed abort is not thrown over the
     * failure that caused it but returned, to be attached to it as suppressed; a bucket lifecycle
     * rule for incomplete uploads is the backstop.
     */
    private Optional<RuntimeException> abort(String bucket, String key, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(ObjectStoreException.of("AbortMultipartUpload", bucket, key, e));
        }
    }

    private static void requireLocation(String bucket, String key) {
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

    /**
     * One part's bytes, read from the file when the SDK asks: a fresh stream per attempt (the SDK
     * retries a part from its start), each closed when the next is opened or the part is done.
     */
    private static final class FileSlice implements ContentStreamProvider, AutoCloseable {
        private final Path file;
        private final long offset;
        private final long length;
        private InputStream current;

        FileSlice(Path file, long offset, long length) {
            this.file = file;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public InputStream newStream() {
            close();
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                current = new BoundedInputStream(Channels.newInputStream(channel), length);
                return current;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException e) {
                    // a read-only file handle: nothing was lost
                }
                current = null;
            }
        }
    }

    /** At most {@code limit} bytes of a stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
