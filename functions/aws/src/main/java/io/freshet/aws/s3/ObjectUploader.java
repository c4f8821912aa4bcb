package io.freshet.aws.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads a file to S3 for {@link ObjectStore}: one PutObject up to the multipart threshold, else a
 * multipart upload whose parts are read from disk as they are sent, each with a CRC32; conditional
 * ({@code If-None-Match: *}) when asked. A multipart upload that fails is aborted.
 */
final class ObjectUploader {

    /** Tries of a conditional PutObject that S3 answers 409 (a concurrent conditional write in flight). */
    private static final int CONFLICT_ATTEMPTS = 3;

    private final S3Client s3;
    private final long multipartThreshold;
    private final long partSize;

    ObjectUploader(S3Client s3, long multipartThreshold, long partSize) {
        this.s3 = s3;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
    }

    /** Empty only when {@code ifAbsent} and the key was taken. */
    Optional<PutResult> upload(String bucket, String key, Path file, boolean ifAbsent) {
        ObjectStore.requireLocation(bucket, key);
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
                return Optional.of(new PutResult(ObjectStore.unquote(r.eTag()), Optional.ofNullable(r.versionId()), size));
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
            return Optional.of(new PutResult(ObjectStore.unquote(done.eTag()), Optional.ofNullable(done.versionId()), size));
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
        long needed = (size + ObjectStore.MAX_PARTS - 1) / ObjectStore.MAX_PARTS;
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
}
