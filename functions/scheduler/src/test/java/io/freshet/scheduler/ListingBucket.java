package io.freshet.scheduler;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.freshet.aws.pg.PgCredentials;
import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the tests of S3 sources observed by listing share: an S3Proxy of the test class's own with
 * one bucket, started before its first test and stopped after its last
 * ({@code @RegisterExtension static final ListingBucket}), the objects a test writes into it, and a
 * tick's world on src/test/resources/listing-project, which has no PostgreSQL source.
 */
final class ListingBucket implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private final Map<String, String> objects;
    private LocalS3 s3;

    ListingBucket(String name) {
        this(name, Map.of());
    }

    /** With {@code objects} (key -> body) in the bucket from the start, for a class whose tests only read them. */
    ListingBucket(String name, Map<String, String> objects) {
        this.name = name;
        this.objects = Map.copyOf(objects);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        s3 = LocalS3.start();
        s3.createBucket(name);
        objects.forEach(this::put);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        s3.close();
    }

    String name() {
        return name;
    }

    S3Client client() {
        return s3.client();
    }

    /** Another bucket on the same S3, as a test that starts without it creates it. */
    void createBucket(String other) {
        s3.createBucket(other);
    }

    void put(String key, String body) {
        s3.client().putObject(b -> b.bucket(name).key(key), RequestBody.fromString(body));
    }

    /** Deletes every object, so that a test sees only what it writes. */
    void empty() {
        s3.client().listObjectsV2Paginator(b -> b.bucket(name)).contents()
                .forEach(o -> s3.client().deleteObject(b -> b.bucket(name).key(o.key())));
    }

    /**
     * An empty bucket and a world of its own (table, project) on the listing project, starting at
     * {@code start}; its observations have no PostgreSQL to connect to, and fail the test if they try.
     */
    ObservedWorld world(Instant start, Path dir) {
        empty();
        return new ObservedWorld(new TickWorld(start, dir, "listing-project"), new PgCredentials(Map.of(), arn -> {
            throw new AssertionError("no PostgreSQL here");
        }));
    }
}
