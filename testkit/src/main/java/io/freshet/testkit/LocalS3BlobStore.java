package io.freshet.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * S3Proxy's blob store with S3's EventBridge notifications: each successful PutObject, CopyObject
 * and CompleteMultipartUpload hands an {@code Object Created} event to the listeners. A write that
 * fails (a failed precondition, an invalid part list) and an aborted upload send nothing.
 *
 * <p>Writes and deletes of one key are serialised (striped locks), and the sequencer is taken
 * while the lock is held: the order of a key's sequencers is the order in which its versions
 * became visible, which is what S3 promises and what consumers order writes by. Listeners run
 * after the lock is released, on the server's request thread, before the response goes out: when
 * the client's call returns, its event has been delivered.
 */
final class LocalS3BlobStore extends ForwardingBlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(LocalS3BlobStore.class);

    /**
     * S3Proxy records each multipart upload of a filesystem or transient store as a stub object
     * under this prefix (reserved: clients cannot write such keys); those puts are not writes.
     */
    private static final String S3PROXY_INTERNAL_PREFIX = ".s3proxy-mpu-stub-";
    private static final int STRIPES = 256;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();
    private final LocalS3Events events;

    LocalS3BlobStore(BlobStore delegate, LocalS3Events events) {
        super(delegate);
        this.events = events;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    void addListener(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        if (request.key().startsWith(S3PROXY_INTERNAL_PREFIX)) {
            return super.putBlob(request, payload);
        }
        ReentrantLock lock = lock(request.bucket(), request.key());
        PutObjectResponse response;
        String event;
        lock.lock();
        try {
            CountingInputStream counted = new CountingInputStream(payload);
            response = super.putBlob(request, counted);
            event = events.objectCreated(request.bucket(), request.key(), counted.count(), response.eTag(),
                    response.versionId(), LocalS3Events.nextSequencer(), "PutObject");
        } finally {
            lock.unlock();
        }
        publish(event);
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        String bucket = request.destinationBucket();
        String key = request.destinationKey();
        ReentrantLock lock = lock(bucket, key);
        CopyObjectResponse response;
        String event;
        lock.lock();
        try {
            response = super.copyBlob(request);
            String etag = response.copyObjectResult() == null ? null : response.copyObjectResult().eTag();
            event = events.objectCreated(bucket, key, size(bucket, key, response.versionId()), etag,
                    response.versionId(), LocalS3Events.nextSequencer(), "CopyObject");
        } finally {
            lock.unlock();
        }
        publish(event);
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload mpu, CompleteMultipartUploadRequest request) {
        String bucket = mpu.containerName();
        String key = mpu.blobName();
        ReentrantLock lock = lock(bucket, key);
        CompleteMultipartUploadResponse response;
        String event;
        lock.lock();
        try {
            response = super.completeMultipartUpload(mpu, request);
            event = events.objectCreated(bucket, key, size(bucket, key, response.versionId()), response.eTag(),
                    response.versionId(), LocalS3Events.nextSequencer(), "CompleteMultipartUpload");
        } finally {
            lock.unlock();
        }
        publish(event);
        return response;
    }

    /**
     * Deletes take the key's lock too, so the size read after a copy or completion is that write's,
     * and a deletion's sequencer falls between those of the writes around it. An {@code Object
     * Deleted} event goes to the deletion listeners: a delete marker on a versioned bucket, else
     * a permanent deletion (of the version named, or of the object when it existed).
     */
    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        ReentrantLock lock = lock(request.bucket(), request.key());
        DeleteObjectResponse response;
        String event = null;
        lock.lock();
        try {
            boolean named = request.versionId() != null && !request.versionId().isEmpty();
            boolean existed = named || exists(request.bucket(), request.key());
            response = super.removeBlob(request);
            boolean marker = !named && Boolean.TRUE.equals(response.deleteMarker());
            if (existed || marker) {
                event = events.objectDeleted(request.bucket(), request.key(), named ? request.versionId() : response.versionId(),
                        marker, LocalS3Events.nextSequencer());
            }
        } finally {
            lock.unlock();
        }
        if (event != null) {
            publish(deletionListeners, event);
        }
        return response;
    }

    void addDeletionListener(Consumer<String> listener) {
        deletionListeners.add(listener);
    }

    private boolean exists(String bucket, String key) {
        try {
            return super.blobMetadata(HeadObjectRequest.builder().bucket(bucket).key(key).build()) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ForwardingBlobStore leaves these to the interface's defaults, which refuse UploadPartCopy.
    @Override
    public boolean supportsCopyMultipartPart() {
        return delegate().supportsCopyMultipartPart();
    }

    @Override
    public UploadPartCopyResponse copyMultipartPart(MultipartUpload mpu, UploadPartCopyRequest request) {
        return delegate().copyMultipartPart(mpu, request);
    }

    private long size(String bucket, String key, String versionId) {
        try {
            HeadObjectResponse head = super.blobMetadata(HeadObjectRequest.builder().bucket(bucket).key(key)
                    .versionId(versionId == null || versionId.isEmpty() ? null : versionId).build());
            Long length = head.contentLength();
            return length == null ? 0 : length;
        } catch (RuntimeException e) {
            LOG.warn("the size of s3://{}/{} could not be read after its write; its event says 0", bucket, key, e);
            return 0;
        }
    }

    private void publish(String event) {
        publish(listeners, event);
    }

    private static void publish(List<Consumer<String>> listeners, String event) {
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // The object is written whatever a listener does: S3 answers the write and
                // notifies separately, and so does this.
                LOG.warn("an S3 event listener failed on {}", event, e);
            }
        }
    }

    private ReentrantLock lock(String bucket, String key) {
        int h = bucket.hashCode() * 31 + key.hashCode();
        h ^= h >>> 16;
        return locks[h & (STRIPES - 1)];
    }

    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
