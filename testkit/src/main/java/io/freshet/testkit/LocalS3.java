package io.freshet.testkit;

import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * S3 in this JVM: S3Proxy on a free 127.0.0.1 port over a transient in-memory store (nothing
 * survives {@link #close()}), with S3's EventBridge notifications. The functions' own SDK clients
 * talk to it as to S3 (path-style addressing): Put, Get, Head, List, Copy, multipart uploads,
 * DeleteObjects, and conditional writes ({@code If-None-Match: *} answers 412).
 *
 * <p>Any credentials are accepted, as DynamoDB Local and the local EventBridge accept them. Each
 * instance is its own S3, so several can run at once, and beside {@link LocalDynamo} in one JVM:
 * S3Proxy carries its own, relocated Jetty, which does not meet DynamoDB Local's. S3Proxy's way
 * of losing responses now and then (the SDK then retried writes that had happened) is mended on
 * the way: see {@link LocalS3BodyDrain}.
 *
 * <p>S3 does not notify by itself here either: {@link #onObjectCreated} registers a listener that
 * receives, for each successful PutObject, CopyObject and CompleteMultipartUpload, the EventBridge
 * {@code Object Created} event S3 would send (JSON text), with the key URL-encoded as S3 encodes it
 * and a sequencer that grows with each write of a key. The listener runs before the write's
 * response is sent, so an event has been handed over when the client's call returns.
 */
public final class LocalS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalS3.class);

    /** The account in events and ARNs. */
    public static final String ACCOUNT = LocalS3Events.ACCOUNT;
    /** The region of the buckets, the events and {@link #client()}. */
    public static final Region REGION = Region.of(LocalS3Events.REGION);

    private static final int START_ATTEMPTS = 20;

    private final S3Proxy proxy;
    private final LocalS3BlobStore store;
    private final URI endpoint;
    private final S3Client client;

    private LocalS3(S3Proxy proxy, LocalS3BlobStore store, URI endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
        this.client = client(endpoint);
    }

    /** Starts a new, empty S3 (well under a second once the classes are loaded). */
    public static LocalS3 start() {
        return start(Clock.systemUTC());
    }

    /** As {@link #start()}, with events stamped by {@code clock} (the local stack's, which a demo may move). */
    public static LocalS3 start(Clock clock) {
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            LocalS3BlobStore store = new LocalS3BlobStore(new TransientNio2BlobStore(), new LocalS3Events(clock));
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store)
                    // Port 0: Jetty binds a free port itself, so no other process can take it first.
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    // Tests finish their requests before closing; do not wait for idle keep-alives.
                    .stopTimeout(0)
                    .build();
            LocalS3BodyDrain.install(proxy);
            try {
                proxy.start();
                while (!"STARTED".equals(proxy.getState())) {
                    if ("FAILED".equals(proxy.getState())) {
                        throw new IllegalStateException("S3Proxy failed to start");
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                stopQuietly(proxy);
                store.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("S3Proxy did not start: " + e, e);
            }
            if (FreshPorts.claim(proxy.getPort())) {
                return new LocalS3(proxy, store, URI.create("http://127.0.0.1:" + proxy.getPort()));
            }
            // An earlier server of this JVM listened there: its dead keep-alive connections would be reused.
            LOG.debug("S3Proxy got port {}, used before in this JVM; starting again (attempt {})", proxy.getPort(), attempt);
            stopQuietly(proxy);
            store.close();
        }
        throw new IllegalStateException("S3Proxy got only ports used before in this JVM, " + START_ATTEMPTS + " times");
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * A client as the functions build theirs (URL-connection HTTP client, region eu-central-1,
     * dummy credentials) with path-style addressing, and the SDK's default checksums (CRC32
     * trailers on uploads, validation of downloads). Owned by this instance (closed with it): do
     * not close it.
     *
     * <p>Clients of your own may use any checksum settings (LocalS3Test writes with each).
     */
    public S3Client client() {
        return client;
    }

    /** Creates a bucket (in {@link #REGION}). */
    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    /**
     * Adds a listener for {@code Object Created} events (EventBridge JSON, one event per call).
     * Listeners run on the server's request threads, possibly concurrently; one that throws is
     * logged and does not fail the write, which has happened.
     */
    public void onObjectCreated(Consumer<String> listener) {
        store.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a listener for {@code Object Deleted} events (EventBridge JSON), one per DeleteObject
     * and per key of DeleteObjects: {@code Delete Marker Created} on a versioned bucket, else
     * {@code Permanently Deleted} (a key that did not exist on an unversioned bucket sends nothing).
     */
    public void onObjectDeleted(Consumer<String> listener) {
        store.addDeletionListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Turns on versioning for a bucket, as the lake bucket has it (template.yaml). */
    public void enableVersioning(String bucket) {
        client.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(
                BucketVersioningStatus.ENABLED)));
    }

    @Override
    public void close() {
        client.close();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop cleanly", e);
        } finally {
            store.close();
        }
    }

    static S3Client client(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                // Every upload asks "100 Continue", as the functions' clients do (io.freshet.aws.s3.S3Clients says why).
                .serviceConfiguration(c -> c.expectContinueThresholdInBytes(1L))
                .httpClient(UrlConnectionHttpClient.create())
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.debug("S3Proxy did not stop after a failed start", e);
        }
    }
}
